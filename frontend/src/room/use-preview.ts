'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SocketYjsProvider } from '@pairpad/client';
import type { PreviewAddress, PreviewStatus } from '@pairpad/protocol';
import { useRoomRequest } from './use-room-request';

export interface PreviewRoomState {
  /** The room's live preview as everyone sees it; `off` until the server says otherwise. */
  status: PreviewStatus;
  /** A start or stop is on its way. */
  busy: boolean;
  /** Why the last request was refused, in words. */
  error: string | null;
  start(template: string): Promise<void>;
  stop(): Promise<void>;
  /** This participant's signed address of the running preview (fresh each call), or null with `error` set. */
  open(): Promise<PreviewAddress | null>;
}

const OFF: PreviewStatus = { state: 'off', at: 0 };

/** The room's live preview (`preview:status`, sent at join and on every change). Used by useRoom only. */
export function usePreview(provider: SocketYjsProvider | null): PreviewRoomState {
  const [status, setStatus] = useState<PreviewStatus>(OFF);
  const { pending: busy, error, setError, send } = useRoomRequest(provider);

  useEffect(() => {
    setStatus(OFF);
    if (!provider) return;
    const onStatus = (next: PreviewStatus) => setStatus(next);
    provider.socket.on('preview:status', onStatus);
    return () => {
      provider.socket.off('preview:status', onStatus);
    };
  }, [provider]);

  const start = useCallback((template: string) => send('preview:start', { template }, (ack) => setStatus(ack.preview)), [send]);
  const stop = useCallback(() => send('preview:stop', {}, (ack) => setStatus(ack.preview)), [send]);

  const open = useCallback(async () => {
    if (!provider) return null;
    const ack = await provider.request('preview:open', {});
    if (ack.ok) return { url: ack.url, expiresAt: ack.expiresAt };
    setError(ack.error.message);
    return null;
  }, [provider, setError]);

  return useMemo(() => ({ status, busy, error, start, stop, open }), [status, busy, error, start, stop, open]);
}
