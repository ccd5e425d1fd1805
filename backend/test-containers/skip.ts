import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { logDir } from './docker';

/** Where the suite leaves why it skipped itself; scripts/test-all.mjs prints it by name. */
export const skipMarker = path.join(logDir, 'skipped.txt');

export function reportSkip(reason: string): void {
  mkdirSync(logDir, { recursive: true });
  writeFileSync(skipMarker, `${reason}\n`);
  console.log(`# containers: skipped (${reason})`);
}
