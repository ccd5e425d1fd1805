import { AppError } from '@pairpad/protocol';
import type { RoomPreviews } from '../previews';
import type { ClientEventHandlers } from './bind-events';
import type { SocketContext } from './socket-server';

/** `preview:start`, `preview:stop`, `preview:open`, handed to the room's preview (previews/room-previews.ts). */
export function previewHandlers(
  previews: RoomPreviews | undefined,
): Pick<ClientEventHandlers<SocketContext>, 'preview:start' | 'preview:stop' | 'preview:open'> {
  const require = (): RoomPreviews => {
    if (!previews) throw new AppError('PREVIEW_UNAVAILABLE', 'This server offers no previews.');
    return previews;
  };
  return {
    'preview:start': async ({ room, connection }, { template }) => ({ preview: await require().start(room, connection, template) }),
    'preview:stop': async ({ room, connection }) => ({ preview: await require().stopBy(room, connection) }),
    'preview:open': ({ room }) => require().open(room),
  };
}
