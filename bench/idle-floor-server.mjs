// The transport alone, for bench/idle-floor.mjs: a server that accepts idle connections and does
// nothing else, on one of the layers PairPad's backend stacks up (ws → engine.io → Socket.IO), with
// the same heartbeat as PairPad's defaults (a ping every 25 s, 20 s to answer it).
//
//   node bench/idle-floor-server.mjs <ws|engine.io|socket.io> <port>
//
// Prints "listening <port>" once it accepts connections.
import { createServer } from 'node:http';
import { attach } from 'engine.io';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

const [layer, portText] = process.argv.slice(2);
const port = Number(portText);
const PING_INTERVAL_MS = 25_000;
const PING_TIMEOUT_MS = 20_000;
const http = createServer();

if (layer === 'ws') {
  // engine.io's heartbeat done by hand over bare ws: a text "2" every interval, the client's "3" re-arms it.
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => {
    let timer;
    const schedule = () => {
      timer = setTimeout(() => socket.send('2'), PING_INTERVAL_MS);
    };
    socket.on('message', schedule);
    socket.on('close', () => clearTimeout(timer));
    schedule();
  });
} else if (layer === 'engine.io') {
  attach(http, { transports: ['websocket'], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS });
} else if (layer === 'socket.io') {
  const io = new Server(http, { transports: ['websocket'], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS });
  // Two to a room, as the idle bench's participants are.
  let joined = 0;
  io.on('connection', (socket) => socket.join(`room-${Math.floor(joined++ / 2)}`));
} else throw new Error(`unknown layer ${layer}: ws, engine.io or socket.io`);

http.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
