'use client';

import { useEffect, useState } from 'react';
import type { PresenceStatus } from '@pairpad/protocol';

/** Without keyboard, pointer or scroll input for this long, a user shows as idle. */
export const IDLE_AFTER_MS = 60_000;
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart', 'focus'] as const;

/**
 * The local user's presence: `away` while the tab is hidden, `idle` after a minute without input,
 * `active` otherwise. Activity events only reset a timer, so pointer moves stay cheap.
 */
export function usePresence(idleAfterMs: number = IDLE_AFTER_MS): PresenceStatus {
  const [status, setStatus] = useState<PresenceStatus>('active');

  useEffect(() => {
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let lastReset = 0;
    const evaluate = () => {
      if (document.visibilityState === 'hidden') {
        clearTimeout(idleTimer);
        setStatus('away');
        return;
      }
      setStatus('active');
      clearTimeout(idleTimer);
      lastReset = Date.now();
      idleTimer = setTimeout(() => setStatus('idle'), idleAfterMs);
    };
    const onActivity = () => {
      // Resetting the timer at most once a second is plenty for a one-minute threshold.
      if (Date.now() - lastReset < 1_000) return;
      evaluate();
    };
    evaluate();
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, onActivity, { passive: true, capture: true });
    document.addEventListener('visibilitychange', evaluate);
    return () => {
      clearTimeout(idleTimer);
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, onActivity, { capture: true });
      document.removeEventListener('visibilitychange', evaluate);
    };
  }, [idleAfterMs]);

  return status;
}
