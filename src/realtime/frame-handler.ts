// Acts on one validated inbound frame. Domain errors become error frames with a code; nothing a
// client sends can throw out of here.
import { ChatError, isDatabaseUnavailable, isDiskFull, type ChatErrorCode } from '../chat/chat-error.js';
import type { Chat } from '../chat/create-chat.js';
import type { Posted } from '../chat/message-service.js';
import type { ClientFrame, ErrorCode, ServerFrame } from '../shared/protocol.js';
import type { Client } from './client.js';
import { reply } from './reply.js';
import type { RoomRegistry } from './room-registry.js';
import type { SessionAccess } from './session-gate.js';

const CODES: Record<ChatErrorCode, ErrorCode> = {
  not_found: 'not_found',
  forbidden: 'forbidden',
  banned: 'forbidden',
  room_full: 'room_full',
  not_joined: 'not_joined',
  invalid: 'bad_frame',
  conflict: 'conflict',
  wrong_password: 'forbidden',
  rate_limited: 'rate_limited',
  unavailable: 'unavailable',
};

/** A refusal that belongs to the socket layer rather than the chat domain. */
class FrameError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class FrameHandler {
  constructor(
    private readonly chat: Chat,
    private readonly registry: RoomRegistry,
    private readonly sessions: SessionAccess,
    private readonly logError: (err: unknown) => void,
  ) {}

  async handle(client: Client, frame: ClientFrame): Promise<void> {
    try {
      await this.dispatch(client, frame);
    } catch (err) {
      const clientId = frame.type === 'chat' || frame.type === 'whisper' ? frame.clientId : undefined;
      reply(client, this.errorFrame(err, clientId));
    }
  }

  /**
   * A post is queued for storage in the order its frame arrived (the writer is first in, first
   * out) but not awaited: the socket's next frame is handled at once, so one socket's chats share
   * commits instead of each waiting for the one before. The ack, or the error, follows the commit.
   */
  private acknowledge(client: Client, clientId: string | undefined, posting: Promise<Posted>): void {
    posting
      .then(
        (posted) => {
          if (clientId) reply(client, { type: 'ack', clientId, id: posted.message.id });
        },
        (err: unknown) => reply(client, this.errorFrame(err, clientId)),
      )
      .catch(this.logError);
  }

  private errorFrame(err: unknown, clientId: string | undefined): ServerFrame {
    const extra = clientId ? { clientId } : {};
    if (err instanceof ChatError) return { type: 'error', code: CODES[err.code], message: err.message, ...extra };
    if (err instanceof FrameError) return { type: 'error', code: err.code, message: err.message, ...extra };
    // The server's passing problem, not a bug: try again later, as over HTTP (503).
    if (isDiskFull(err)) {
      return {
        type: 'error',
        code: 'unavailable',
        message: 'The server is out of disk space; try again in a minute.',
        ...extra,
      };
    }
    if (isDatabaseUnavailable(err)) {
      return {
        type: 'error',
        code: 'unavailable',
        message: 'The database is unavailable; try again shortly.',
        ...extra,
      };
    }
    this.logError(err);
    return { type: 'error', code: 'internal', message: 'Something went wrong on our side.', ...extra };
  }

