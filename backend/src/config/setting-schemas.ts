import { z } from 'zod';

/** A whole number above zero (counts, limits, durations in ms). */
export const positiveInt = z.coerce.number().int().positive();

/** `true` or `false` in the environment, read as a boolean; anything else is refused, naming the setting. */
export function booleanFlag(name: string, byDefault: boolean) {
  return z
    .enum(['true', 'false'], { message: `${name} must be true or false` })
    .default(byDefault ? 'true' : 'false')
    .transform((value) => value === 'true');
}
