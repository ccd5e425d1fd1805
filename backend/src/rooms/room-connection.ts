import type { Role, SessionClosed } from '../protocol';

/** What a room needs from a participant's connection; the transport (Socket.IO) implements it. */
export interface RoomConnection {
  readonly id: string;
  readonly role: Role;
  readonly name: string;
  /** Sends one binary y-protocols message to this participant only. */
  send(message: Uint8Array): void;
  /** Tells the participant why the room closed and drops the connection. */
  close(closed: SessionClosed): void;
}
