/**
 * A deterministic in-memory network of backend nodes and clients around the real `Room` (no
 * sockets, no Redis, no timers): every message between a client and its node, and every relayed
 * update between nodes, waits in a per-link FIFO queue until the test delivers it, in an order
 * drawn from a seeded PRNG. Links keep their order (as a socket and a Redis channel do); which
 * link goes next is what the seed decides. The same seed replays the same run exactly (the trace
 * of deliveries is returned so a test can prove it).
 *
 * Modelled on tldraw's in-memory test server with hand-flushed messages.
 */
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AppError, MESSAGE_SYNC, NOTES_DOC, NOTES_EVENT, ROOM_DOC, type Role, type RoomDocumentName } from '@pairpad/protocol';
import { Room, type RoomConnection, type RoomExtension, type RoomNotice } from '../../src/rooms';
import { seededRandom } from '../helpers/wait-for';

const GENERATION = '00000000-0000-4000-8000-000000000001';
const SESSION_ID = '00000000-0000-4000-8000-000000000002';

interface Message {
  describe: string;
  deliver(): void;
}

export interface NetworkClient {
  name: string;
  role: Role;
  node: number;
  doc: Y.Doc;
  /** Interviewers only: their copy of the private notes. */
  notes: Y.Doc | null;
  connection: RoomConnection;
  notices: RoomNotice[];
  /** Error codes of the updates its node refused. */
  refusals: string[];
}

export class RoomNetwork {
  readonly random: () => number;
  readonly nodes: Room[] = [];
  readonly clients: NetworkClient[] = [];
  /** Every delivery, in order: the same seed yields the same trace. */
  readonly trace: string[] = [];
  private readonly links = new Map<string, Message[]>();
  private clock = 1_000_000;

  constructor(
    readonly seed: number,
    nodeCount: number,
  ) {
    this.random = seededRandom(seed);
    for (let index = 0; index < nodeCount; index++) this.nodes.push(this.createNode(index));
    for (const room of this.nodes) void room.open();
  }

  /** The shared fake clock (every node reads the same time, so their answers can be compared exactly). */
  now = (): number => this.clock;

  tick(ms = 100): void {
    this.clock += ms;
  }

  get pending(): number {
    let total = 0;
    for (const queue of this.links.values()) total += queue.length;
    return total;
  }

  /** Delivers the head of one non-empty link, chosen by the seed. False when nothing waits. */
  deliverOne(): boolean {
    const ready = [...this.links.entries()]
      .filter(([, queue]) => queue.length > 0)
      .map(([link]) => link)
      .sort();
    if (ready.length === 0) return false;
    const link = ready[Math.floor(this.random() * ready.length)]!;
    const message = this.links.get(link)!.shift()!;
    this.trace.push(`${link} ${message.describe}`);
    message.deliver();
    return true;
  }

  /** Delivers until every queue is empty (bounded, so a message storm fails instead of hanging). */
  flush(limit = 100_000): void {
    for (let i = 0; i < limit; i++) if (!this.deliverOne()) return;
    throw new Error(`seed ${this.seed}: the network did not quiesce after ${limit} deliveries`);
  }

