/**
 * The rules a request's file names follow (Piston's `files[].name`): a relative path inside the
 * box, folders allowed. Checked before anything is written, so a name can never reach outside
 * the job's directory or the sandbox's box, whatever the request says. A request can only send
 * regular files (a name and its content): links, devices and modes are not expressible.
 */

/** Named codes of a refused `files[]`, sent as `code` next to Piston's `message`. */
export const FILE_ERROR_CODES = {
  /** A name that is absolute, has an empty, "." or ".." segment, control characters, or is too long or deep. */
  invalid: 'FILE_PATH_INVALID',
  /** Two files with the same name. */
  duplicate: 'FILE_PATH_DUPLICATE',
  /** A file whose name is also a folder of another file ("a" and "a/b"). */
  conflict: 'FILE_PATH_CONFLICT',
  /** More files than EXECUTOR_MAX_FILES. */
  tooMany: 'FILES_TOO_MANY',
  /** More decoded bytes than EXECUTOR_MAX_FILES_BYTES. */
  tooLarge: 'FILES_TOO_LARGE',
} as const;
export type FileErrorCode = (typeof FILE_ERROR_CODES)[keyof typeof FILE_ERROR_CODES];

/** Longest accepted name, bytes, and deepest folder nesting: far beyond any real project. */
export const MAX_PATH_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;
export const MAX_PATH_DEPTH = 16;

/** The box's own temp directory (/tmp inside the sandbox points there). */
const RESERVED_TOP = '.tmp';

/**
 * Why `name` is not a safe box-relative path, or undefined when it is. The name is used as it
 * is (never normalised), so what the program sees is what the request said.
 */
export function filePathProblem(name: string): string | undefined {
  if (name.startsWith('/')) return 'an absolute path';
  if (Buffer.byteLength(name, 'utf8') > MAX_PATH_BYTES) return `longer than ${MAX_PATH_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a control character';
  const segments = name.split('/');
  if (segments.length > MAX_PATH_DEPTH + 1) return `more than ${MAX_PATH_DEPTH} folders deep`;
  for (const segment of segments) {
    if (segment === '') return 'an empty segment';
    if (segment === '.' || segment === '..') return `a "${segment}" segment`;
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return `a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  if (segments[0] === RESERVED_TOP) return `the box's reserved "${RESERVED_TOP}" folder`;
  return undefined;
}

/** A safe box-relative path (the name itself), or undefined when it escapes or breaks the rules. */
export function safeRelativeName(name: string): string | undefined {
  return name.length > 0 && !filePathProblem(name) ? name : undefined;
}

/**
 * The first pair of names that cannot live in one box: the same name twice, or a file that is
 * also another file's folder. Indexes are the request's.
 */
export function nameCollision(
  names: readonly string[],
): { kind: 'duplicate'; index: number; other: number } | { kind: 'conflict'; index: number; folder: string } | undefined {
  const first = new Map<string, number>();
  for (const [index, name] of names.entries()) {
    const other = first.get(name);
    if (other !== undefined) return { kind: 'duplicate', index, other };
    first.set(name, index);
  }
  for (const [index, name] of names.entries()) {
    const parts = name.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      if (first.has(folder)) return { kind: 'conflict', index, folder };
    }
  }
  return undefined;
}
