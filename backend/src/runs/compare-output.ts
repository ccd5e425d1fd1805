import type { CompareMode } from '@pairpad/protocol/questions';

/**
 * Does a program's output match a test case's expected output? Pure and exact about what each
 * mode forgives, so the page and the report can say why a case failed.
 */

export interface Comparison {
  passed: boolean;
  /** Why not, in words, when it did not pass. */
  reason?: string;
}

/** Lines without trailing whitespace, and no trailing empty lines. */
function trimmedLines(text: string): string[] {
  const lines = text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const tokens = (text: string) => text.split(/\s+/).filter(Boolean);

export function compareOutput(actual: string, expected: string, mode: CompareMode, tolerance = 1e-6): Comparison {
  switch (mode) {
    case 'exact':
      return actual === expected ? { passed: true } : { passed: false, reason: firstDifference(actual, expected) };
    case 'trim': {
      const a = trimmedLines(actual);
      const e = trimmedLines(expected);
      for (let i = 0; i < Math.max(a.length, e.length); i++) {
        if (a[i] !== e[i])
          return {
            passed: false,
            reason: a[i] === undefined ? `missing line ${i + 1}` : e[i] === undefined ? `extra line ${i + 1}` : `line ${i + 1} differs`,
          };
      }
      return { passed: true };
    }
    case 'unordered':
      return compareUnordered(trimmedLines(actual), trimmedLines(expected));
    case 'tokens':
    case 'float': {
      const a = tokens(actual);
      const e = tokens(expected);
      if (a.length !== e.length) return { passed: false, reason: `expected ${e.length} values, got ${a.length}` };
      for (let i = 0; i < e.length; i++) {
        const got = a[i] ?? '';
        const want = e[i] ?? '';
        if (got === want) continue;
        if (mode === 'float') {
          const x = Number(got);
          const y = Number(want);
          if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= tolerance) continue;
        }
        return { passed: false, reason: `value ${i + 1} differs: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}` };
      }
      return { passed: true };
    }
  }
}

/**
 * The same lines, each as many times, in any order (a result set's rows; a table's borders and
 * header are lines like the others). Says which line is missing or extra, first in expected order.
 */
function compareUnordered(actual: readonly string[], expected: readonly string[]): Comparison {
  const counts = new Map<string, number>();
  for (const line of actual) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (const line of expected) {
    const left = counts.get(line) ?? 0;
    if (left === 0) return { passed: false, reason: `missing line ${JSON.stringify(line.slice(0, 80))}` };
    counts.set(line, left - 1);
  }
  const extra = actual.find((line) => {
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    return left > 0;
  });
  return extra === undefined ? { passed: true } : { passed: false, reason: `extra line ${JSON.stringify(extra.slice(0, 80))}` };
}

function firstDifference(actual: string, expected: string): string {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  if (i === actual.length) return `output ends early, at character ${i + 1}`;
  if (i === expected.length) return `extra output from character ${i + 1}`;
  return `differs from character ${i + 1}`;
}
