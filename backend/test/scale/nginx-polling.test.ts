/**
 * Two real backend processes on one real redis-server behind a real nginx running the deployed
 * config (deploy/nginx/pairpad-scale.conf, docker-compose.scale.yml's balancer), pointed at
 * loopback ports. A second copy of that server refuses websocket upgrades, like a proxy or
 * firewall that only passes plain HTTP: the browser's provider options must fall back to
 * long-polling there, and polling must stick to one node (the config's `ip_hash`).
 *
 * Needs Debian's nginx (`apt-get install nginx-light`); skipped by name without it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SocketYjsProvider } from '@pairpad/client';
import { codeOf, connectClient, createSession, waitSynced } from '../helpers/test-backend';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';
import { waitFor } from '../helpers/wait-for';
import { freePort, startNode, type BackendNode } from './cluster-harness';

const DEPLOYED_CONF = fileURLToPath(new URL('../../../deploy/nginx/pairpad-scale.conf', import.meta.url));
const NGINX = process.env.NGINX_BIN ?? 'nginx';

function nginxMissing(): string | false {
  const probe = spawnSync(NGINX, ['-v'], { stdio: 'ignore' });
  return probe.error || probe.status !== 0
    ? 'nginx is not installed: `apt-get install nginx-light` (Debian) to run the balancer tests'
    : false;
}

/** The deployed server config with the compose service names replaced by loopback ports. */
function deployedConfig(ports: { listen: number; a: number; b: number }, suffix = ''): string {
  let conf = readFileSync(DEPLOYED_CONF, 'utf8')
    .replaceAll('backend-a:5000', `127.0.0.1:${ports.a}`)
    .replaceAll('backend-b:5000', `127.0.0.1:${ports.b}`)
    // No frontend in this test: a closed port (answers 502).
    .replaceAll('frontend:3000', '127.0.0.1:9')
    .replace(/listen\s+8080;/, `listen 127.0.0.1:${ports.listen};`);
  if (suffix) {
    // A second copy in the same http block: its own upstream and variable names.
    conf = conf
      .replace(/\bpairpad_(socket|api|frontend)\b/g, `pairpad_$1${suffix}`)
      .replaceAll('$connection_upgrade', `$connection_upgrade${suffix}`);
  }
  return conf;
}

/** The same server, but websocket upgrades are refused before they reach a backend. */
function refusingWebsockets(conf: string): string {
  const location = 'location /socket.io/ {';
  assert.ok(conf.includes(location), `the deployed config has a "${location}" block`);
  return conf.replace(location, `${location}\n        if ($http_upgrade) { return 403; }`);
}

interface Nginx {
  url: string;
  blockedUrl: string;
  /** Access-log lines so far: `uri status upstream`. */
  log(): Array<{ uri: string; status: number; upstream: string }>;
  stop(): Promise<void>;
}

async function startNginx(a: BackendNode, b: BackendNode): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'pairpad-nginx-'));
  // Workers run as an unprivileged user under root: they must reach the temp and log files.
  chmodSync(dir, 0o777);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { mode: 0o777 });
  const [open, blocked] = [await freePort(), await freePort()];
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  log_format pairpad '$request_uri $status $upstream_addr';
  access_log ${dir}/access.log pairpad;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${deployedConfig({ listen: open, a: a.port, b: b.port })}
${refusingWebsockets(deployedConfig({ listen: blocked, a: a.port, b: b.port }, '_blocked'))}
}
`;
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, conf);
  const args = ['-p', dir, '-c', confPath, '-e', join(dir, 'error.log')];
  const check = spawnSync(NGINX, [...args, '-t'], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t refused the deployed config:\n${check.stderr}`);
  const child: ChildProcess = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${open}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}`);
      return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).catch(() => null))?.status === 200;
    },
    { timeoutMs: 10_000, what: 'nginx answering /health from a backend' },
  );
  return {
    url,
    blockedUrl: `http://127.0.0.1:${blocked}`,
    log: () =>
      readFileSync(join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [uri = '', status = '0', upstream = '-'] = line.split(' ');
          return { uri, status: Number(status), upstream };
        }),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The provider as the browser builds it (frontend/src/room/use-room.ts): websocket first, then polling. */
function browserLikeClient(
  url: string,
  sessionId: string,
  name: string,
  transports: Array<'websocket' | 'polling'> = ['websocket', 'polling'],
): SocketYjsProvider {
  return new SocketYjsProvider({
    url,
    sessionId,
    name,
    socketOptions: { tryAllTransports: true, transports, forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200 },
  });
}

function engineSid(provider: SocketYjsProvider): string {
  return (provider.socket.io.engine as unknown as { id: string }).id;
}

