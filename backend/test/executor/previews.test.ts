import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { eventually, jobProcessesOfUid, startTestExecutor, testSandboxUid, type TestExecutor } from './helpers';

/**
 * Live previews against the real sandbox: templates' dev servers started in bwrap, reached only
 * through the executor's proxy (a unix socket bridged inside the sandbox), their files written
 * through, their isolation (no network out: not the host's ports, not the cloud metadata
 * address, not the internet), bombs contained while another preview keeps answering, and no
 * process left once a preview stops (by uid and by cgroup).
 */

const SANDBOX_UID = testSandboxUid();
const MiB = 1024 * 1024;

interface PreviewView {
  id: string;
  state: string;
  code?: string;
  message?: string;
}

/** A host address other than loopback (what a sandbox with the host's network would reach). */
function hostAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces()))
    for (const entry of list ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  return undefined;
}

/** An Express app whose endpoints try the outside world and misbehave on demand. */
function probeServer(targets: Record<string, { host: string; port: number }>): string {
  return `const express = require('express');
const net = require('net');
const dns = require('dns');
const { spawn } = require('child_process');
const app = express();
const targets = ${JSON.stringify(targets)};
const attempt = (host, port) => new Promise((resolve) => {
  const socket = net.connect({ host, port, timeout: 2000 });
  socket.on('connect', () => { socket.destroy(); resolve('connected'); });
  socket.on('timeout', () => { socket.destroy(); resolve('timeout'); });
  socket.on('error', (error) => resolve(error.code || error.message));
});
app.get('/', (_req, res) => res.send('probe up'));
app.get('/reach', async (_req, res) => {
  const out = {};
  for (const [name, t] of Object.entries(targets)) out[name] = await attempt(t.host, t.port);
  out.dns = await new Promise((resolve) => dns.lookup('example.com', (error) => resolve(error ? error.code : 'resolved')));
  res.json(out);
});
app.get('/forkbomb', (_req, res) => {
  let started = 0, refused = 0;
  for (let i = 0; i < 500; i++) {
    try { const child = spawn('sleep', ['30']); child.on('error', () => refused++); started++; } catch { refused++; }
  }
  setTimeout(() => res.json({ started, refused }), 500);
});
const servers = [];
app.get('/portflood', async (_req, res) => {
  let listening = 0, refused = 0;
  for (let i = 0; i < 3000; i++) {
    await new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => { refused++; resolve(); });
      server.listen(0, '127.0.0.1', () => { listening++; servers.push(server); resolve(); });
    });
  }
  res.json({ listening, refused });
});
const hog = [];
app.get('/membomb', (_req, res) => {
  for (let i = 0; i < 64; i++) hog.push(Buffer.alloc(16 * 1024 * 1024, 1));
  res.send('survived');
});
app.listen(3000, '127.0.0.1', () => console.log('probe listening'));
`;
}

