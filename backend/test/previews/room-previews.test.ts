import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { SocketYjsProvider } from '@pairpad/client';
import * as Y from 'yjs';
import { META_KEYS, ROOM_DOC, workspaceMap, workspacePaths, type PreviewStatus } from '@pairpad/protocol';
import { PreviewTokens } from '../../src/previews';
import type { BackendHandle } from '../../src/server';
import { testSandboxUid } from '../executor/helpers';
import { connectClient, createSession, startBackendWithExecutor, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

/**
 * A room's live preview through the real backend and its embedded executor (real sandbox):
 * started from the room, edits written through, output in the room's console, served at a
 * per-preview address on the preview origin that only a valid token opens (another room's, a
 * forged, an expired or a stopped preview's token is refused), refused when locked or ended,
 * stopped when the room ends.
 */

const SECRET = 'preview-test-secret-0123456789abcdef';
const SANDBOX_UID = testSandboxUid();

/** GET through the backend with the Host header a browser would send for `url`. */
function fetchVia(backend: BackendHandle, url: string, path = '/'): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: backend.port, path, headers: { host: target.host } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('room previews: start, edits, console, signed addresses', () => {
  let backend: BackendHandle;
  const open: SocketYjsProvider[] = [];
  const statuses = new Map<SocketYjsProvider, PreviewStatus[]>();
  const client = (options: Parameters<typeof connectClient>[1]): SocketYjsProvider => {
    const provider = connectClient(backend, options);
    open.push(provider);
    const seen: PreviewStatus[] = [];
    statuses.set(provider, seen);
    provider.socket.on('preview:status', (status) => seen.push(status));
    return provider;
  };

  before(async () => {
    backend = await startBackendWithExecutor('bash', {
      EXECUTOR_SANDBOX_UID: String(SANDBOX_UID),
      EXECUTOR_SANDBOX_GID: String(SANDBOX_UID),
      PREVIEW_SECRET: SECRET,
      PREVIEW_EDIT_DEBOUNCE_MS: '50',
      EXECUTION_POOL_CHECK_MS: '200',
    });
    // The pool takes the executor once a check saw its runtimes proven.
    await waitFor(() => backend.runs.executors.executors.every((executor) => executor.up === true), {
      what: 'the executor up in the pool',
    });
  });
  after(async () => {
    for (const provider of open) provider.destroy();
    await backend?.close();
  });

  async function room() {
    const session = await createSession(backend, { name: 'Ivy', language: 'javascript' });
    const ivy = client({ sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const cleo = client({ sessionId: session.id, name: 'Cleo' });
    await Promise.all([waitSynced(ivy), waitSynced(cleo)]);
    return { session, ivy, cleo };
  }

  it("the candidate starts the room's Express app; both see it run; its address serves it; edits reach it; its output is in the console", async () => {
    const { session, ivy, cleo } = await room();
    const started = await cleo.request('preview:start', { template: 'node-express' });
    assert.ok(started.ok, JSON.stringify(started));
    assert.equal(started.preview.state, 'running');
    // The template's entry file is loaded into the editor for everyone.
    await waitFor(() => ivy.doc.getText(ROOM_DOC.code).toString().includes('Hello from Express'), { what: 'the template in the editor' });
    for (const provider of [ivy, cleo])
      await waitFor(() => statuses.get(provider)!.some((s) => s.state === 'running'), { what: 'running' });
    const address = await ivy.request('preview:open', {});
    assert.ok(address.ok);
    assert.match(address.url, /^http:\/\/[0-9a-f]{16}-[0-9a-z]+-[0-9a-f]{32}\.preview\.localhost:\d+\/$/);
    assert.ok(address.expiresAt > Date.now());
    const page = await fetchVia(backend, address.url);
    assert.equal(page.status, 200);
    assert.match(page.text, /Hello from Express/);
    // The candidate types: the edit reaches the dev server (node --watch restarts with it).
    const code = cleo.doc.getText(ROOM_DOC.code);
    const at = code.toString().indexOf('Hello from Express');
    cleo.doc.transact(() => {
      code.delete(at, 'Hello from Express'.length);
      code.insert(at, 'Hello from the candidate');
    });
    await waitFor(async () => (await fetchVia(backend, address.url)).text.includes('Hello from the candidate'), {
      timeoutMs: 15_000,
      what: 'the edit served',
    });
    // The template is the room's workspace: its entry in the editor, its other files in the tree.
    assert.equal(cleo.doc.getMap(ROOM_DOC.meta).get(META_KEYS.entry), 'server.js');
    assert.ok(workspacePaths(cleo.doc).includes('package.json'));
    // A new file, required by the entry: both reach the dev server.
    cleo.doc.transact(() => {
      workspaceMap(cleo.doc).set('lib/greeting.js', new Y.Text("module.exports = 'Greetings from a second file';\n"));
      const text = code.toString();
      code.delete(0, code.length);
      code.insert(0, text.replace("res.send('<h1>Hello from the candidate", "res.send('<h1>' + require('./lib/greeting') + '"));
    });
    await waitFor(async () => (await fetchVia(backend, address.url)).text.includes('Greetings from a second file'), {
      timeoutMs: 15_000,
      what: 'the new file served',
    });
    // What the dev server printed is in the room's console stream, under the preview's job id.
    const jobId = started.preview.jobId!;
    await waitFor(
      () => JSON.stringify(backend.rooms.get(session.id)?.interview.console.map.get(jobId)?.toJSON() ?? []).includes('listening on'),
      {
        what: 'the server output in the console',
      },
    );
    // Stop: everyone sees it off, the address is refused, the executor holds nothing.
    const stopped = await cleo.request('preview:stop', {});
    assert.ok(stopped.ok);
    assert.equal(stopped.preview.state, 'off');
    const gone = await fetchVia(backend, address.url);
    assert.equal(gone.status, 403);
    assert.match(gone.text, /PREVIEW_TOKEN_INVALID/);
    await waitFor(() => statuses.get(ivy)!.at(-1)?.state === 'off', { what: 'off for the interviewer' });
  });

  it("another room's participant, a forged, re-bound or expired token cannot open a room's preview", async () => {
    const a = await room();
    const b = await room();
    const started = await a.ivy.request('preview:start', { template: 'node-express' });
    assert.ok(started.ok, JSON.stringify(started));
    // B's participants ask their own room: it runs no preview.
    const fromB = await b.cleo.request('preview:open', {});
    assert.equal(fromB.ok, false);
    assert.equal(!fromB.ok && fromB.error.code, 'PREVIEW_NOT_RUNNING');
    const address = await a.cleo.request('preview:open', {});
    assert.ok(address.ok);
    assert.equal((await fetchVia(backend, address.url)).status, 200);
    const url = new URL(address.url);
    const [label = '', ...rest] = url.hostname.split('.');
    const [previewId = '', expiry = '', mac = ''] = label.split('-');
    const withLabel = (newLabel: string) => {
      const copy = new URL(address.url);
      copy.hostname = [newLabel, ...rest].join('.');
      return copy.href;
    };
    // Forged: one character of the MAC changed.
    const forged = withLabel(`${previewId}-${expiry}-${mac.slice(0, -1)}${mac.endsWith('0') ? '1' : '0'}`);
    // Re-bound: signed with the real secret, but for session B: the MAC is bound to the session.
    const rebound = new PreviewTokens(SECRET, 3600).issue(b.session.id, previewId).token;
    // Expired: signed for session A an hour and a second ago, valid for an hour.
    const expired = new PreviewTokens(SECRET, 3600, () => Date.now() - 3_601_000).issue(a.session.id, previewId).token;
    for (const [what, href] of [
      ['forged', forged],
      ['bound to another session', withLabel(rebound)],
      ['expired', withLabel(expired)],
      ['not a token', withLabel('hello')],
    ] as const) {
      const res = await fetchVia(backend, href);
      assert.equal(res.status, 403, what);
      assert.match(res.text, /PREVIEW_TOKEN_INVALID/, what);
    }
    // A token signed right for session A opens it: the check is the binding, not the format.
    const fresh = new PreviewTokens(SECRET, 3600).issue(a.session.id, previewId).token;
    assert.equal((await fetchVia(backend, withLabel(fresh))).status, 200);
    // PairPad's own API and Socket.IO are not served on the preview origin: those paths are the app's.
    assert.equal((await fetchVia(backend, address.url, '/api/sessions')).status, 404);
    const engine = await fetchVia(backend, address.url, '/socket.io/?EIO=4&transport=polling');
    assert.equal(engine.status, 404);
    assert.doesNotMatch(engine.text, /"sid"/);
    await a.ivy.request('preview:stop', {});
  });

  it('refused when locked (candidate) or ended; ending the room stops the preview', async () => {
    const { session, ivy, cleo } = await room();
    assert.ok((await ivy.request('room:lock', { locked: true })).ok);
    const locked = await cleo.request('preview:start', { template: 'node-express' });
    assert.equal(!locked.ok && locked.error.code, 'EDITING_LOCKED');
    assert.equal(statuses.get(cleo)!.at(-1)?.state ?? 'off', 'off', 'nothing started');
    assert.ok((await ivy.request('room:lock', { locked: false })).ok);
    const unknown = await ivy.request('preview:start', { template: 'rails' });
    assert.equal(!unknown.ok && unknown.error.code, 'PREVIEW_TEMPLATE_UNKNOWN');
    const bad = await ivy.request('preview:start', { template: '../etc' });
    assert.equal(!bad.ok && bad.error.code, 'VALIDATION_FAILED');
    const started = await ivy.request('preview:start', { template: 'python-flask' });
    assert.ok(started.ok, JSON.stringify(started));
    const address = await cleo.request('preview:open', {});
    assert.ok(address.ok);
    assert.deepEqual(JSON.parse((await fetchVia(backend, address.url, '/api/hello?name=Cleo')).text), { message: 'Hello, Cleo!' });
    assert.ok((await ivy.request('room:end', {})).ok);
    await waitFor(() => statuses.get(cleo)!.at(-1)?.state === 'off', { what: 'stopped at the end' });
    assert.equal((await fetchVia(backend, address.url)).status, 403);
    const after = await ivy.request('preview:start', { template: 'python-flask' });
    assert.equal(!after.ok && after.error.code, 'SESSION_ENDED');
    assert.equal(backend.previews.status(session.id).state, 'off');
  });
});
