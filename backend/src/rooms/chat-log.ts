import { randomUUID } from 'node:crypto';
import { CHAT_HISTORY_LIMIT, type ChatMessage, type Role } from '../protocol';

/**
 * The room's chat, kept in memory for the room's lifetime. Bounded: past the limit the oldest
 * messages go, so a chatty (or hostile) room cannot grow without end.
 */
export class ChatLog {
  private readonly messages: ChatMessage[] = [];

  constructor(
    private readonly limit = CHAT_HISTORY_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds a message whose text the caller has already validated (ChatSendSchema). */
  post(author: { name: string; role: Role }, text: string): ChatMessage {
    const message: ChatMessage = { id: randomUUID(), at: this.now(), name: author.name, role: author.role, text };
    this.messages.push(message);
    if (this.messages.length > this.limit) this.messages.splice(0, this.messages.length - this.limit);
    return message;
  }

  list(): ChatMessage[] {
    return [...this.messages];
  }
}
