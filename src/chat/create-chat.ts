// Builds the chat domain: one event bus, presence, the room-access rules, and the message, room
// and membership services.
import type { MessageView } from '../shared/protocol.js';
import type { LimiterFactory } from '../rate-limiters.js';
import { seedMessageIds } from '../store/message-repository.js';
import { allRoomIds } from '../store/room-repository.js';
import { ChatEvents, inProcessTransport, type ChatEventName, type EventTransport } from './chat-events.js';
import { Membership } from './membership.js';
import { MessageDeletion } from './message-deletion.js';
import { MessageService } from './message-service.js';
import { MemoryPresenceStore } from './memory-presence-store.js';
import type { PresenceFactory, PresenceStore } from './presence-store.js';
import { RoomAccess } from './room-access.js';
import { RoomOrder } from './room-order.js';
import { LocalRoomSequence, type RoomSequence } from './room-sequence.js';
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
  /** How events reach every instance (default: this process only). */
  transport?: EventTransport;
  /** Where rooms' places are taken (default: counted by this process). */
  sequence?: RoomSequence;
  /** How long a missing place may hold back a room's later messages (see RoomOrder). */
  gapMs?: number;
  giveUpMs?: number;
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
  deletion: MessageDeletion;
  close(): void;
}

export async function createChat(opts: ChatOptions): Promise<Chat> {
  await seedMessageIds();
  const transport = opts.transport ?? inProcessTransport();
  const events = new ChatEvents(transport);
  const order = new RoomOrder((message) => events.emit('message', message), {
    gapMs: opts.gapMs ?? 200,
    giveUpMs: opts.giveUpMs ?? 10_000,
    onError: opts.onError,
  });
  const sequence = opts.sequence ?? new LocalRoomSequence();
  const messages = new MessageService(events, sequence, order);
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
  events.on('room-removed', (roomId) => {
    order.forget(roomId);
    sequence.forget(roomId).catch(opts.onError);
  });
  await transport.listen(
    (name: ChatEventName, args: unknown[]) => {
      if (name === 'message') order.accept(args[0] as MessageView);
      else if (name === 'place-skipped') order.skip(args[0] as string, args[1] as number);
      else events.emit(name, ...(args as [never, never, never]));
    },
    () => order.resync(),
  );
  membership.scheduleIdleAll(await allRoomIds());
  const close = () => {
    membership.close();
    messages.close();
    order.close();
  };
  const deletion = new MessageDeletion(messages, access, opts.gifs, opts.onError);
  return { events, presence, access, rooms, messages, membership, deletion, close };
}
