/**
 * The first program of a preview's sandbox (`node init.cjs <bridge socket> <port> <command…>`),
 * written by us and run inside the sandbox with the candidate's dev server as its child:
 *
 * - it bridges the dev server's loopback port to the executor, the only way in: asked on stdin
 *   (`{"t":"open","id":…}`), it connects to the executor's unix socket (in a folder bound
 *   read-only into the sandbox: nothing in the sandbox can write there, so it can neither fill
 *   the executor's disk nor put a link to a host socket in the executor's way), says the id, and
 *   pipes that connection to a new one to the port; the sandbox has a network namespace of its
 *   own, so nothing outside it can reach that port, and nothing inside it can reach out;
 * - it frames everything it says on stdout as one JSON object per line (the dev server's output,
 *   `ready` once the port accepts a connection, `exit`), so the dev server cannot forge them;
 * - it applies the file changes the executor sends on stdin (one JSON object per line), inside
 *   the box only (each written in place).
 *
 * Plain CommonJS for the sandbox's own node; kept here as text so that the executor's bundle
 * carries it.
 */
export const PREVIEW_INIT_SOURCE = String.raw`'use strict';
const net = require('net');
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');

const [bridgePath, portText, ...command] = process.argv.slice(2);
const port = Number(portText);
const root = process.cwd();
const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');

const child = spawn(command[0], command.slice(1), {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, PORT: String(port) },
});
for (const stream of ['stdout', 'stderr']) {
  child[stream].setEncoding('utf8');
  child[stream].on('data', (data) => send({ t: 'log', s: stream, d: data }));
}
child.on('error', (error) => {
  send({ t: 'exit', code: null, signal: null, error: error.message });
  process.exit(0);
});
child.on('exit', (code, signal) => {
  send({ t: 'exit', code, signal });
  setTimeout(() => process.exit(0), 50);
});

// One connection the executor asked for: its socket, the id first, then the dev server's bytes.
function open(id) {
  if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) return;
  const outside = net.connect(bridgePath);
  const inside = net.connect(port, '127.0.0.1');
  outside.write(id + '\n');
  outside.pipe(inside).pipe(outside);
  inside.on('error', () => outside.destroy());
  outside.on('error', () => inside.destroy());
  // The dev server's end reaches the executor through the pipe (end() once everything written is
  // flushed), never as a destroy: destroying here dropped the unflushed tail of a large answer
  // (react-dom's bundle) whenever the executor read slower than the server wrote, and the page
  // waited for it forever.
  outside.on('close', () => inside.destroy());
}

let ready = false;
const probe = () => {
  if (ready) return;
  const socket = net.connect(port, '127.0.0.1');
  socket.on('connect', () => {
    socket.destroy();
    if (!ready) {
      ready = true;
      send({ t: 'ready' });
    }
  });
  socket.on('error', () => setTimeout(probe, 50));
};
probe();

function inBox(name) {
  if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.includes('\0')) return undefined;
  const full = path.resolve(root, name);
  if (!full.startsWith(root + '/')) return undefined;
  const first = path.relative(root, full).split('/')[0];
  return first === 'node_modules' || first === '.tmp' ? undefined : full;
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let order;
  try {
    order = JSON.parse(line);
  } catch {
    return;
  }
  if (order.t === 'open') return open(order.id);
  const full = inBox(order.name);
  if (!full) return send({ t: 'refused', name: String(order.name) });
  try {
    if (order.t === 'write') {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      if (fs.existsSync(full) && fs.readFileSync(full, 'utf8') === order.content) return;
      // In place, not renamed over: watchers that follow the file's inode (node --watch) lose a
      // file replaced by a rename.
      fs.writeFileSync(full, order.content);
    } else if (order.t === 'delete') {
      fs.rmSync(full, { force: true });
    }
  } catch (error) {
    send({ t: 'refused', name: order.name, error: error.message });
  }
}).on('close', () => {
  // The executor went away: take the dev server down with us.
  child.kill('SIGKILL');
  process.exit(0);
});
`;
