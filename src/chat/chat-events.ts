// What the chat service publishes after a change is persisted. The realtime hub subscribes; the
// chat domain never knows who listens.
import { EventEmitter } from 'node:events';
import type { MemberView, MessageView, Person, RoomSummary } from '../shared/protocol.js';

export interface ChatEventMap {
  message: [MessageView];
  members: [roomId: string, members: MemberView[]];
  'room-created': [RoomSummary];
  'room-updated': [RoomSummary];
  'room-removed': [roomId: string];
  /** The owner removed a person from a room; their sockets must leave it. */
  kicked: [roomId: string, personId: string, reason: string];
  /** A person's details changed (a new nickname); sockets of that person should use them. */
  'person-updated': [Person];
}

export class ChatEvents extends EventEmitter<ChatEventMap> {}