  private async dispatch(client: Client, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'lobby':
        this.registry.lobby.add(client);
        return;
      case 'join':
        return this.join(client, frame.roomId, frame.after);
      case 'leave':
        this.leave(client, frame.roomId);
        return;
      case 'chat': {
        // A chat needs no database read first: the socket is in the room only while the room
        // exists and lets it in (deletion, a kick or a leave take it out of the registry).
        const room = this.joinedRoomId(client, frame.roomId);
        await this.chat.access.takeChat(client.person.id, client.address);
        this.joinedRoomId(client, frame.roomId);
        this.acknowledge(
          client,
          frame.clientId,
          this.chat.messages.postChat(room, client.person, frame.text, frame.clientId),
        );
        return;
      }
      case 'whisper': {
        const room = await this.joinedRoom(client, frame.roomId);
        await this.chat.access.takeChat(client.person.id, client.address);
        this.joinedRoomId(client, frame.roomId);
        const to = this.member(room.id, frame.to);
        this.acknowledge(
          client,
          frame.clientId,
          this.chat.messages.postWhisper(room, client.person, to, frame.text, frame.clientId),
        );
        return;
      }
      case 'typing':
        await this.joinedRoom(client, frame.roomId);
        if (client.rooms.has(frame.roomId) && client.mayAnnounceTyping(frame.roomId)) {
          this.chat.events.publish('typing', frame.roomId, client.person);
        }
        return;
      case 'kick':
        return this.chat.membership.kick(await this.joinedRoom(client, frame.roomId), client.person, frame.userId);
      case 'delete':
        await this.chat.access.takeChat(client.person.id, client.address);
        await this.chat.deletion.delete(await this.joinedRoom(client, frame.roomId), client.person, frame.messageId);
        return;
      case 'transfer':
        return this.chat.membership.transfer(await this.joinedRoom(client, frame.roomId), client.person, frame.userId);
      case 'history': {
        await this.joinedRoom(client, frame.roomId);
        const boundary =
          client.catchUpBoundaries?.get(frame.roomId) ?? this.chat.messages.catchUpBoundary(frame.roomId);
        await this.catchUp(client, frame.roomId, frame.after, boundary);
        return;
      }
    }
  }

  /** A person present in the room (whispers go only to members). */
  private member(roomId: string, personId: string) {
    const person = this.chat.presence.members(roomId).find((p) => p.id === personId);
    if (!person) throw new FrameError('not_found', 'That person is not in this room.');
    return person;
  }

  private joinedRoomId(client: Client, roomId: string): { id: string } {
    if (!client.rooms.has(roomId)) throw new FrameError('not_joined', 'Join the room before sending to it.');
    // Kicked here, while the kick still takes the socket out of the room: refused as HTTP refuses it.
    if (this.chat.access.bannedHere(roomId, client.person.id)) {
      throw new FrameError('forbidden', 'The owner removed you from this room.');
    }
    return { id: roomId };
  }

  private async joinedRoom(client: Client, roomId: string) {
    return this.chat.rooms.require(this.joinedRoomId(client, roomId).id);
  }

  /**
   * Joins, and with `after` sends what was missed: the catch-up covers ids below the boundary taken
   * at the moment live messages start reaching this socket, and those live messages are held until
   * the catch-up is sent. Every message arrives once, in order.
   */
  private async join(client: Client, roomId: string, after: string | undefined): Promise<void> {
    const room = await this.chat.rooms.require(roomId);
    let boundary: number | undefined;
    let grants: Set<string> | undefined;
    if (!client.rooms.has(roomId)) {
      // Grants can be given after the socket opened (password entered in another tab): read afresh.
      const session = await this.sessions.load(client.sid);
      if (!session) throw new ChatError('forbidden', 'Your session has ended; reload the page.');
      // Closed while we read: its close handler has run and would never see this room.
      if (client.closed) return;
      grants = new Set(session.grants ?? []);
      // Where this instance's live delivery of the room stands must be known before the socket
      // is added, so that adding it and reading the boundary happen in one turn.
      await this.chat.messages.live(roomId);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- closed while awaiting
      if (client.closed) return;
      // The room's frames wait until the join is let in (and its catch-up sent): a join the shared
      // presence store refuses (a full room, a name taken) must not have seen any meanwhile.
      client.hold(roomId);
      this.registry.add(roomId, client);
      boundary = this.chat.messages.catchUpBoundary(roomId);
    }
    try {
      if (grants) {
        try {
          await this.chat.membership.join(room, client.person, grants, client.id);
        } catch (err) {
          this.registry.remove(roomId, client);
          throw err;
        }
      }
      // Closed or kicked while the join was stored: the close or the kick took it out again.
      if (!client.rooms.has(roomId)) return;
      reply(client, { type: 'joined', roomId, members: this.chat.membership.members(room) });
      if (after) await this.catchUp(client, roomId, after, boundary ?? this.chat.messages.catchUpBoundary(roomId));
    } finally {
      // Held frames go out only if the socket is still in the room (see Client.release).
      client.release(roomId);
    }
  }

  private async catchUp(client: Client, roomId: string, after: string, boundary: number): Promise<void> {
    const page = await this.chat.messages.after(roomId, client.person.id, after, boundary);
    // Kicked, or left, while the page was read: it is not theirs to see any more.
    if (!client.rooms.has(roomId)) return;
    if (page.hasMore) (client.catchUpBoundaries ??= new Map()).set(roomId, boundary);
    else client.catchUpBoundaries?.delete(roomId);
    reply(client, { type: 'catchup', roomId, messages: page.messages, more: page.hasMore });
  }

  leave(client: Client, roomId: string): void {
    client.catchUpBoundaries?.delete(roomId);
    if (this.registry.remove(roomId, client)) this.chat.membership.leave(roomId, client.person.id, client.id);
  }
}
