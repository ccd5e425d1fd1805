import { z } from 'zod';

/**
 * Piston API v2 response bodies (see PISTON.md), read leniently: older Pistons omit the
 * timing fields, and a field we do not know is ignored rather than failing a run.
 */
const nullableNumber = z
  .number()
  .nullable()
  .optional()
  .transform((value) => value ?? null);

export const PistonStageSchema = z.object({
  stdout: z.string().default(''),
  stderr: z.string().default(''),
  output: z.string().default(''),
  code: nullableNumber,
  signal: z
    .string()
    .nullable()
    .optional()
    .transform((value) => value ?? null),
  message: z
    .string()
    .nullable()
    .optional()
    .transform((value) => value ?? null),
  status: z
    .string()
    .nullable()
    .optional()
    .transform((value) => value ?? null),
  cpu_time: nullableNumber,
  wall_time: nullableNumber,
  memory: nullableNumber,
});
export type PistonStage = z.infer<typeof PistonStageSchema>;

export const PistonExecuteResponseSchema = z.object({
  language: z.string(),
  version: z.string(),
  run: PistonStageSchema,
  compile: PistonStageSchema.optional(),
});
export type PistonExecuteResponse = z.infer<typeof PistonExecuteResponseSchema>;

export const PistonRuntimeSchema = z.object({
  language: z.string(),
  version: z.string(),
  aliases: z.array(z.string()).default([]),
  runtime: z.string().optional(),
});
export const PistonRuntimesSchema = z.array(PistonRuntimeSchema);
export type PistonRuntime = z.infer<typeof PistonRuntimeSchema>;

/** Error bodies: `{ message }` from Piston and from our executor. */
export const PistonErrorBodySchema = z.object({ message: z.string() });

/** The execute request we send (the fields PISTON.md lists that PairPad uses). */
export interface PistonExecuteRequest {
  language: string;
  version: string;
  /** Piston's files[]: the entry first, names with folders (`src/util.py`). */
  files: { name?: string; content: string }[];
  stdin: string;
  args?: string[];
  run_timeout?: number;
}

/** POST /api/v2/pairpad/batch (the embedded executor's extension): one compile, a run per case. */
export const PistonBatchResponseSchema = z.object({
  language: z.string(),
  version: z.string(),
  compile: PistonStageSchema.optional(),
  cases: z.array(PistonStageSchema),
});
export type PistonBatchResponse = z.infer<typeof PistonBatchResponseSchema>;

export interface PistonBatchCase {
  stdin: string;
  args?: string[];
  run_timeout?: number;
}

export interface PistonBatchRequest {
  language: string;
  version: string;
  files: { name?: string; content: string }[];
  cases: PistonBatchCase[];
}
