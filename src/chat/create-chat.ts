// Builds the chat domain: one event bus, the message, room and membership services.
import { seedMessageIds } from '../store/message-repository.js';
import { allRoomIds } from '../store/room-repository.js';
import { ChatEvents } from './chat-events.js';
import { Membership } from './membership.js';
import { MessageService } from './message-service.js';
import { RoomService } from './room-service.js';

export interface ChatOptions {
  uploadDir: string;
  roomIdleMs: number;
  roomMaxMembers: number;
  presenceGraceMs: number;
  onError: (err: unknown) => void;
}

export interface Chat {
  events: ChatEvents;
  rooms: RoomService;
  messages: MessageService;
  membership: Membership;
  close(): void;
}

export async function createChat(opts: ChatOptions): Promise<Chat> {
  await seedMessageIds();
  const events = new ChatEvents();
  const messages = new MessageService(events);
  const membership = new Membership(events, messages, {
    graceMs: opts.presenceGraceMs,
    idleMs: opts.roomIdleMs,
    onError: opts.onError,
  });
  const rooms = new RoomService(events, membership.presence, opts.uploadDir, opts.roomMaxMembers);
  membership.attach(rooms);
  // A new room is empty until its creator's page joins it; if they never do, it is idle.
  events.on('room-created', (room) => membership.scheduleIdle(room.id));
  membership.scheduleIdleAll(await allRoomIds());
  const close = () => {
    membership.close();
    messages.close();
  };
  return { events, rooms, messages, membership, close };
}
