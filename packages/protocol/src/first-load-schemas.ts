/**
 * The schemas the room page validates with before its editor is ready, written with `zod/mini`
 * (tree-shakable: ~6 kB compressed instead of classic zod's ~28 kB in the room's first load, issue
 * 21). Each is the twin of the classic schema of the same name in sessions.ts, languages.ts and
 * realtime.ts, which the backend and every other page keep using; backend/test/protocol/
 * first-load-schemas.test.ts holds each pair equal (same JSON Schema, same verdicts on a corpus).
 * Change both or neither. Import through `@pairpad/protocol/first-load-schemas`; the package's
 * index does not re-export this module (the names are the classic ones).
 */
import * as z from 'zod/mini';
import { LANGUAGE_IDS } from './language-table';
import { MAX_NAME_LENGTH } from './limits';

export const ROLES = ['interviewer', 'candidate'] as const;
export const PRESENCE_STATUSES = ['active', 'idle', 'away'] as const;

export const LanguageIdSchema = z.enum(LANGUAGE_IDS, {
  error: () => `must be one of: ${LANGUAGE_IDS.join(', ')}`,
});

export const DisplayNameSchema = z.string().check(
  z.trim(),
  z.minLength(1, 'must not be empty'),
  z.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  z.regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
);

export const SessionPublicViewSchema = z.object({
  id: z.string(),
  title: z.nullable(z.string()),
  language: LanguageIdSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  ended: z.boolean(),
  participants: z.int().check(z.nonnegative()),
});

export const RuntimeEntrySchema = z.object({
  language: z.string(),
  version: z.string(),
  aliases: z.optional(z.array(z.string())),
  runtime: z.optional(z.string()),
});

export const RuntimeListSchema = z.array(RuntimeEntrySchema);

export const AwarenessUserSchema = z.object({
  name: DisplayNameSchema,
  color: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/)),
  colorLight: z.string().check(z.regex(/^#[0-9a-fA-F]{6,8}$/)),
  role: z.enum(ROLES),
  status: z._default(z.enum(PRESENCE_STATUSES), 'active'),
  personId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/))),
});
