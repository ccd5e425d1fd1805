import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseAllDocuments } from 'yaml';
import { SETTINGS } from '../../src/config/settings';
import { executorSettingsDocs } from '@pairpad/executor/config';

/** Shared helpers for the deploy-file tests: they read files, never start anything. */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const repoPath = (...parts: string[]) => path.join(repoRoot, ...parts);

export const readRepoFile = (relative: string) => readFileSync(repoPath(relative), 'utf8');

/** Every YAML document in a file (k8s files hold several), failing on any parse error. */
export function readYamlDocuments(relative: string): unknown[] {
  const docs = parseAllDocuments(readRepoFile(relative));
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new Error(`${relative}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  return list.map((doc) => doc.toJS() as unknown).filter((value) => value !== null && value !== undefined);
}

/** Env names the backend reads: its settings, the executor's, and Piston's aliases. */
export const BACKEND_ENV_NAMES: ReadonlySet<string> = new Set([
  ...Object.keys(SETTINGS),
  ...executorSettingsDocs.map((doc) => doc.name),
  ...executorSettingsDocs.flatMap((doc) => (doc.pistonName ? [doc.pistonName] : [])),
]);

/**
 * Env names the frontend reads at run time (src/lib/runtime-config.ts: API_URL, then
 * NEXT_PUBLIC_API_URL; src/proxy.ts: PREVIEW_ORIGIN, the previews it may frame) plus what Node
 * and `next start` take.
 */
export const FRONTEND_ENV_NAMES: ReadonlySet<string> = new Set([
  'API_URL',
  'NEXT_PUBLIC_API_URL',
  'PREVIEW_ORIGIN',
  'NODE_ENV',
  'PORT',
  'HOSTNAME',
  'NEXT_TELEMETRY_DISABLED',
]);

/** The names of the backend's health checks, read from the composition root (`healthChecks: { … }`). */
export function backendHealthCheckNames(): string[] {
  const source = readRepoFile('backend/src/server.ts');
  const block = /healthChecks:\s*\{([\s\S]*?)\n\s*\},/.exec(source)?.[1];
  if (!block) throw new Error('cannot find healthChecks in backend/src/server.ts');
  // `name: check` lines, and conditional ones: `...(cluster ? { redis: check } : {})`.
  const plain = [...block.matchAll(/^\s*(\w+):/gm)].map((match) => match[1]!);
  const conditional = [...block.matchAll(/^\s*\.\.\.\([^?\n]*\?\s*\{\s*(\w+):/gm)].map((match) => match[1]!);
  return [...plain, ...conditional];
}

/** Fixed health paths the backend's health router spells out (`'/health/live'`, `'/health/ready'`, …). */
export function backendHealthRoutes(): string[] {
  const source = readRepoFile('backend/src/http/health-routes.ts');
  return [...new Set([...source.matchAll(/['"`](\/health(?:\/[\w-]+)?)['"`]/g)].map((match) => match[1]!))];
}

/** True when `probePath` is a route the backend's health router answers. */
export function isBackendHealthPath(probePath: string): boolean {
  if (probePath === '/health' || backendHealthRoutes().includes(probePath)) return true;
  const check = /^\/health\/([\w-]+)$/.exec(probePath)?.[1];
  return check !== undefined && backendHealthCheckNames().includes(check);
}

// ---------------------------------------------------------------- metrics

/** The metrics the backend exposes on GET /metrics (DESIGN.md, backend/src/http/metrics.ts). */
export const APP_METRICS = {
  http_request_duration_seconds: 'histogram',
  websocket_connections_active: 'gauge',
  rooms_active: 'gauge',
  rooms_created_total: 'counter',
  executions_total: 'counter',
  test_runs_total: 'counter',
  execution_duration_seconds: 'histogram',
  execution_queue_depth: 'gauge',
  executor_jobs_in_flight: 'gauge',
  executor_up: 'gauge',
} as const;

/** Series names a PromQL expression may use: ours, prom-client's defaults, `up`, histogram suffixes. */
export async function allowedSeriesNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const defaults = (await registry.getMetricsAsJSON()).map((metric) => ({ name: metric.name, type: String(metric.type) }));
  const all = [...Object.entries(APP_METRICS).map(([name, type]) => ({ name, type: type as string })), ...defaults];
  const names = new Set<string>(['up']);
  for (const { name, type } of all) {
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects (functions, keywords, labels and strings removed). */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (!name || call || PROMQL_WORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Values a label matcher compares against in `metric{label=~"a|b"}` / `label="a"`, per metric. */
export function labelValuesIn(expr: string, metric: string, label: string): string[] {
  const values: string[] = [];
  for (const selector of expr.matchAll(new RegExp(`${metric}\\{([^}]*)\\}`, 'g'))) {
    for (const matcher of selector[1]!.matchAll(new RegExp(`\\b${label}\\s*(=~|=|!=|!~)\\s*"([^"]*)"`, 'g'))) {
      values.push(...matcher[2]!.split('|'));
    }
  }
  return values;
}

// ---------------------------------------------------------------- Dockerfiles

export interface DockerStage {
  from: string;
  name: string | undefined;
  instructions: { keyword: string; args: string }[];
}

/** Splits a Dockerfile into stages of instructions (continuations joined, comments dropped). */
export function parseDockerfile(text: string): { args: Map<string, string>; stages: DockerStage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const args = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    const argText = rest.join(' ');
    if (upper === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argText);
      stages.push({ from: match?.[1] ?? argText, name: match?.[2], instructions: [] });
    } else if (stages.length === 0) {
      if (upper === 'ARG') {
        const [name = '', value = ''] = argText.split('=');
        args.set(name, value.replace(/^"|"$/g, ''));
      }
    } else {
      stages[stages.length - 1]!.instructions.push({ keyword: upper, args: argText });
    }
  }
  return { args, stages };
}

/** `.dockerignore` as a predicate over repository-relative paths (last matching rule wins). */
export function dockerignoreMatcher(text: string): (relative: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('/')
        .map((part) =>
          part === '**'
            ? '.*'
            : part
                .replace(/[.+^${}()|\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negate, regex: new RegExp(`^${source}$`) };
    });
  return (relative: string) => {
    const parts = relative.replace(/^\.\/|\/$/g, '').split('/');
    let ignored = false;
    // A path is ignored when it or any folder above it matches.
    for (let end = 1; end <= parts.length; end++) {
      const candidate = parts.slice(0, end).join('/');
      for (const rule of rules) if (rule.regex.test(candidate)) ignored = !rule.negate;
    }
    return ignored;
  };
}

export const exists = (relative: string) => existsSync(repoPath(relative));