describe('two backends behind the deployed nginx config, websockets blocked', { skip: nginxMissing() }, () => {
  let redis: TestRedisServer;
  let nodeA: BackendNode;
  let nodeB: BackendNode;
  let nginx: Nginx;
  const dataDir = mkdtempSync(join(tmpdir(), 'pairpad-nginx-'));
  const open: SocketYjsProvider[] = [];
  const track = (provider: SocketYjsProvider) => {
    open.push(provider);
    return provider;
  };

  before(async () => {
    redis = await startRedisServer();
    // One database for both (a SQLite file two processes share), as a deployment shares one:
    // nginx spreads REST over both nodes, so a sign-in on one must hold on the other. One after
    // the other, so the file is migrated once.
    nodeA = await startNode('A', { REDIS_URL: redis.url, DATA_DIR: dataDir });
    nodeB = await startNode('B', { REDIS_URL: redis.url, DATA_DIR: dataDir });
    nginx = await startNginx(nodeA, nodeB);
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await nginx?.stop();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a client whose websocket is refused falls back to long-polling, then syncs and edits with clients on both nodes', async () => {
    const session = await createSession({ url: nginx.url });
    const polling = track(browserLikeClient(nginx.blockedUrl, session.id, 'Behind-a-proxy'));
    // One client straight on each node: whichever node nginx chose, the edits cross nodes.
    const onA = track(connectClient(nodeA, { sessionId: session.id, name: 'On-A' }));
    const onB = track(connectClient(nodeB, { sessionId: session.id, name: 'On-B' }));
    await Promise.all([waitSynced(polling, 20_000), waitSynced(onA), waitSynced(onB)]);
    assert.equal(polling.socket.io.engine.transport.name, 'polling');
    assert.ok(codeOf(polling).includes('Hello, PairPad!'), 'the polling client received the document');
    // nginx really refused the websocket (the first try, and the upgrade probe after polling opened).
    assert.ok(
      nginx.log().some((entry) => entry.uri.includes('transport=websocket') && entry.status === 403),
      'a websocket attempt refused with 403 in the access log',
    );

    polling.doc.getText('code').insert(0, '# from behind the proxy\n');
    await waitFor(() => codeOf(onA).startsWith('# from behind the proxy') && codeOf(onB).startsWith('# from behind the proxy'), {
      timeoutMs: 10_000,
      what: "the polling client's edit on both nodes",
    });
    onA.doc.getText('code').insert(0, '# from A\n');
    onB.doc.getText('code').insert(0, '# from B\n');
    await waitFor(() => codeOf(polling).includes('# from A\n') && codeOf(polling).includes('# from B\n'), {
      timeoutMs: 10_000,
      what: "both nodes' edits at the polling client",
    });
    await waitFor(() => codeOf(polling) === codeOf(onA) && codeOf(onA) === codeOf(onB), { timeoutMs: 10_000, what: 'convergence' });
    // Still polling: the upgrade was refused too, and the session kept working.
    assert.equal(polling.socket.io.engine.transport.name, 'polling');
  });

  it('long-polling through the deployed config sticks to one node per client, while REST is spread over both', async () => {
    const session = await createSession({ url: nginx.url });
    for (let i = 0; i < 4; i++) assert.equal((await fetch(`${nginx.url}/api/sessions/${session.id}`)).status, 200);
    const pollingOnly = track(browserLikeClient(nginx.url, session.id, 'Polling-only', ['polling']));
    const other = track(connectClient(nodeA, { sessionId: session.id, name: 'Other' }));
    await Promise.all([waitSynced(pollingOnly, 20_000), waitSynced(other)]);
    pollingOnly.doc.getText('code').insert(0, '# polled\n');
    other.doc.getText('code').insert(0, '# pushed\n');
    await waitFor(() => codeOf(pollingOnly) === codeOf(other) && codeOf(other).includes('# polled') && codeOf(other).includes('# pushed'), {
      timeoutMs: 10_000,
      what: 'convergence with a polling-only client',
    });

    const sid = engineSid(pollingOnly);
    const requests = nginx.log().filter((entry) => entry.uri.includes(`sid=${sid}`));
    assert.ok(requests.length >= 3, `several polling requests for one engine.io session (saw ${requests.length})`);
    assert.deepEqual([...new Set(requests.map((entry) => entry.upstream))].length, 1, `one node served every request of sid ${sid}`);
    assert.ok(
      requests.every((entry) => entry.status === 200),
      `no request of the session was refused (statuses ${[...new Set(requests.map((entry) => entry.status))].join(', ')})`,
    );
    const restNodes = new Set(
      nginx
        .log()
        .filter((entry) => entry.uri.startsWith('/api/sessions/'))
        .map((entry) => entry.upstream),
    );
    assert.equal(restNodes.size, 2, `REST went round robin over both nodes (${[...restNodes].join(', ')})`);
  });
});
