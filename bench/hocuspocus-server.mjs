// Hocuspocus as PairPad's collaboration peer, for the side-by-side benchmarks: the built-in
// server with its defaults (documents in memory, no extensions), on loopback.
//
//   node bench/hocuspocus-server.mjs <port>
//
// Prints "listening <port>" once it accepts connections. Started by bench/collab-vs-hocuspocus.mjs.
import { Server } from '@hocuspocus/server';

const port = Number(process.argv[2] ?? 5400);
const server = new Server({ port, address: '127.0.0.1', quiet: true, stopOnSignals: true });
await server.listen();
console.log(`listening ${port}`);
