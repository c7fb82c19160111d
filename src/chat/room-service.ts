// Rooms: creating, listing, unlocking with a password, changing it, and deleting.
import { LIMITS, type Person, type RoomSummary } from '../shared/protocol.js';
import { deleteRoomMessages } from '../store/message-repository.js';
import {
  deleteRoomRecord,
  findRoom,
  insertRoom,
  listRooms,
  setRoomPasswordHash,
  type RoomRecord,
} from '../store/room-repository.js';
import { ChatError } from './chat-error.js';
import type { ChatEvents } from './chat-events.js';
import { cleanLine } from './text-hygiene.js';
import type { PresenceStore } from './presence-store.js';
import type { GifStore } from './uploaded-gifs.js';
import type { RoomAccess } from './room-access.js';
import { hashPassword, passwordMatches } from './room-password.js';
import { toRoomSummary } from './views.js';

export type { RoomRecord } from '../store/room-repository.js';

export interface NewRoomInput {
  title: string;
  max: number;
  password: string;
}

const PASSWORD_MAX_CHARS = 128;

export class RoomService {
  constructor(
    private readonly events: ChatEvents,
    private readonly presence: PresenceStore,
    private readonly access: RoomAccess,
    private readonly gifs: GifStore,
    readonly maxMembers: number,
  ) {}

  async create(input: NewRoomInput, owner: Person): Promise<RoomRecord> {
    const title = cleanLine(input.title);
    if (title.length < 1 || title.length > LIMITS.titleMaxChars) {
      throw new ChatError('invalid', `Title must be 1–${LIMITS.titleMaxChars} characters.`);
    }
    if (!Number.isInteger(input.max) || input.max < 2 || input.max > this.maxMembers) {
      throw new ChatError('invalid', `Max members must be a whole number from 2 to ${this.maxMembers}.`);
    }
    const passwordHash = await this.hashOrNull(input.password);
    const room = await insertRoom({ title, max: input.max, passwordHash, owner });
    this.events.publish('room-created', this.summary(room));
    return room;
  }

  async list(): Promise<RoomSummary[]> {
    const rooms = await listRooms();
    return rooms.map((r) => this.summary(r));
  }

  summary(room: RoomRecord): RoomSummary {
    return toRoomSummary(room, this.presence.count(room.id));
  }

  async require(roomId: string): Promise<RoomRecord> {
    const room = await findRoom(roomId);
    if (!room) throw new ChatError('not_found', 'There is no such room; it may have been deleted.');
    return room;
  }

  /** The owner sets a new password (the room becomes private) or removes it with an empty one. */
  async changePassword(room: RoomRecord, person: Person, password: string): Promise<RoomRecord> {
    this.access.requireOwner(room, person, 'change the password');
    const passwordHash = await this.hashOrNull(password);
    await setRoomPasswordHash(room.id, passwordHash);
    const changed = { ...room, passwordHash };
    this.events.publish('room-updated', this.summary(changed));
    return changed;
  }

  private async hashOrNull(password: string): Promise<string | null> {
    if (password.length > PASSWORD_MAX_CHARS) {
      throw new ChatError('invalid', `Password must be at most ${PASSWORD_MAX_CHARS} characters.`);
    }
    return password ? hashPassword(password) : null;
  }

  async unlock(room: RoomRecord, attempt: string): Promise<void> {
    if (room.passwordHash === null) return;
    if (attempt.length > PASSWORD_MAX_CHARS || !(await passwordMatches(room.passwordHash, attempt))) {
      throw new ChatError('wrong_password', 'That password is not right.');
    }
  }

  async deleteByOwner(roomId: string, person: Person): Promise<void> {
    const room = await this.require(roomId);
    this.access.requireOwner(room, person, 'delete this room');
    await this.remove(room.id);
  }

  /** Deletes a room, its messages and its GIF files, and tells everyone. */
  async remove(roomId: string): Promise<void> {
    const files = await deleteRoomMessages(roomId);
    await deleteRoomRecord(roomId);
    await this.presence.forget(roomId);
    this.access.forget(roomId);
    await this.gifs.remove(files);
    this.events.publish('room-removed', roomId);
  }
}
