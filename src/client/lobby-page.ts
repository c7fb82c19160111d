// The lobby: the server-rendered room list, kept current by room-created/updated/removed frames.
import type { RoomSummary, ServerFrame } from '../shared/protocol';
import { connectionBanner } from './connection-banner';
import { byId } from './dom';
import { startNicknameForm } from './nickname-form';
import { roomItem } from './room-list-view';
import { WsConnection } from './ws-connection';

export function startLobby(): void {
  const list = byId('room-list', HTMLUListElement);
  const empty = byId('rooms-empty', HTMLParagraphElement);

  const itemFor = (id: string) =>
    [...list.querySelectorAll<HTMLLIElement>('li[data-room-id]')].find((li) => li.dataset.roomId === id);
  const refreshEmpty = () => (empty.hidden = list.children.length > 0);
  startNicknameForm(() => undefined);

  function upsert(room: RoomSummary, prepend: boolean): void {
    const next = roomItem(room);
    const current = itemFor(room.id);
    if (current) {
      // Keep focus where it was if the reader is on this link.
      const hadFocus = current.contains(document.activeElement);
      current.replaceWith(next);
      if (hadFocus) next.querySelector('a')?.focus();
    } else if (prepend) list.prepend(next);
    else list.append(next);
    refreshEmpty();
  }

  function remove(roomId: string): void {
    itemFor(roomId)?.remove();
    refreshEmpty();
  }

  /** After an outage, events may have been missed: take the whole list afresh. */
  async function resync(): Promise<void> {
    const res = await fetch('/rooms', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) return;
    const body = (await res.json()) as { rooms: RoomSummary[] };
    list.replaceChildren(...body.rooms.map(roomItem));
    refreshEmpty();
  }

  const connection = new WsConnection({
    onOpen(reconnect) {
      connection.send({ type: 'lobby' });
      if (reconnect) void resync().catch(() => undefined);
    },
    onFrame(frame: ServerFrame) {
      switch (frame.type) {
        case 'room-created':
          upsert(frame.room, true);
          break;
        case 'room-updated':
          upsert(frame.room, false);
          break;
        case 'room-removed':
          remove(frame.roomId);
          break;
        default:
          break;
      }
    },
    onStatus: connectionBanner(),
  });
}
