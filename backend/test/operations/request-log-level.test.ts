/**
 * The per-request log line is built only when its level is written: winston formats every line
 * before looking at its level, so at LOG_LEVEL=warn (production's usual) asking first saves the
 * work on every request (issue 23's create p95). At `http`, the line is written as before.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import express from 'express';
import { requestContext } from '../../src/http/request-context';
import { Metrics } from '../../src/http/metrics';
import { createLogger } from '../../src/logging/logger';

async function requestThrough(level: string): Promise<{ lines: string[]; builds: number; requestId: string | null }> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level, format: 'json', stream });
  let builds = 0;
  const counted = {
    http: (message: string, meta?: object) => {
      builds += 1;
      logger.http(message, meta);
    },
    isLevelEnabled: (name: string) => logger.isLevelEnabled(name),
  };
  const metrics = new Metrics({ websocketConnections: () => 0, activeRooms: () => 0, executionQueueDepth: () => 0, executors: () => [] });
  const app = express();
  app.use(requestContext(counted, metrics));
  app.get('/ping/:id', (_request, response) => {
    response.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/abc`);
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id');
    // The line is logged on 'finish', right after the response: give it a moment to arrive.
    const metric = async () =>
      (await metrics.registry.getSingleMetricAsString('http_request_duration_seconds')).includes('route="/ping/:id"');
    for (let i = 0; i < 200 && !(await metric()); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(await metric(), 'the duration is recorded whatever the log level');
    return { lines, builds, requestId };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

it('at LOG_LEVEL=warn no request line is built or written; at http it is, with its request id', async () => {
  const quiet = await requestThrough('warn');
  assert.equal(quiet.builds, 0, 'no line built for a level that is not written');
  assert.deepEqual(quiet.lines, []);
  assert.ok(quiet.requestId, 'the request id is still echoed');

  const verbose = await requestThrough('http');
  assert.equal(verbose.builds, 1);
  const entry = JSON.parse(verbose.lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(entry.message, 'request');
  assert.equal(entry.route, '/ping/:id');
  assert.equal(entry.sessionId, 'abc');
  assert.equal(entry.requestId, verbose.requestId);
});
