import { z } from 'zod';
import { DEFAULT_LANGUAGE, LanguageIdSchema } from './languages';
import { MAX_NAME_LENGTH, MAX_TITLE_LENGTH, SESSION_ID_PATTERN, TOKEN_PATTERN } from './limits';
import { QuestionSchema } from './questions';

/** A display name: trimmed, 1..40 characters, no control characters (it is shown to others). */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const SessionIdSchema = z.string().regex(SESSION_ID_PATTERN, 'must be a session id (UUID v4)');

export const InterviewerTokenSchema = z.string().regex(TOKEN_PATTERN, 'must be an interviewer token');

export const CreateSessionBodySchema = z
  .strictObject({
    /** The interviewer's display name; remembered for the room. */
    name: DisplayNameSchema.optional(),
    language: LanguageIdSchema.default(DEFAULT_LANGUAGE),
    title: z.string().trim().max(MAX_TITLE_LENGTH, `must be at most ${MAX_TITLE_LENGTH} characters`).optional(),
    /** Start from a bank question: its description, test cases and the starter for `language`. */
    questionId: QuestionSchema.shape.id.optional(),
    /** Who is interviewed: kept with the interview for the dashboard's search (and its erasure). */
    candidateName: DisplayNameSchema.optional(),
    candidateEmail: z
      .string()
      .trim()
      .toLowerCase()
      .max(254, 'must be at most 254 characters')
      .pipe(z.email('must be an email address'))
      .optional(),
  })
  .default({ language: DEFAULT_LANGUAGE });
export type CreateSessionBody = z.infer<typeof CreateSessionBodySchema>;

/** What anyone holding the link may see: never tokens or private notes. */
export const SessionPublicViewSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  language: LanguageIdSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
  ended: z.boolean(),
  participants: z.number().int().nonnegative(),
});
export type SessionPublicView = z.infer<typeof SessionPublicViewSchema>;

export const CreateSessionResponseSchema = SessionPublicViewSchema.extend({
  interviewerToken: z.string(),
  links: z.object({ candidate: z.string(), interviewer: z.string() }),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponseSchema>;
