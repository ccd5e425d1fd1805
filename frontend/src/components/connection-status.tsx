import type { ConnectionStatus as Status } from '@pairpad/client';

const LABEL: Record<Status, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Closed',
};

/** Connection state in words and as a colored dot. */
export function ConnectionStatus({ status }: { status: Status }) {
  return (
    <span className={`connection connection-${status}`} role="status" aria-live="polite" data-testid="connection-status">
      <span className="dot" aria-hidden="true" />
      {LABEL[status]}
    </span>
  );
}
