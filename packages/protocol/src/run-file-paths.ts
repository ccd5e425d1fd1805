/**
 * The path rules of a run's files (the embedded executor's, packages/executor/src/file-paths.ts),
 * zod-free so the room page and the workspace (workspace.ts) check names without the schema
 * library; run-files.ts builds its schemas on them.
 */

export const RUN_FILE_LIMITS = Object.freeze({
  /** Files one run sends (the executor's EXECUTOR_MAX_FILES default is 256). */
  files: 128,
  pathBytes: 1024,
  segmentBytes: 255,
  /** Folders deep. */
  depth: 16,
});

const encoder = new TextEncoder();
export const utf8Bytes = (value: string) => encoder.encode(value).byteLength;

/** Why `name` is not a relative path inside the run's box, or undefined when it is. */
export function runFilePathProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.startsWith('/')) return 'is an absolute path';
  if (utf8Bytes(name) > RUN_FILE_LIMITS.pathBytes) return `is longer than ${RUN_FILE_LIMITS.pathBytes} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has a control character';
  const segments = name.split('/');
  if (segments.length > RUN_FILE_LIMITS.depth + 1) return `is more than ${RUN_FILE_LIMITS.depth} folders deep`;
  for (const segment of segments) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
    if (utf8Bytes(segment) > RUN_FILE_LIMITS.segmentBytes) return `has a segment longer than ${RUN_FILE_LIMITS.segmentBytes} bytes`;
  }
  if (segments[0] === '.tmp') return 'is in the reserved ".tmp" folder';
  return undefined;
}
