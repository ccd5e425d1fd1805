import type { z } from 'zod';
import { AppError } from './errors';

/** Formats zod issues as `path → message` so a client sees which field was wrong and why. */
export function describeIssues(error: z.ZodError): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    details[path] ??= issue.message;
  }
  return details;
}

/** Parses `input` with `schema` or throws `VALIDATION_FAILED` naming the offending fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = describeIssues(result.error);
  const summary = Object.entries(details)
    .slice(0, 3)
    .map(([path, message]) => `${path}: ${message}`)
    .join('; ');
  throw new AppError('VALIDATION_FAILED', `Invalid ${what}: ${summary}`, details);
}
