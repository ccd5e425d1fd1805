/**
 * The checks the room page runs before its editor is ready, without any schema library: zod (even
 * `zod/mini`, whose core Turbopack cannot split) would add 23–31 kB compressed to the room's first
 * load, a tenth of issue 21's budget. Each export here is the twin of the classic zod schema of the
 * same name (sessions.ts, languages.ts, realtime.ts), with the same `safeParse` result: the same
 * verdict, the same output (trimmed names, stripped unknown keys, defaults) and, for the checks a
 * person reads (display name, language), the same messages. backend/test/protocol/
 * first-load-schemas.test.ts holds each pair equal on a corpus and on thousands of generated
 * inputs; change both or neither. Import through `@pairpad/protocol/first-load-schemas`; the
 * package's index does not re-export this module (the names are the classic ones).
 */
import type { RuntimeEntry } from './languages';
import { LANGUAGE_IDS, type LanguageId } from './language-table';
import { MAX_NAME_LENGTH } from './limits';
import type { AwarenessUser } from './realtime';
import type { SessionPublicView } from './sessions';

export const ROLES = ['interviewer', 'candidate'] as const;
export const PRESENCE_STATUSES = ['active', 'idle', 'away'] as const;

export interface Issue {
  path: (string | number)[];
  message: string;
}

/** What zod's `safeParse` answers, as far as the room reads it. */
export type SafeParseResult<T> = { success: true; data: T } | { success: false; error: { issues: Issue[] } };

export interface FirstLoadSchema<T> {
  safeParse(input: unknown): SafeParseResult<T>;
}

const INVALID = Symbol('invalid');
type Path = (string | number)[];
type Parse<T> = (input: unknown, path: Path, issues: Issue[]) => T | typeof INVALID;

function schema<T>(parse: Parse<T>): FirstLoadSchema<T> {
  return {
    safeParse(input) {
      const issues: Issue[] = [];
      const value = parse(input, [], issues);
      return value === INVALID || issues.length > 0 ? { success: false, error: { issues } } : { success: true, data: value };
    },
  };
}

function received(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  return typeof input;
}

function invalid(issues: Issue[], path: Path, message: string): typeof INVALID {
  issues.push({ path, message });
  return INVALID;
}

const string: Parse<string> = (input, path, issues) =>
  typeof input === 'string' ? input : invalid(issues, path, `Invalid input: expected string, received ${received(input)}`);

const boolean: Parse<boolean> = (input, path, issues) =>
  typeof input === 'boolean' ? input : invalid(issues, path, `Invalid input: expected boolean, received ${received(input)}`);

/** `z.number().int().nonnegative()`, reporting as zod does (a fraction stops at the first issue). */
const count: Parse<number> = (input, path, issues) => {
  if (typeof input !== 'number' || !Number.isFinite(input))
    return invalid(issues, path, `Invalid input: expected number, received ${received(input)}`);
  if (!Number.isInteger(input)) return invalid(issues, path, 'Invalid input: expected int, received number');
  const before = issues.length;
  if (input > Number.MAX_SAFE_INTEGER) issues.push({ path, message: `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` });
  else if (input < Number.MIN_SAFE_INTEGER) issues.push({ path, message: `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}` });
  if (input < 0) issues.push({ path, message: 'Too small: expected number to be >=0' });
  return issues.length === before ? input : INVALID;
};

/** `z.string().regex(pattern)`. */
function matching(pattern: RegExp): Parse<string> {
  return (input, path, issues) => {
    const value = string(input, path, issues);
    if (value === INVALID) return INVALID;
    return pattern.test(value) ? value : invalid(issues, path, `Invalid string: must match pattern ${pattern}`);
  };
}

/** `z.enum(values)`, with the message `message` when given. */
function oneOf<const T extends string>(values: readonly T[], message?: string): Parse<T> {
  return (input, path, issues) =>
    (values as readonly unknown[]).includes(input)
      ? (input as T)
      : invalid(issues, path, message ?? `Invalid option: expected one of ${values.map((value) => JSON.stringify(value)).join('|')}`);
}

