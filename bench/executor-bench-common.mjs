// Shared helpers for the executor benchmarks (see executor-latency.mjs / executor-throughput.mjs).
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HELLO = {
  python: { name: 'main.py', content: 'print("hello, world")\n' },
  javascript: { name: 'main.js', content: 'console.log("hello, world");\n' },
  c: { name: 'main.c', content: '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n' },
};

/** The same program run directly, without the executor (c: compile + run, like the API does). */
export function directCommand(language, dir) {
  const file = path.join(dir, HELLO[language].name);
  if (language === 'python') return [['/usr/bin/python3', file]];
  if (language === 'javascript') return [['/usr/bin/node', file]];
  return [
    ['/usr/bin/gcc', '-std=gnu17', '-O2', '-o', path.join(dir, 'a.out'), '-x', 'c', file, '-x', 'none', '-lm'],
    [path.join(dir, 'a.out')],
  ];
}

export async function prepareDirect(language) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `bench-${language}-`));
  await fs.writeFile(path.join(dir, HELLO[language].name), HELLO[language].content);
  return dir;
}

function runOne([file, ...args]) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code}`))));
  });
}

export async function runDirect(language, dir) {
  let out = '';
  for (const cmd of directCommand(language, dir)) out = await runOne(cmd);
  return out;
}

/** POST a JSON body to the executor's `/api/v2/<path>`; its answer, or a throw with its message when not 200. */
export async function postExecutor(url, path, body) {
  const res = await fetch(`${url}/api/v2/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${json.message}`);
  return json;
}

export async function runApi(url, language) {
  const body = await postExecutor(url, 'execute', { language, version: '*', files: [HELLO[language]] });
  if (body.run.stdout !== 'hello, world\n') throw new Error(`wrong output: ${JSON.stringify(body.run)}`);
  return body;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export async function startBenchExecutor(runtimes) {
  const { startExecutor } = await import('@pairpad/executor');
  const quiet = {
    info() {},
    warn: (m, meta) => console.error('warn:', m, meta ?? ''),
    error: (m, meta) => console.error('error:', m, meta ?? ''),
  };
  const handle = await startExecutor({
    env: { ...process.env, EXECUTOR_RUNTIMES: runtimes, EXECUTOR_MAX_QUEUE: '256' },
    host: '127.0.0.1',
    port: 0,
    logger: quiet,
  });
  await handle.ready;
  return handle;
}

/**
 * The frame of an executor bench: wait for a quiet machine (`quietOptions` as waitForQuiet's),
 * start an executor offering `runtimes`, run `measure(handle)` and always close the executor.
 * Answers what `measure` answered, the load sentence for RESULTS.md (before and after) and the
 * closed handle (its health() still names the sandbox).
 */
export async function measureOnExecutor(runtimes, measure, quietOptions) {
  const wait = await waitForQuiet(quietOptions);
  const handle = await startBenchExecutor(runtimes);
  let result;
  try {
    result = await measure(handle);
  } finally {
    await handle.close();
  }
  return { result, load: loadSentence(wait, await loadAverage()), handle };
}

/**
 * Replaces the "### <part>" subsection of `heading` ("## Executor (issue #3)" unless told) in
 * bench/RESULTS.md, in place (other sections and their order are left alone); appends what is
 * missing.
 */
export async function writeResultsSection(part, text, heading = '## Executor (issue #3)') {
  if (process.env.BENCH_NO_WRITE) return; // exploratory runs
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
  let doc = await fs.readFile(file, 'utf8').catch(() => '# Benchmark results\n');
  let start = doc.indexOf(heading);
  if (start < 0) {
    doc = `${doc.trimEnd()}\n\n${heading}\n`;
    start = doc.indexOf(heading);
  }
  const next = doc.indexOf('\n## ', start + heading.length);
  const end = next >= 0 ? next + 1 : doc.length;
  let body = doc.slice(start + heading.length, end);
  // Inside our section, each script owns a "### <part>" subsection.
  const subHeading = `### ${part}`;
  const block = `${subHeading}\n\n${text.trim()}\n\n`;
  const subStart = body.indexOf(subHeading);
  if (subStart >= 0) {
    const subNext = body.indexOf('\n### ', subStart + subHeading.length);
    body = body.slice(0, subStart) + block + (subNext >= 0 ? body.slice(subNext + 1) : '');
  } else {
    body = `${body.trimEnd()}\n\n${block}`;
  }
  body = `\n\n${body.trim()}\n\n`;
  doc = doc.slice(0, start + heading.length) + body + doc.slice(end);
  await fs.writeFile(file, doc);
}

/** The 1-, 5- and 15-minute load averages, as /proc/loadavg says them. */
export async function loadAverage() {
  const text = await fs.readFile('/proc/loadavg', 'utf8').catch(() => '');
  return (
    text.split(' ').slice(0, 3).join(' ') ||
    os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')
  );
}

/**
 * Other people's builds share this machine's cores: before a recorded run, wait (up to
 * `maxWaitMs`, checking every 30 s) for the 1-minute load average to fall below `threshold`.
 * Returns what it saw, for the results.
 */
export async function waitForQuiet({ threshold = 1.0, maxWaitMs = 10 * 60_000, checkMs = 30_000 } = {}) {
  const started = Date.now();
  const first = await loadAverage();
  let current = first;
  if (process.env.BENCH_NO_WAIT) maxWaitMs = 0; // exploratory runs
  while (Number(current.split(' ')[0]) >= threshold && Date.now() - started < maxWaitMs) {
    console.error(`load average ${current}: waiting for the 1-minute figure to fall below ${threshold} ...`);
    await new Promise((resolve) => setTimeout(resolve, checkMs));
    current = await loadAverage();
  }
  const quiet = Number(current.split(' ')[0]) < threshold;
  return {
    first,
    atStart: current,
    quiet,
    waitedS: Math.round((Date.now() - started) / 1000),
    threshold,
    maxWaitS: Math.round(maxWaitMs / 1000),
  };
}

/** One sentence on the machine's load for RESULTS.md. */
export function loadSentence(wait, atEnd) {
  const waited = wait.waitedS > 0 ? ` after waiting ${wait.waitedS} s (it was ${wait.first})` : '';
  const warning = wait.quiet
    ? ''
    : ` **The machine was not quiet** (1-minute load still ≥ ${wait.threshold} ${wait.maxWaitS > 0 ? `after waiting up to ${Math.round(wait.maxWaitS / 60)} min` : 'and the run did not wait (BENCH_NO_WAIT)'}: other work shares these cores), so every figure is inflated.`;
  return `Load average at start ${wait.atStart}${waited}, at end ${atEnd}.${warning}`;
}

export function machine() {
  return `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.versions.node}`;
}
