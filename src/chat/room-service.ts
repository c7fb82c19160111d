// Rooms: creating, listing, entering (password and capacity rules) and deleting.
import { LIMITS, type RoomSummary } from '../shared/protocol.js';
import { deleteRoomMessages } from '../store/message-repository.js';
import { removeGifFiles } from '../store/gif-files.js';
import {
  deleteRoomRecord,
  findRoom,
  insertRoom,
  listRooms,
  type Person,
  type RoomRecord,
} from '../store/room-repository.js';
import { ChatError } from './chat-error.js';
import type { ChatEvents } from './chat-events.js';
import { cleanLine } from './identity.js';
import type { Presence } from './presence.js';
import { hashPassword, passwordMatches } from './room-password.js';
import { toRoomSummary } from './views.js';

export interface NewRoomInput {
  title: string;
  max: number;
  password: string;
}

/** The rooms a visitor has unlocked with a password, as remembered in their session. */
export type Grants = ReadonlySet<string>;

export class RoomService {
  constructor(
    private readonly events: ChatEvents,
    private readonly presence: Presence,
    private readonly uploadDir: string,
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
    if (input.password.length > 128) throw new ChatError('invalid', 'Password must be at most 128 characters.');
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const room = await insertRoom({ title, max: input.max, passwordHash, owner });
    this.events.emit('room-created', this.summary(room));
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

  canAccess(room: RoomRecord, person: Person, grants: Grants): boolean {
    return room.passwordHash === null || room.owner.id === person.id || grants.has(room.id);
  }

  /** Refuses entry when the visitor lacks access or the room is full (someone already in may stay). */
  checkEntry(room: RoomRecord, person: Person, grants: Grants): void {
    if (room.banned.includes(person.id)) {
      throw new ChatError('banned', 'The owner removed you from this room.');
    }
    if (!this.canAccess(room, person, grants)) {
      throw new ChatError('forbidden', 'This room is private; enter its password first.');
    }
    const count = this.presence.count(room.id);
    if (count >= room.max && !this.presence.has(room.id, person.id)) {
      throw new ChatError('room_full', `This room is full (${count}/${room.max}).`);
    }
  }

  async unlock(room: RoomRecord, attempt: string): Promise<void> {
    if (room.passwordHash === null) return;
    if (attempt.length > 128 || !(await passwordMatches(room.passwordHash, attempt))) {
      throw new ChatError('wrong_password', 'That password is not right.');
    }
  }

  async deleteByOwner(roomId: string, person: Person): Promise<void> {
    const room = await this.require(roomId);
    if (room.owner.id !== person.id) throw new ChatError('forbidden', 'Only the owner can delete this room.');
    await this.remove(room.id);
  }

  /** Deletes a room, its messages and its GIF files, and tells everyone. */
  async remove(roomId: string): Promise<void> {
    const files = await deleteRoomMessages(roomId);
    await deleteRoomRecord(roomId);
    this.presence.forget(roomId);
    await removeGifFiles(this.uploadDir, files);
    this.events.emit('room-removed', roomId);
  }
}
