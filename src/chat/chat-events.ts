// What the chat publishes after a change is persisted, and how it reaches every instance. The
// chat publishes; a transport carries each event to every instance (this one included: in one
// process it is handed straight back, with Redis it goes round through a channel); the receiving
// side puts messages in place order (room-order.ts) and emits everything to this process's
// listeners: the realtime hub, and the chat's own. The chat domain never knows who listens.
import { EventEmitter } from 'node:events';
import type { MemberView, MessageView, Person, RoomSummary } from '../shared/protocol.js';

export interface ChatEventMap {
  message: [MessageView];
  /** A place in the room that will stay empty (its message was a duplicate, or refused). */
  'place-skipped': [roomId: string, seq: number];
  members: [roomId: string, members: MemberView[]];
  'room-created': [RoomSummary];
  'room-updated': [RoomSummary];
  'room-removed': [roomId: string];
  /** The owner removed a person from a room; their sockets must leave it. */
  kicked: [roomId: string, personId: string, reason: string];
  /** A person's details changed (a new nickname); sockets of that person should use them. */
  'person-updated': [Person];
  /** Someone in the room is typing; everyone else in it may be told. */
  typing: [roomId: string, person: Person];
}

export type ChatEventName = keyof ChatEventMap;

/** Carries events between instances. */
export interface EventTransport {
  /** Sends an event to every instance, this one included. */
  send(name: ChatEventName, args: unknown[]): void;
  /**
   * Starts handing over what any instance sent, in the order received; `resynced` is called when
   * events may have been missed (the connection to the other instances was lost and is back).
   */
  listen(received: (name: ChatEventName, args: unknown[]) => void, resynced: () => void): Promise<void>;
  close(): Promise<void>;
}

/** One process: every event is handed straight back, in the turn it was sent. */
export function inProcessTransport(): EventTransport {
  let deliver: ((name: ChatEventName, args: unknown[]) => void) | undefined;
  return {
    send: (name, args) => deliver?.(name, args),
    listen: (received) => {
      deliver = received;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

export class ChatEvents extends EventEmitter<ChatEventMap> {
  constructor(private readonly transport: EventTransport = inProcessTransport()) {
    super();
  }

  /** Sends an event to every instance's listeners. */
  publish<K extends ChatEventName>(name: K, ...args: ChatEventMap[K]): void {
    this.transport.send(name, args);
  }
}
