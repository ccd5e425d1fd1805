import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { Encoder, PacketType, type Packet } from 'socket.io-parser';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { BackendHandle } from '../../src/server';
import { BinaryFrameDecoder, FRAME_MARK, encodeBinaryFrame } from '@pairpad/protocol/binary-frames';
import { MESSAGE_SYNC, type ErrorBody } from '@pairpad/protocol';
import type { SocketYjsProvider } from '@pairpad/client';
import { codeOf, connectClient as connectProvider, createSession, startTestBackend, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';

function decodeAll(chunks: Array<string | Uint8Array | ArrayBuffer>): Packet[] {
  const decoder = new BinaryFrameDecoder();
  const packets: Packet[] = [];
  decoder.on('decoded', (packet: Packet) => packets.push(packet));
  for (const chunk of chunks) decoder.add(chunk);
  return packets;
}

describe('binary frames: the decoder', () => {
  it('reads a frame as the event it carries, from a Buffer or an ArrayBuffer', () => {
    const frame = encodeBinaryFrame('y', new Uint8Array([0, 2, 9]));
    assert.deepEqual([...frame], [FRAME_MARK, 0, 0, 2, 9]);
    for (const chunk of [Buffer.from(frame), frame.slice().buffer]) {
      const [packet] = decodeAll([chunk]);
      assert.equal(packet?.type, PacketType.EVENT);
      assert.equal(packet?.nsp, '/');
      assert.equal(packet?.data[0], 'y');
      assert.deepEqual([...(packet?.data[1] as Uint8Array)], [0, 2, 9]);
    }
  });

  it('still reads default Socket.IO packets, binary attachments included, around frames', () => {
    const encoder = new Encoder();
    const binaryEvent = encoder.encode({ type: PacketType.EVENT, nsp: '/', data: ['y', Buffer.from([1, 2, 3])] });
    assert.equal(binaryEvent.length, 2, 'the default framing: a header and an attachment');
    const chat = encoder.encode({ type: PacketType.EVENT, nsp: '/', data: ['chat:send', { text: 'hi' }], id: 4 });
    const frame = encodeBinaryFrame('y', new Uint8Array([7]));
    const packets = decodeAll([...(binaryEvent as Array<string | Buffer>), frame, ...(chat as string[]), frame]);
    assert.deepEqual(
      packets.map((packet) => packet.data[0]),
      ['y', 'y', 'chat:send', 'y'],
    );
    // The attachment after a header is the attachment, even though it is binary.
    assert.deepEqual([...(packets[0]!.data[1] as Uint8Array)], [1, 2, 3]);
    assert.deepEqual([...(packets[1]!.data[1] as Uint8Array)], [7]);
    assert.equal(packets[2]!.id, 4);
  });

  it('refuses binary data that is not a frame (Socket.IO then closes the connection)', () => {
    assert.throws(() => decodeAll([new Uint8Array([1, 2, 3])]), /not a frame/);
    assert.throws(() => decodeAll([new Uint8Array([FRAME_MARK, 9, 1])]), /not a frame/);
    assert.throws(() => decodeAll([new Uint8Array([FRAME_MARK])]), /not a frame/);
  });
});

describe('binary frames on the wire', () => {
  let backend: BackendHandle;
  const sockets: Socket[] = [];
  const providers: SocketYjsProvider[] = [];
  // Everything is closed here, so a failing assertion cannot leave a client reconnecting forever.
  const connectClient = (...args: Parameters<typeof connectProvider>) => {
    const provider = connectProvider(...args);
    providers.push(provider);
    return provider;
  };
  before(async () => {
    backend = await startTestBackend();
  });
  after(async () => {
    for (const socket of sockets) socket.disconnect();
    for (const provider of providers) provider.destroy();
    await backend.close();
  });

  /** Every engine.io message a client receives, as it arrived. */
  function recordIncoming(socket: Socket): Array<string | Uint8Array> {
    const received: Array<string | Uint8Array> = [];
    const record = () =>
      socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
        if (packet.type !== 'message') return;
        received.push(typeof packet.data === 'string' ? packet.data : new Uint8Array(packet.data as ArrayBuffer));
      });
    if (socket.io.engine) record();
    else socket.io.once('open', record);
    return received;
  }

  it('carries edits between two providers as one frame each, both ways', async () => {
    const session = await createSession(backend);
    const ivy = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const cara = connectClient(backend, { sessionId: session.id, name: 'Cara' });
    const caraIncoming = recordIncoming(cara.socket);
    const ivyOutgoing: unknown[] = [];
    ivy.socket.io.on('open', () =>
      ivy.socket.io.engine.on(
        'packetCreate',
        (packet: { type: string; data?: unknown }) => packet.type === 'message' && ivyOutgoing.push(packet.data),
      ),
    );
    await Promise.all([waitSynced(ivy), waitSynced(cara)]);
    {
      const before = caraIncoming.length;
      ivy.doc.getText('code').insert(0, '# framed\n');
      await waitFor(() => codeOf(cara).startsWith('# framed'), { what: 'edit delivered' });
      const arrived = caraIncoming.slice(before);
      const frames = arrived.filter((message) => typeof message !== 'string' && message[0] === FRAME_MARK);
      assert.ok(frames.length >= 1, 'the edit arrived as a frame');
      assert.ok(
        !arrived.some((message) => typeof message === 'string' && message.startsWith('51-')),
        'no default binary-event header for it',
      );
      assert.ok(
        ivyOutgoing.some((data) => data instanceof Uint8Array && data[0] === FRAME_MARK),
        'the sender wrote a frame',
      );
      // Asked for in the query, never in `auth`: an older server's strict auth schema would refuse it.
      const auth = await new Promise<Record<string, unknown>>((resolve) =>
        (cara.socket.auth as (callback: (data: object) => void) => void)((data) => resolve(data as Record<string, unknown>)),
      );
      assert.deepEqual(Object.keys(auth).sort(), ['generation', 'name', 'protocolVersion', 'sessionId']);
      assert.equal((cara.socket.io.opts.query as Record<string, string>).binaryFrames, '1');
      cara.doc.getText('code').insert(0, '# back\n');
      await waitFor(() => codeOf(ivy).startsWith('# back'), { what: 'edit delivered back' });
    }
  });

  it('keeps the default framing for a client that did not ask for frames, in the same room', async () => {
    const session = await createSession(backend);
    const ivy = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    await waitSynced(ivy);
    // A plain Socket.IO client (default parser, no `binaryFrames` in its auth).
    const plain = io(backend.url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { sessionId: session.id, name: 'Plain' },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(plain);
    const updates: Uint8Array[] = [];
    plain.on('y', (message: ArrayBuffer | Uint8Array) => updates.push(new Uint8Array(message)));
    let welcome: { binaryFrames?: boolean } | undefined;
    plain.once('session:welcome', (message: { binaryFrames?: boolean }) => {
      welcome = message;
    });
    await waitFor(() => welcome, { what: 'welcome' });
    assert.equal(welcome?.binaryFrames, true, 'the server says it reads frames');
    ivy.doc.getText('code').insert(0, '# for plain\n');
    await waitFor(() => updates.length > 0 && updates.some((message) => message[0] === MESSAGE_SYNC), {
      what: 'the plain client got Yjs messages as default events',
    });
    // And its own default-framed edit reaches the provider.
    const doc = new Y.Doc();
    doc.getText('code').insert(0, '# from plain\n');
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(doc));
    plain.emit('y', encoding.toUint8Array(encoder));
    await waitFor(() => codeOf(ivy).includes('# from plain'), { what: 'default-framed edit applied' });
  });

  it('answers a well-framed but malformed Yjs message with INVALID_MESSAGE, and a stray binary message by closing that connection only', async () => {
    const session = await createSession(backend);
    const ivy = connectClient(backend, { sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    await waitSynced(ivy);
    const mallory = io(backend.url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { sessionId: session.id, name: 'Mallory' },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(mallory);
    let welcomed = false;
    mallory.once('session:welcome', () => {
      welcomed = true;
    });
    await waitFor(() => welcomed, { what: 'welcome' });
    const errors: ErrorBody[] = [];
    mallory.on('room:error', (error: ErrorBody) => errors.push(error));
    mallory.io.engine.write(encodeBinaryFrame('y', new Uint8Array([MESSAGE_SYNC, 2, 200, 1, 2, 3])));
    await waitFor(() => errors.length > 0, { what: 'room:error' });
    assert.equal(errors[0]?.code, 'INVALID_MESSAGE');
    const codeBefore = codeOf(ivy);
    let disconnected = false;
    mallory.once('disconnect', () => {
      disconnected = true;
    });
    mallory.io.engine.write(new Uint8Array([1, 2, 3]));
    await waitFor(() => disconnected, { what: 'stray binary message closes the connection' });
    // The room and the other participant are untouched.
    assert.equal(codeOf(ivy), codeBefore);
    ivy.doc.getText('code').insert(0, '# still fine\n');
    const cara = connectClient(backend, { sessionId: session.id, name: 'Cara' });
    await waitSynced(cara);
    await waitFor(() => codeOf(cara).startsWith('# still fine'), { what: 'room still serves' });
  });
});
