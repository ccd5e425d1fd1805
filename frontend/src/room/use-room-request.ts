'use client';

import { useCallback, useState } from 'react';
import type { SocketYjsProvider } from '@pairpad/client';
import type { ClientEventAck, ClientEventName, ClientEventPayload } from '@pairpad/protocol';

export interface RoomRequest {
  /** A request sent through `send` is on its way. */
  pending: boolean;
  /** Why the last request was refused, in words; null after an accepted one. */
  error: string | null;
  setError(error: string | null): void;
  /** Sends `event` (nothing without a provider): `accepted` takes the ack's fields, a refusal becomes `error`. */
  send<E extends ClientEventName>(event: E, payload: ClientEventPayload<E>, accepted: (ack: ClientEventAck<E>) => void): Promise<void>;
}

/** One home for a room action the page waits on (start a run, a test run, a preview): pending, then accepted or refused in words. */
export function useRoomRequest(provider: SocketYjsProvider | null): RoomRequest {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = useCallback(
    async <E extends ClientEventName>(event: E, payload: ClientEventPayload<E>, accepted: (ack: ClientEventAck<E>) => void) => {
      if (!provider) return;
      setPending(true);
      setError(null);
      try {
        const ack = await provider.request(event, payload);
        if (ack.ok) accepted(ack);
        else setError(ack.error.message);
      } finally {
        setPending(false);
      }
    },
    [provider],
  );
  return { pending, error, setError, send };
}