  join(name: string, role: Role, node: number): NetworkClient {
    const doc = new Y.Doc();
    doc.clientID = this.clientId();
    const notes = role === 'interviewer' ? new Y.Doc() : null;
    if (notes) notes.clientID = this.clientId();
    const link = `${name}<-${node}`;
    const client: NetworkClient = {
      name,
      role,
      node,
      doc,
      notes,
      notices: [],
      refusals: [],
      connection: {
        id: name,
        role,
        name,
        send: (message) => this.enqueue(link, 'y', () => this.clientReceives(client, message)),
        notify: (notice) => this.enqueue(link, notice.type, () => this.clientNotified(client, notice)),
        close: () => undefined,
      },
    };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'server') return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      this.toServer(client, encoding.toUint8Array(encoder));
    });
    notes?.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'server') return;
      const encoder = encoding.createEncoder();
      syncProtocol.writeUpdate(encoder, update);
      this.toServerNotes(client, encoding.toUint8Array(encoder));
    });
    this.clients.push(client);
    const room = this.nodes[node]!;
    room.join(client.connection);
    // As the provider does on welcome: send our state vector, the server answers what we lack.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, doc);
    this.toServer(client, encoding.toUint8Array(encoder));
    return client;
  }

  /** The node's document text, as its clients would read it. */
  code(node: number): string {
    return this.nodes[node]!.code;
  }

  destroy(): void {
    for (const room of this.nodes) room.destroy();
    for (const client of this.clients) {
      client.doc.destroy();
      client.notes?.destroy();
    }
  }

  private clientId(): number {
    return 1 + Math.floor(this.random() * 0x7ffffffe);
  }

  private createNode(index: number): Room {
    const relay: RoomExtension = {
      name: `memory-relay-${index}`,
      onLocalUpdate: (_room, document: RoomDocumentName, update: Uint8Array) => {
        for (let other = 0; other < this.nodes.length; other++) {
          if (other === index) continue;
          this.enqueue(`${index}->${other}`, document, () => this.nodes[other]!.applyRemoteUpdate(update, document));
        }
      },
    };
    const room = new Room({
      sessionId: SESSION_ID,
      generation: GENERATION,
      language: 'python',
      initialLanguage: 'python',
      maxDocumentBytes: 1024 * 1024,
      extensions: [relay],
      interview: { now: this.now, edits: { flushIntervalMs: 60 * 60_000 } },
      onError: (error) => {
        throw error;
      },
    });
    // Deterministic Yjs client ids: concurrent writes resolve the same way on every replay.
    room.doc.clientID = this.clientId();
    room.interview.state.yjsClientId = this.clientId();
    room.interview.notes.doc.clientID = this.clientId();
    return room;
  }

  private enqueue(link: string, describe: string, deliver: () => void): void {
    let queue = this.links.get(link);
    if (!queue) this.links.set(link, (queue = []));
    queue.push({ describe, deliver });
  }

  private toServer(client: NetworkClient, message: Uint8Array): void {
    this.enqueue(`${client.name}->${client.node}`, 'y', () => {
      try {
        this.nodes[client.node]!.handleMessage(client.connection, message);
      } catch (error) {
        client.refusals.push(error instanceof AppError ? error.code : String(error));
      }
    });
  }

  private toServerNotes(client: NetworkClient, message: Uint8Array): void {
    this.enqueue(`${client.name}->${client.node}`, NOTES_EVENT, () => {
      try {
        this.nodes[client.node]!.interview.handleNotes(client.connection, message);
      } catch (error) {
        client.refusals.push(error instanceof AppError ? error.code : String(error));
      }
    });
  }

  private clientReceives(client: NetworkClient, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.readSyncMessage(decoder, encoder, client.doc, 'server');
    if (encoding.length(encoder) > 1) this.toServer(client, encoding.toUint8Array(encoder));
  }

  private clientNotified(client: NetworkClient, notice: RoomNotice): void {
    client.notices.push(notice);
    if (notice.type !== NOTES_EVENT || !client.notes) return;
    const encoder = encoding.createEncoder();
    syncProtocol.readSyncMessage(decoding.createDecoder(notice.message), encoder, client.notes, 'server');
    if (encoding.length(encoder) > 0) this.toServerNotes(client, encoding.toUint8Array(encoder));
  }
}

/** Everything about a node's room that must be the same on every node once the network is quiet. */
export function roomFingerprint(room: Room): string {
  const { interview } = room;
  return JSON.stringify({
    code: room.code,
    stdin: room.doc.getText(ROOM_DOC.stdin).toString(),
    language: room.currentLanguage,
    state: interview.current,
    chat: interview.chat.list(),
    notes: interview.notes.doc.getText(NOTES_DOC.text).toString(),
    timeline: interview.timelineView(),
    report: interview.report({ title: null, createdAt: 0 }),
  });
}
