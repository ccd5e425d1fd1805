/**
 * A small line diff (longest common subsequence) between a case's expected and actual output,
 * with the changed part of a replaced line marked, for the test results. Bounded: outputs past
 * MAX_LINES lines are compared line by line in order instead.
 */

export type DiffLine =
  | { kind: 'same'; text: string }
  | { kind: 'missing'; text: string }
  | { kind: 'extra'; text: string }
  /** A line of expected output replaced by a line of actual output: `from`/`to` delimit the differing middle. */
  | { kind: 'changed'; expected: string; actual: string; from: number; expectedTo: number; actualTo: number };

const MAX_LINES = 400;

function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The differing middle of two lines: common prefix and suffix kept. */
function changedSpan(expected: string, actual: string): DiffLine {
  let from = 0;
  while (from < expected.length && from < actual.length && expected[from] === actual[from]) from++;
  let expectedTo = expected.length;
  let actualTo = actual.length;
  while (expectedTo > from && actualTo > from && expected[expectedTo - 1] === actual[actualTo - 1]) {
    expectedTo--;
    actualTo--;
  }
  return { kind: 'changed', expected, actual, from, expectedTo, actualTo };
}

/** Pairs a run of missing lines with the run of extra lines after it as changed lines. */
function pairChanges(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  for (let i = 0; i < lines.length;) {
    const missing: string[] = [];
    const extra: string[] = [];
    while (i < lines.length && lines[i]!.kind === 'missing') missing.push((lines[i++] as { text: string }).text);
    while (i < lines.length && lines[i]!.kind === 'extra') extra.push((lines[i++] as { text: string }).text);
    if (missing.length === 0 && extra.length === 0) {
      out.push(lines[i++]!);
      continue;
    }
    const pairs = Math.min(missing.length, extra.length);
    for (let k = 0; k < pairs; k++) out.push(changedSpan(missing[k]!, extra[k]!));
    for (const text of missing.slice(pairs)) out.push({ kind: 'missing', text });
    for (const text of extra.slice(pairs)) out.push({ kind: 'extra', text });
  }
  return out;
}

export function diffLines(expectedText: string, actualText: string): DiffLine[] {
  const expected = splitLines(expectedText);
  const actual = splitLines(actualText);
  if (expected.length > MAX_LINES || actual.length > MAX_LINES) {
    const lines: DiffLine[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const e = expected[i];
      const a = actual[i];
      if (e === a) lines.push({ kind: 'same', text: e ?? '' });
      else if (e === undefined) lines.push({ kind: 'extra', text: a ?? '' });
      else if (a === undefined) lines.push({ kind: 'missing', text: e });
      else lines.push(changedSpan(e, a));
    }
    return lines;
  }
  // lcs[i][j]: length of the longest common subsequence of expected[i..] and actual[j..].
  const lcs: number[][] = Array.from({ length: expected.length + 1 }, () => new Array<number>(actual.length + 1).fill(0));
  for (let i = expected.length - 1; i >= 0; i--) {
    for (let j = actual.length - 1; j >= 0; j--) {
      lcs[i]![j] = expected[i] === actual[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < expected.length || j < actual.length) {
    if (i < expected.length && j < actual.length && expected[i] === actual[j]) {
      lines.push({ kind: 'same', text: expected[i]! });
      i++;
      j++;
    } else if (j < actual.length && (i === expected.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      lines.push({ kind: 'extra', text: actual[j++]! });
    } else {
      lines.push({ kind: 'missing', text: expected[i++]! });
    }
  }
  // Missing lines before extra ones, so a replaced line reads expected-then-actual.
  return pairChanges(reorder(lines));
}

/** Within each block of non-same lines, missing ones first. */
function reorder(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let block: DiffLine[] = [];
  const flush = () => {
    out.push(...block.filter((line) => line.kind === 'missing'), ...block.filter((line) => line.kind === 'extra'));
    block = [];
  };
  for (const line of lines) {
    if (line.kind === 'same') {
      flush();
      out.push(line);
    } else block.push(line);
  }
  flush();
  return out;
}
