import { z } from 'zod';
import { LANGUAGE_IDS } from './language-table';

export * from './language-table';

export const LanguageIdSchema = z.enum(LANGUAGE_IDS, {
  error: () => `must be one of: ${LANGUAGE_IDS.join(', ')}`,
});

/** One entry of `GET /api/runtimes` (Piston's runtime shape), as far as the language list needs it. */
export const RuntimeEntrySchema = z.object({
  language: z.string(),
  version: z.string(),
  aliases: z.array(z.string()).optional(),
  runtime: z.string().optional(),
});
export type RuntimeEntry = z.infer<typeof RuntimeEntrySchema>;

/** The body of `GET /api/runtimes`. */
export const RuntimeListSchema = z.array(RuntimeEntrySchema);