describe('executor: live previews', () => {
  let ex: TestExecutor;
  let outside: Server;
  let outsidePort = 0;

  before(async () => {
    ex = await startTestExecutor({
      EXECUTOR_RUNTIMES: 'bash',
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      EXECUTOR_MAX_PREVIEWS: '3',
      EXECUTOR_PREVIEW_MEMORY_LIMIT: String(256 * MiB),
      EXECUTOR_PREVIEW_MAX_PROCESS_COUNT: '64',
      EXECUTOR_PREVIEW_START_TIMEOUT: '20000',
      EXECUTOR_MAX_FILES_BYTES: String(MiB),
    });
    // A server on the host, on every address: a preview must reach it on none.
    outside = createServer((socket) => socket.end('host service\n'));
    await new Promise<void>((resolve) => outside.listen(0, '0.0.0.0', resolve));
    outsidePort = (outside.address() as { port: number }).port;
  });

  after(async () => {
    await ex?.close();
    await new Promise<void>((resolve) => outside.close(() => resolve()));
  });

  const start = async (template: string, files: { name: string; content: string }[] = []) => {
    const res = await ex.post('/api/v2/pairpad/previews', { template, files });
    return { status: res.status, body: res.body as unknown as PreviewView };
  };
  const stop = async (id: string) => {
    const res = await fetch(`${ex.url}/api/v2/pairpad/previews/${id}`, { method: 'DELETE' });
    assert.ok(res.status === 204 || res.status === 404, `DELETE answered ${res.status}`);
    return res;
  };
  const page = async (id: string, path = '/') => {
    const res = await fetch(`${ex.url}/preview/${id}${path}`);
    return { status: res.status, text: await res.text() };
  };

  it('lists the shipped templates', async () => {
    const res = await ex.get('/api/v2/pairpad/previews/templates');
    const ids = (res.body as { templates: { id: string }[] }).templates.map((t) => t.id).sort();
    assert.deepEqual(ids, ['node-express', 'python-flask', 'react-vite']);
  });

  it('starts the Express template and answers through the proxy; edits are written through', async () => {
    const { status, body } = await start('node-express');
    assert.equal(status, 201, JSON.stringify(body));
    assert.equal(body.state, 'running');
    try {
      const home = await page(body.id);
      assert.equal(home.status, 200);
      assert.match(home.text, /Hello from Express/);
      const api = await page(body.id, '/api/hello?name=Ada');
      assert.deepEqual(JSON.parse(api.text), { message: 'Hello, Ada!' });
      // An edit as it is typed: node --watch restarts the server with it.
      const server = (await ex.get('/api/v2/pairpad/previews/templates/node-express')).body as {
        files: { name: string; content: string }[];
      };
      const original = server.files.find((f) => f.name === 'server.js')!.content;
      const res = await fetch(`${ex.url}/api/v2/pairpad/previews/${body.id}/files`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'server.js', content: original.replace('Hello from Express', 'Edited live') }] }),
      });
      assert.equal(res.status, 204);
      await eventually(async () => /Edited live/.test((await page(body.id).catch(() => ({ text: '' }))).text), 15_000, 'the edited page');
      // Its output streams: the events answer replays the status and what the server printed.
      const events = await fetch(`${ex.url}/api/v2/pairpad/previews/${body.id}/events`);
      const reader = events.body!.getReader();
      let text = '';
      while (!text.includes('listening on')) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      assert.match(text, /"type":"status","state":"running"/);
    } finally {
      await stop(body.id);
    }
  });

  it('the Flask template answers its endpoint', async () => {
    const { status, body } = await start('python-flask');
    assert.equal(status, 201, JSON.stringify(body));
    try {
      const api = await page(body.id, '/api/hello?name=Flask');
      assert.deepEqual(JSON.parse(api.text), { message: 'Hello, Flask!' });
    } finally {
      await stop(body.id);
    }
  });

  it("the bridge folder is read-only inside the sandbox: a preview fills nothing of the host's disk and plants no link; its box ends in ENOSPC; it still answers", async () => {
    const filler = `const express = require('express');
const fs = require('fs');
const app = express();
app.get('/', (_req, res) => res.send('filler up'));
app.get('/fill', (_req, res) => {
  const out = {};
  const attempt = (name, action) => { try { action(); out[name] = 'done'; } catch (error) { out[name] = error.code || error.message; } };
  attempt('write', () => fs.writeFileSync('/run/pairpad-preview/junk', 'x'.repeat(1 << 20)));
  attempt('link', () => fs.symlinkSync('/var/run/docker.sock', '/run/pairpad-preview/evil.sock'));
  attempt('replace', () => fs.rmSync('/run/pairpad-preview/bridge.sock'));
  // The box: a size-limited tmpfs (1 MiB files, each under the file-size limit, until it is full).
  const chunk = Buffer.alloc(1 << 20, 1);
  let files = 0;
  attempt('box', () => { for (;;) { fs.writeFileSync('fill-' + files + '.bin', chunk); files++; if (files > 1024) break; } });
  out.files = files;
  for (let i = 0; i <= files; i++) fs.rmSync('fill-' + i + '.bin', { force: true });
  res.json(out);
});
app.listen(3000, '127.0.0.1', () => console.log('filler listening'));
`;
    const { status, body } = await start('node-express', [{ name: 'server.js', content: filler }]);
    assert.equal(status, 201, JSON.stringify(body));
    try {
      const bridgeDir = path.join(os.tmpdir(), 'pairpad-executor', `preview-${body.id}`, 'bridge');
      const before = await fs.readdir(bridgeDir);
      const fill = JSON.parse((await page(body.id, '/fill')).text) as Record<string, string | number>;
      assert.equal(fill.write, 'EROFS', JSON.stringify(fill));
      assert.equal(fill.link, 'EROFS', JSON.stringify(fill));
      assert.equal(fill.replace, 'EROFS', JSON.stringify(fill));
      assert.equal(fill.box, 'ENOSPC', JSON.stringify(fill));
      assert.ok(Number(fill.files) < 80, `the box held ${fill.files} MiB`);
      // The host's side of the folder holds the executor's socket and nothing else.
      assert.deepEqual(await fs.readdir(bridgeDir), before);
      assert.deepEqual(before, ['bridge.sock']);
      // Still answering, through the bridge.
      const home = await page(body.id);
      assert.equal(home.status, 200);
      assert.match(home.text, /filler up/);
    } finally {
      await stop(body.id);
    }
  });

  it('a preview reaches neither the host, nor the metadata address, nor the internet', async () => {
    const host = hostAddress();
    const targets: Record<string, { host: string; port: number }> = {
      loopbackHostPort: { host: '127.0.0.1', port: outsidePort },
      executorPort: { host: '127.0.0.1', port: Number(new URL(ex.url).port) },
      metadata: { host: '169.254.169.254', port: 80 },
      internet: { host: '1.1.1.1', port: 443 },
      ...(host ? { hostAddress: { host, port: outsidePort } } : {}),
    };
    const { status, body } = await start('node-express', [{ name: 'server.js', content: probeServer(targets) }]);
    assert.equal(status, 201, JSON.stringify(body));
    try {
      const reach = JSON.parse((await page(body.id, '/reach')).text) as Record<string, string>;
      for (const name of Object.keys(targets)) assert.notEqual(reach[name], 'connected', `${name}: ${JSON.stringify(reach)}`);
      // Loopback is the sandbox's own: nothing of the host listens there.
      assert.equal(reach.loopbackHostPort, 'ECONNREFUSED');
      assert.equal(reach.metadata, 'ENETUNREACH');
      assert.equal(reach.internet, 'ENETUNREACH');
      assert.notEqual(reach.dns, 'resolved');
    } finally {
      await stop(body.id);
    }
  });

  it('a fork bomb, a port flood and a memory bomb are contained; another preview keeps answering; stopping leaves no process', async () => {
    // The other preview's dev server (Flask) listens on 5000 in its own network namespace.
    const bomb = await start('node-express', [
      { name: 'server.js', content: probeServer({ otherPreview: { host: '127.0.0.1', port: 5000 } }) },
    ]);
    const other = await start('python-flask');
    assert.equal(bomb.status, 201, JSON.stringify(bomb.body));
    assert.equal(other.status, 201, JSON.stringify(other.body));
    try {
      // Another room's preview is not reachable from this one: its port is in its own namespace.
      assert.equal((JSON.parse((await page(bomb.body.id, '/reach')).text) as Record<string, string>).otherPreview, 'ECONNREFUSED');
      // A port flood: open files run out inside the sandbox (RLIMIT_NOFILE), nothing outside notices.
      const flood = JSON.parse((await page(bomb.body.id, '/portflood')).text) as { listening: number; refused: number };
      assert.ok(flood.refused > 0, `some of 3000 listeners refused: ${JSON.stringify(flood)}`);
      assert.match((await page(other.body.id, '/api/hello')).text, /Hello, world!/);
      const fork = JSON.parse((await page(bomb.body.id, '/forkbomb')).text) as { started: number; refused: number };
      assert.ok(fork.refused > 0, `the pids limit refused some of 500 processes: ${JSON.stringify(fork)}`);
      assert.match((await page(other.body.id, '/api/hello')).text, /Hello, world!/);
      // 1 GiB asked for under a 256 MiB limit: the kernel kills the app inside the preview's cgroup
      // (node --watch waits for the next edit).
      const mem = await page(bomb.body.id, '/membomb');
      assert.notEqual(mem.text, 'survived');
      assert.equal(mem.status, 502);
      assert.match((await page(other.body.id, '/api/hello')).text, /Hello, world!/);
    } finally {
      await stop(bomb.body.id);
      await stop(other.body.id);
    }
    // Nothing of either preview is left: no process of the sandbox uid but idle launchers.
    await eventually(async () => (await jobProcessesOfUid(SANDBOX_UID)).length === 0, 10_000, 'no preview process').catch(
      async (error: Error) => {
        throw new Error(`${error.message}: ${(await jobProcessesOfUid(SANDBOX_UID)).join(', ')}`);
      },
    );
  });

  it('a stopped preview leaves no process in its cgroup and none carrying its id', async () => {
    const { status, body } = await start('node-express');
    assert.equal(status, 201, JSON.stringify(body));
    const marked = async () => {
      const found: string[] = [];
      for (const pid of await fs.readdir('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const environ = await fs.readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
        if (environ.includes(`PAIRPAD_PREVIEW=${body.id}`)) found.push(pid);
      }
      return found;
    };
    // Processes in a preview's own CPU cgroup (v1 with the cpu controller mounted apart, as here).
    const inPreviewCgroups = async () => {
      const found: string[] = [];
      for (const pid of await fs.readdir('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const cgroups = await fs.readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
        if (cgroups.includes(`pairpad-executor-${process.pid}/cpu-`)) found.push(pid);
      }
      return found;
    };
    const cpuSeparate = (await fs.readFile('/proc/self/mountinfo', 'utf8'))
      .split('\n')
      .some((line) => / - cgroup cgroup \S*\bcpu\b(?!acct)/.test(line) && !/cpuacct/.test(line));
    assert.ok((await marked()).length >= 2, 'the init and the dev server carry the preview id');
    if (cpuSeparate) assert.ok((await inPreviewCgroups()).length >= 2, 'the preview runs in its own cpu cgroup');
    assert.equal((await stop(body.id)).status, 204);
    assert.deepEqual(await marked(), []);
    assert.deepEqual(await inPreviewCgroups(), []);
    const res = await ex.get(`/api/v2/pairpad/previews/${body.id}`);
    assert.equal(res.status, 404);
    assert.equal((res.body as { code: string }).code, 'PREVIEW_NOT_FOUND');
    assert.equal((await page(body.id)).status, 404);
  });

  it('the HMR websocket is proxied (React template)', async () => {
    const { status, body } = await start('react-vite');
    assert.equal(status, 201, JSON.stringify(body));
    try {
      const html = await page(body.id);
      assert.match(html.text, /\/@vite\/client/);
      const client = await page(body.id, '/@vite/client');
      const token = /wsToken = "([^"]+)"/.exec(client.text)?.[1] ?? /const wsToken = ([^;]+);/.exec(client.text)?.[1]?.replace(/"/g, '');
      assert.ok(token, 'the Vite client carries its websocket token');
      const ws = new WebSocket(`${ex.url.replace('http', 'ws')}/preview/${body.id}/?token=${token}`, 'vite-hmr');
      const first = await new Promise<string>((resolve, reject) => {
        ws.once('message', (data) => resolve(String(data)));
        ws.once('error', reject);
      });
      assert.match(first, /"type":"connected"/);
      // An edit of App.tsx reaches the open HMR socket as an update.
      const app = (
        (await ex.get('/api/v2/pairpad/previews/templates/react-vite')).body as { files: { name: string; content: string }[] }
      ).files.find((f) => f.name === 'src/App.tsx')!.content;
      // The module graph knows App.tsx once the browser asked for it.
      await page(body.id, '/src/App.tsx');
      const update = new Promise<string>((resolve) => ws.on('message', (data) => String(data).includes('update') && resolve(String(data))));
      await fetch(`${ex.url}/api/v2/pairpad/previews/${body.id}/files`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ files: [{ name: 'src/App.tsx', content: app.replace('Hello from React', 'Hello, HMR') }] }),
      });
      assert.match(await update, /src\/App\.tsx/);
      ws.close();
      assert.match((await page(body.id, '/src/App.tsx')).text, /Hello, HMR/);
    } finally {
      await stop(body.id);
    }
  });

  it('bad requests get named errors and start nothing', async () => {
    const cases: [unknown, string][] = [
      [{ template: 'rails' }, 'PREVIEW_TEMPLATE_UNKNOWN'],
      [{ template: 'node-express', files: [{ name: '../escape.js', content: '' }] }, 'FILE_PATH_INVALID'],
      [{ template: 'node-express', files: [{ name: '/etc/passwd', content: '' }] }, 'FILE_PATH_INVALID'],
      [{ template: 'node-express', files: [{ name: 'node_modules/express/index.js', content: '' }] }, 'FILE_PATH_INVALID'],
      [
        { template: 'node-express', files: Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}.js`, content: '' })) },
        'FILES_TOO_MANY',
      ],
      [
        {
          template: 'node-express',
          files: [
            { name: 'big.txt', content: 'x'.repeat(900_000) },
            { name: 'big2.txt', content: 'x'.repeat(200_000) },
          ],
        },
        'FILES_TOO_LARGE',
      ],
      [{ files: [] }, 'PREVIEW_REQUEST_INVALID'],
    ];
    for (const [body, code] of cases) {
      const res = await ex.post('/api/v2/pairpad/previews', body);
      assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
      assert.equal(res.body.code, code);
    }
    // 100 MB: refused by the body limit before anything is parsed.
    const huge = await ex.post('/api/v2/pairpad/previews', {
      template: 'node-express',
      files: [{ name: 'a', content: 'x'.repeat(100 * MiB) }],
    });
    assert.equal(huge.status, 400);
    assert.equal((await ex.get('/api/v2/pairpad/previews/templates')).status, 200);
  });
});

// One executor per process at a time (its cgroups are named after the pid): a second one with
// its own limits once the first has closed.
describe('executor: preview limits', () => {
  it('a dev server that never listens fails with PREVIEW_NEVER_LISTENED; past the limit, PREVIEW_LIMIT_REACHED', async () => {
    const quiet = await startTestExecutor({
      EXECUTOR_RUNTIMES: 'bash',
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      EXECUTOR_MAX_PREVIEWS: '1',
      EXECUTOR_PREVIEW_START_TIMEOUT: '3000',
      EXECUTOR_PREVIEW_IDLE_TIMEOUT: '1500',
    });
    try {
      const never = await quiet.post('/api/v2/pairpad/previews', {
        template: 'node-express',
        files: [{ name: 'server.js', content: 'console.log("thinking"); setInterval(() => {}, 1000);' }],
      });
      assert.equal(never.status, 504, `${JSON.stringify(never.body)} ${JSON.stringify(quiet.logs.filter((l) => l.level !== 'info'))}`);
      assert.equal(never.body.code, 'PREVIEW_NEVER_LISTENED');
      assert.match(String(never.body.message), /did not listen on port 3000 within 3 s[\s\S]*thinking/);
      const first = await quiet.post('/api/v2/pairpad/previews', { template: 'node-express' });
      assert.equal(first.status, 201);
      const second = await quiet.post('/api/v2/pairpad/previews', { template: 'node-express' });
      assert.equal(second.status, 503);
      assert.equal(second.body.code, 'PREVIEW_LIMIT_REACHED');
      // Nobody asks it anything for 1.5 s: stopped as idle.
      const id = String(first.body.id);
      await eventually(async () => (await quiet.get(`/api/v2/pairpad/previews/${id}`)).status === 404, 15_000, 'the idle stop');
    } finally {
      await quiet.close();
    }
  });
});
