import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExecutorStats } from '@pairpad/protocol';
import type { FinishedJob } from '../runs';

/** Live figures the metrics read at scrape time, so nothing has to push them. */
export interface MetricSources {
  websocketConnections(): number;
  activeRooms(): number;
  executionQueueDepth(): number;
  /** The executors jobs go to (one, or PISTON_URLS's pool). */
  executors(): readonly ExecutorStats[];
}

/**
 * The backend's Prometheus metrics, on a registry of their own (one per backend instance, so
 * tests can start several without clashing). Names are the ones the Grafana dashboard and the
 * alert rules in monitoring/ use.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly roomsCreated: Counter;
  readonly executions: Counter<'language' | 'status'>;
  readonly executionDuration: Histogram<'language'>;
  readonly testRuns: Counter<'language' | 'status'>;

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    this.httpRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'websocket_connections_active',
      help: 'Socket.IO connections currently joined to a room.',
      registers: [this.registry],
      collect() {
        this.set(sources.websocketConnections());
      },
    });
    new Gauge({
      name: 'rooms_active',
      help: 'Rooms whose document is held in memory on this node.',
      registers: [this.registry],
      collect() {
        this.set(sources.activeRooms());
      },
    });
    this.roomsCreated = new Counter({
      name: 'rooms_created_total',
      help: 'Rooms loaded into memory on this node.',
      registers: [this.registry],
    });
    this.executions = new Counter({
      name: 'executions_total',
      help: 'Finished runs by language and outcome (e.g. ok, compile_error, runtime_error, timeout, failed).',
      labelNames: ['language', 'status'],
      registers: [this.registry],
    });
    this.executionDuration = new Histogram({
      name: 'execution_duration_seconds',
      help: 'Time from a run leaving the queue to its result, by language.',
      labelNames: ['language'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30],
      registers: [this.registry],
    });
    this.testRuns = new Counter({
      name: 'test_runs_total',
      help: 'Finished test runs by language and state (completed: every case judged; failed: could not run).',
      labelNames: ['language', 'status'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'execution_queue_depth',
      help: 'Jobs (runs, interactive runs, test runs) waiting for an executor slot.',
      registers: [this.registry],
      collect() {
        this.set(sources.executionQueueDepth());
      },
    });
    new Gauge({
      name: 'executor_jobs_in_flight',
      help: "Jobs this node has on each executor now (PISTON_URLS's pool: executor-1…), by executor.",
      labelNames: ['executor'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const executor of sources.executors()) this.set({ executor: executor.name }, executor.inFlight);
      },
    });
    new Gauge({
      name: 'executor_up',
      help: 'Whether each executor takes new jobs (1) or is left out of the pool until it answers again (0).',
      labelNames: ['executor'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const executor of sources.executors()) this.set({ executor: executor.name }, executor.up === false ? 0 : 1);
      },
    });
  }

  /** A finished job: runs count in executions_total (by outcome) and its duration, test runs in test_runs_total. */
  recordJob(job: FinishedJob): void {
    if (job.kind === 'test-run') {
      this.testRuns.inc({ language: job.run.language, status: job.run.state });
      return;
    }
    const { run } = job;
    this.executions.inc({ language: run.language, status: run.result?.outcome ?? 'failed' });
    if (run.startedAt !== null && run.finishedAt !== null)
      this.executionDuration.observe({ language: run.language }, (run.finishedAt - run.startedAt) / 1000);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
