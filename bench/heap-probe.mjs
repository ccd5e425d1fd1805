// The live heap of another Node process, read over its inspector (started with
// --inspect=127.0.0.1:<port>): full collections forced first, so the figure is what the process
// keeps alive, not how far V8 has let its heap grow (RSS moves ±30 MiB from run to run with that).
// Used by heap-per-connection.mjs and collab-vs-hocuspocus.mjs.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { sleep } from './bench-utils.mjs';

export async function openHeapProbe(inspectorPort) {
  const [target] = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  const inspector = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 2 ** 31 });
  await new Promise((resolve, reject) => inspector.once('open', resolve).once('error', reject));
  let nextId = 1;
  const pending = new Map();
  let snapshotChunks = [];
  inspector.on('message', (raw) => {
    const message = JSON.parse(raw);
    if (message.id && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    } else if (message.method === 'HeapProfiler.addHeapSnapshotChunk') snapshotChunks.push(message.params.chunk);
  });
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      inspector.send(JSON.stringify({ id, method, params }));
    });
  return {
    /** process.memoryUsage() after two forced collections (the second frees what finalizers let go). */
    async liveMemory() {
      await call('HeapProfiler.collectGarbage');
      await sleep(500);
      await call('HeapProfiler.collectGarbage');
      const answer = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())' });
      return JSON.parse(answer.result.result.value);
    },
    async snapshot(file) {
      snapshotChunks = [];
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      writeFileSync(file, snapshotChunks.join(''));
    },
    close() {
      inspector.close();
    },
  };
}
