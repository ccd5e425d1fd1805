import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { RUN_OUTCOMES } from '@pairpad/protocol/execution';
import { APP_METRICS, allowedSeriesNames, exists, labelValuesIn, metricNamesIn, readRepoFile } from './deploy-helpers';

/**
 * The Prometheus rules and the Grafana dashboard, checked against the series the backend
 * exposes on GET /metrics: our metrics, prom-client's defaults (read from prom-client itself)
 * and `up`. A typo in a metric name makes a panel empty and an alert silent; this catches it.
 */

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const alerts = parse(readRepoFile('monitoring/prometheus-alerts.yml')) as { groups: { name: string; rules: Rule[] }[] };
const rules = alerts.groups.flatMap((group) => group.rules);
/** Executions that end without a RunResult are counted as status "failed" (server.ts). */
const EXECUTION_STATUSES = new Set<string>([...RUN_OUTCOMES, 'failed']);

describe('metric name extraction (the checks below rely on it)', () => {
  it('finds selected series, and skips functions, keywords, labels and numbers', () => {
    assert.deepEqual(metricNamesIn('sum by (le) (rate(foo_bucket{status=~"5..", x="bar"}[5m])) / on() max(baz) > 1.5e9 and up == 0'), [
      'foo_bucket',
      'baz',
      'up',
    ]);
    assert.deepEqual(labelValuesIn('rate(executions_total{status=~"a|b", language="c"}[5m])', 'executions_total', 'status'), ['a', 'b']);
  });
});

describe('monitoring/prometheus-alerts.yml', () => {
  it('parses into groups of complete rules with unique names', () => {
    assert.ok(rules.length > 0);
    for (const rule of rules) {
      assert.ok(rule.alert && rule.expr, 'alert and expr');
      assert.ok(['critical', 'warning', 'info'].includes(rule.labels?.severity ?? ''), `${rule.alert} has a severity`);
      assert.ok(rule.annotations?.summary, `${rule.alert} has a summary`);
      assert.match(rule.for ?? '', /^\d+[smh]$/, `${rule.alert} waits before firing`);
    }
    assert.equal(new Set(rules.map((rule) => rule.alert)).size, rules.length);
  });

  it('references only series the backend exposes', async () => {
    const allowed = await allowedSeriesNames();
    for (const rule of rules) {
      const names = metricNamesIn(rule.expr);
      assert.ok(names.length > 0, `${rule.alert} selects something`);
      assert.deepEqual(
        names.filter((name) => !allowed.has(name)),
        [],
        `${rule.alert} uses unknown series`,
      );
    }
  });

  it('covers backend down, error rate, queue depth and executor down', () => {
    const using = (metric: string) => rules.filter((rule) => metricNamesIn(rule.expr).includes(metric)).map((rule) => rule.alert);
    assert.ok(using('up').includes('PairPadBackendDown'));
    const errorRate = rules.find((rule) => rule.alert === 'PairPadHighErrorRate');
    assert.ok(errorRate && metricNamesIn(errorRate.expr).includes('http_request_duration_seconds_count'));
    assert.deepEqual(labelValuesIn(errorRate.expr, 'http_request_duration_seconds_count', 'status'), ['5..'], 'counts 5xx responses');
    assert.ok(using('execution_queue_depth').includes('PairPadExecutionQueueDeep'));
    const executorDown = rules.find((rule) => rule.alert === 'PairPadExecutorDown');
    assert.ok(executorDown && metricNamesIn(executorDown.expr).includes('executions_total'));
    assert.equal(executorDown.labels?.severity, 'critical');
  });

  it('matches executions_total statuses the backend actually records', () => {
    for (const rule of rules) {
      for (const value of labelValuesIn(rule.expr, 'executions_total', 'status')) {
        assert.ok(EXECUTION_STATUSES.has(value), `${rule.alert}: status "${value}" is one of ${[...EXECUTION_STATUSES].join(', ')}`);
      }
    }
  });
});

describe('monitoring/grafana-dashboard.json', () => {
  interface Panel {
    type: string;
    title: string;
    targets?: { expr: string }[];
    panels?: Panel[];
  }
  const dashboard = JSON.parse(readRepoFile('monitoring/grafana-dashboard.json')) as { title: string; uid: string; panels: Panel[] };
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== 'row');
  const exprs = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

  it('parses, and every panel has a query', () => {
    assert.ok(dashboard.title && dashboard.uid);
    assert.ok(panels.length > 0);
    for (const panel of panels)
      assert.ok((panel.targets ?? []).length > 0 && panel.targets!.every((t) => t.expr), `${panel.title} has queries`);
  });

  it('queries only series the backend exposes', async () => {
    const allowed = await allowedSeriesNames();
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        assert.deepEqual(
          metricNamesIn(target.expr).filter((name) => !allowed.has(name)),
          [],
          `${panel.title}: ${target.expr}`,
        );
      }
    }
  });

  it('shows every application metric and the process basics', () => {
    const used = new Set(exprs.flatMap(metricNamesIn).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    for (const metric of [
      ...Object.keys(APP_METRICS),
      'up',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      assert.ok(used.has(metric), `a panel shows ${metric}`);
    }
  });
});

describe('monitoring/prometheus.yml', () => {
  const config = parse(readRepoFile('monitoring/prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: {
      job_name: string;
      metrics_path: string;
      static_configs?: { targets: string[]; labels?: Record<string, string> }[];
      relabel_configs?: { target_label?: string; replacement?: string }[];
    }[];
  };

  it('loads the alert rules and scrapes /metrics on the backend port, labelled as the rules expect', () => {
    for (const file of config.rule_files) assert.ok(exists(`monitoring/${file}`), `${file} exists next to it`);
    assert.ok(config.scrape_configs.length > 0);
    for (const job of config.scrape_configs) {
      assert.equal(job.metrics_path, '/metrics');
      const service = [
        ...(job.static_configs ?? []).map((s) => s.labels?.service),
        ...(job.relabel_configs ?? []).filter((r) => r.target_label === 'service').map((r) => r.replacement),
      ];
      assert.ok(service.includes('pairpad-backend'), `${job.job_name} sets service="pairpad-backend", which every rule selects`);
      for (const target of (job.static_configs ?? []).flatMap((s) => s.targets)) assert.match(target, /:5000$/);
    }
    for (const rule of rules) assert.match(rule.expr, /service="pairpad-backend"/, `${rule.alert} selects the backend's series`);
  });
});
