import type { LanguageId, RoomDocumentName } from '@pairpad/protocol';
import type { Room } from './room';
import type { RoomConnection } from './room-connection';
import type { RunControl } from '@pairpad/protocol';

/** Origin of changes that came from another backend node: sent to local connections, never relayed back. */
export const REMOTE_ORIGIN = Symbol('remote node');

/**
 * A side concern of a room (relay to other nodes, session touches, persistence of the end and
 * the language, metrics), in the manner of Hocuspocus's extensions: the room calls each hook it
 * defines, in order, and a throwing hook is reported without stopping the others.
 */
export interface RoomExtension {
  /** For logs. */
  readonly name: string;
  /** The room was created; resolve once it holds the shared state (it is opened once, before anyone joins). */
  onLoad?(room: Room): Promise<void> | void;
  /** A change made on this node to one of the room's documents (not one relayed from another node). */
  onLocalUpdate?(room: Room, document: RoomDocumentName, update: Uint8Array): void;
  /** An encoded awareness update made on this node (joins, cursor moves, leaves). */
  onLocalAwareness?(room: Room, update: Uint8Array): void;
  /**
   * This node's participants are still connected (every PRESENCE_VOUCH_INTERVAL_MS while there
   * are any): an awareness update of their current states. Nobody renews presence any more, so
   * this is what keeps other nodes from timing them out.
   */
  onPresenceKeepalive?(room: Room, presence: Uint8Array): void;
  /** The document or presence changed (frequent: throttle in the hook). */
  onActivity?(room: Room): void;
  onConnect?(room: Room, connection: RoomConnection): void;
  onDisconnect?(room: Room, connection: RoomConnection): void;
  onLanguageChange?(room: Room, language: LanguageId): void;
  /** Console input, end of input or a stop for one of the room's runs, typed on any node. */
  onConsoleControl?(room: Room, jobId: string, control: RunControl): void;
  /** The interview was ended on this node (other nodes learn it through the replicated state). */
  onEnd?(room: Room, endedAt: number): void;
  /** The room is going; `purge`: its session is gone, so is its shared state. */
  onClose?(room: Room, options: { purge: boolean }): void;
}

type HookName = {
  [K in keyof RoomExtension]-?: NonNullable<RoomExtension[K]> extends (...args: never[]) => unknown ? K : never;
}[keyof RoomExtension];
export type HookArgs<K extends HookName> = NonNullable<RoomExtension[K]> extends (room: Room, ...args: infer A) => unknown ? A : never;

/** Runs one hook on every extension; errors go to `onError`. */
export function runHook<K extends Exclude<HookName, 'onLoad'>>(
  extensions: readonly RoomExtension[],
  hook: K,
  room: Room,
  args: HookArgs<K>,
  onError: (error: unknown, context: string) => void,
): void {
  for (const extension of extensions) {
    const fn = extension[hook] as ((room: Room, ...rest: HookArgs<K>) => void) | undefined;
    if (!fn) continue;
    try {
      fn.call(extension, room, ...args);
    } catch (error) {
      onError(error, `${extension.name} ${hook}`);
    }
  }
}
