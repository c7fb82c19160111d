// Builds the chat domain: one event bus, presence, the room-access rules, and the message, room
// and membership services.
import type { LimiterFactory } from '../rate-limiters.js';
import { seedMessageIds } from '../store/message-repository.js';
import { allRoomIds } from '../store/room-repository.js';
import { ChatEvents } from './chat-events.js';
import { Membership } from './membership.js';
import { MessageService } from './message-service.js';
import { MemoryPresenceStore } from './memory-presence-store.js';
import type { PresenceFactory, PresenceStore } from './presence-store.js';
import { RoomAccess } from './room-access.js';
import { RoomService } from './room-service.js';
import type { GifStore } from './uploaded-gifs.js';

export interface ChatOptions {
  /** Where uploaded GIFs live; removing a room removes its GIFs from here. */
  gifs: GifStore;
  roomIdleMs: number;
  roomMaxMembers: number;
  presenceGraceMs: number;
  /** Chats and whispers one person may send per 10 s, whatever the path. */
  chatPer10s: number;
  /** The same for everyone from one address together. */
  chatPerIpPer10s: number;
  /** Where rate budgets count (memory, or Redis shared by every instance). */
  limiters: LimiterFactory;
  /** Where presence lives: this process's memory (default), or a store every instance shares. */
  presence?: PresenceFactory;
  onError: (err: unknown) => void;
}

export interface Chat {
  events: ChatEvents;
  presence: PresenceStore;
  access: RoomAccess;
  rooms: RoomService;
  messages: MessageService;
  membership: Membership;
  close(): void;
}

export async function createChat(opts: ChatOptions): Promise<Chat> {
  await seedMessageIds();
  const events = new ChatEvents();
  const messages = new MessageService(events);
  const makePresence = opts.presence ?? ((graceMs, onGone) => new MemoryPresenceStore(graceMs, onGone));
  const presence = makePresence(opts.presenceGraceMs, (roomId, person) => membership.gone(roomId, person));
  // Who is already present (on other instances) is known before any room's idle clock starts.
  await presence.start();
  const access = new RoomAccess(presence, {
    chatPer10s: opts.chatPer10s,
    chatPerIpPer10s: opts.chatPerIpPer10s,
    limiters: opts.limiters,
  });
  const rooms = new RoomService(events, presence, access, opts.gifs, opts.roomMaxMembers);
  const membership = new Membership(events, messages, presence, access, {
    idleMs: opts.roomIdleMs,
    removeRoom: (roomId) => rooms.remove(roomId),
    onError: opts.onError,
  });
  // A new room is empty until its creator's page joins it; if they never do, it is idle.
  events.on('room-created', (room) => membership.scheduleIdle(room.id));
  membership.scheduleIdleAll(await allRoomIds());
  const close = () => {
    membership.close();
    messages.close();
  };
  return { events, presence, access, rooms, messages, membership, close };
}
