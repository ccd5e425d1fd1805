// The WebSocket the benches hand HocuspocusProvider (its WebSocketPolyfill option).
import WebSocket from 'ws';

export const socketErrors = { count: 0 };

/**
 * `ws` throws an unhandled 'error' when a socket is closed before it opened, which
 * HocuspocusProvider does when it retries a slow connection attempt (browsers only log it).
 * Counted in `socketErrors.count`.
 */
export class QuietWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.on('error', () => {
      socketErrors.count++;
    });
  }
}