function nullable<T>(parse: Parse<T>): Parse<T | null> {
  return (input, path, issues) => (input === null ? null : parse(input, path, issues));
}

/** `.optional()`: a key that is absent stays absent; one present with `undefined` stays `undefined`. */
const OPTIONAL = Symbol('optional');
type Field<T> = Parse<T> & { [OPTIONAL]?: true };

function optional<T>(parse: Parse<T>): Field<T | undefined> {
  const field: Field<T | undefined> = (input, path, issues) => (input === undefined ? undefined : parse(input, path, issues));
  field[OPTIONAL] = true;
  return field;
}

function withDefault<T>(parse: Parse<T>, fallback: T): Parse<T> {
  return (input, path, issues) => (input === undefined ? fallback : parse(input, path, issues));
}

/** `z.object(shape)`: unknown keys are dropped, every field is checked and every issue kept. */
function object<T>(shape: { [K in keyof T]-?: Field<T[K]> }): Parse<T> {
  return (input, path, issues) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return invalid(issues, path, `Invalid input: expected object, received ${received(input)}`);
    }
    const source = input as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    let ok = true;
    for (const key of Object.keys(shape) as (keyof T & string)[]) {
      const field = shape[key];
      if (field[OPTIONAL] && !(key in source)) continue;
      const value = field(source[key], [...path, key], issues);
      if (value === INVALID) ok = false;
      else output[key] = value;
    }
    return ok ? (output as T) : INVALID;
  };
}

function array<T>(item: Parse<T>): Parse<T[]> {
  return (input, path, issues) => {
    if (!Array.isArray(input)) return invalid(issues, path, `Invalid input: expected array, received ${received(input)}`);
    const output: T[] = [];
    let ok = true;
    input.forEach((element, index) => {
      const value = item(element, [...path, index], issues);
      if (value === INVALID) ok = false;
      else output.push(value);
    });
    return ok ? output : INVALID;
  };
}

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

/** A display name: trimmed, 1..40 characters, no control characters (sessions.ts). */
const displayName: Parse<string> = (input, path, issues) => {
  const raw = string(input, path, issues);
  if (raw === INVALID) return INVALID;
  const name = raw.trim();
  const before = issues.length;
  if (name.length < 1) issues.push({ path, message: 'must not be empty' });
  if (name.length > MAX_NAME_LENGTH) issues.push({ path, message: `must be at most ${MAX_NAME_LENGTH} characters` });
  if (!NO_CONTROL_CHARACTERS.test(name)) issues.push({ path, message: 'must not contain control characters' });
  return issues.length === before ? name : INVALID;
};

const languageId: Parse<LanguageId> = oneOf(LANGUAGE_IDS, `must be one of: ${LANGUAGE_IDS.join(', ')}`);

const runtimeEntry = object<RuntimeEntry>({
  language: string,
  version: string,
  aliases: optional(array(string)),
  runtime: optional(string),
});

export const LanguageIdSchema = schema(languageId);

export const DisplayNameSchema = schema(displayName);

export const SessionPublicViewSchema = schema(
  object<SessionPublicView>({
    id: string,
    title: nullable(string),
    language: languageId,
    createdAt: string,
    expiresAt: string,
    ended: boolean,
    participants: count,
  }),
);

export const RuntimeEntrySchema = schema(runtimeEntry);

export const RuntimeListSchema = schema(array(runtimeEntry));

export const AwarenessUserSchema = schema(
  object<AwarenessUser>({
    name: displayName,
    color: matching(/^#[0-9a-fA-F]{6}$/),
    colorLight: matching(/^#[0-9a-fA-F]{6,8}$/),
    role: oneOf(ROLES),
    status: withDefault(oneOf(PRESENCE_STATUSES), 'active'),
    personId: optional(matching(/^[A-Za-z0-9_-]{8,64}$/)),
  }),
);
