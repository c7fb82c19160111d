// Joining and leaving rooms: presence, join/leave system messages, member lists, and idle clean-up.
import type { MemberView } from '../shared/protocol.js';
import { LIMITS } from '../shared/protocol.js';
import {
  banFromRoom,
  findRoom,
  setRoomOwner,
  updateOwnerDetails,
  type Person,
  type RoomRecord,
} from '../store/room-repository.js';
import { ChatError } from './chat-error.js';
import { cleanLine } from './identity.js';
import type { ChatEvents } from './chat-events.js';
import { IdleReaper } from './idle-reaper.js';
import type { MessageService } from './message-service.js';
import { Presence } from './presence.js';
import type { Grants, RoomService } from './room-service.js';
import { toMemberViews } from './views.js';

export interface MembershipOptions {
  graceMs: number;
  idleMs: number;
  onError: (err: unknown) => void;
}

export class Membership {
  readonly presence: Presence;
  private readonly reaper: IdleReaper;
  private rooms!: RoomService;

  constructor(
    private readonly events: ChatEvents,
    private readonly messages: MessageService,
    private readonly opts: MembershipOptions,
  ) {
    this.presence = new Presence(opts.graceMs, (roomId, person) => this.gone(roomId, person));
    this.reaper = new IdleReaper(opts.idleMs, (roomId) => this.rooms.remove(roomId), opts.onError);
  }

  /** Rooms and membership depend on each other; the composition root ties the knot once. */
  attach(rooms: RoomService): void {
    this.rooms = rooms;
  }

  /** Starts a room's idle clock unless someone is in it. */
  scheduleIdle(roomId: string): void {
    if (this.presence.count(roomId) === 0) this.reaper.schedule(roomId);
  }

  /** After a restart nobody is in any room, so every room's idle clock starts. */
  scheduleIdleAll(roomIds: string[]): void {
    for (const id of roomIds) this.scheduleIdle(id);
  }

  /** Adds one connection of a person to a room, after the entry rules pass. */
  async join(room: RoomRecord, person: Person, grants: Grants): Promise<MemberView[]> {
    this.rooms.checkEntry(room, person, grants);
    this.reaper.cancel(room.id);
    if (this.presence.join(room.id, person)) {
      await this.messages.postSystem(room.id, { event: 'join', name: person.nickname });
      this.announce(room);
    }
    return this.members(room);
  }

  leave(roomId: string, personId: string): void {
    this.presence.leave(roomId, personId);
  }

  members(room: RoomRecord): MemberView[] {
    return toMemberViews(room, this.presence.members(room.id));
  }

  /**
   * Gives a person a new nickname: 1–24 characters, not used by anyone else in a room they are in.
   * Rooms they are in are told; rooms they own show the new name.
   */
  async rename(person: Person, rawNickname: string): Promise<Person> {
    const nickname = cleanLine(rawNickname);
    if (nickname.length < 1 || nickname.length > LIMITS.nicknameMaxChars) {
      throw new ChatError('invalid', `A nickname must be 1–${LIMITS.nicknameMaxChars} characters.`);
    }
    if (nickname === person.nickname) return person;
    const roomIds = this.presence.roomsOf(person.id);
    const taken = roomIds.some((roomId) =>
      this.presence.members(roomId).some((m) => m.id !== person.id && m.nickname.toLowerCase() === nickname.toLowerCase()),
    );
    if (taken) throw new ChatError('conflict', `Someone in your room is already called ${nickname}.`);
    const renamed = { ...person, nickname };
    this.presence.update(renamed);
    await updateOwnerDetails(renamed);
    this.events.emit('person-updated', renamed);
    for (const roomId of roomIds) {
      const room = await findRoom(roomId);
      if (!room) continue;
      await this.messages.postSystem(roomId, { event: 'rename', name: person.nickname, newName: nickname });
      this.announce(room);
    }
    return renamed;
  }

  /** The owner removes a member, who cannot come back into this room. */
  async kick(room: RoomRecord, actor: Person, targetId: string): Promise<void> {
    this.requireOwner(room, actor, 'remove members');
    if (targetId === actor.id) throw new ChatError('invalid', 'You cannot remove yourself; leave the room instead.');
    await banFromRoom(room.id, targetId);
    const target = this.presence.evict(room.id, targetId);
    const reason = 'The owner removed you from this room.';
    this.events.emit('kicked', room.id, targetId, reason);
    await this.messages.postSystem(room.id, { event: 'kick', name: target?.nickname ?? 'Someone' });
    this.announce(room);
    this.scheduleIdle(room.id);
  }

  /** The owner hands the room to another member who is in it. */
  async transfer(room: RoomRecord, actor: Person, targetId: string): Promise<void> {
    this.requireOwner(room, actor, 'hand the room on');
    const target = this.presence.members(room.id).find((p) => p.id === targetId);
    if (!target) throw new ChatError('invalid', 'The room can only be handed to someone who is in it.');
    await this.changeOwner(room, target);
    this.announce(room);
  }

  private requireOwner(room: RoomRecord, actor: Person, what: string): void {
    if (room.owner.id !== actor.id) throw new ChatError('forbidden', `Only the owner can ${what}.`);
  }

  private async changeOwner(room: RoomRecord, owner: Person): Promise<void> {
    await setRoomOwner(room.id, owner);
    room.owner = owner;
    await this.messages.postSystem(room.id, { event: 'owner', name: owner.nickname });
  }

  private announce(room: RoomRecord): void {
    this.events.emit('members', room.id, this.members(room));
    this.events.emit('room-updated', this.rooms.summary(room));
  }

  private gone(roomId: string, person: Person): void {
    void (async () => {
      const room = await findRoom(roomId);
      if (!room) return;
      await this.messages.postSystem(roomId, { event: 'leave', name: person.nickname });
      // When the owner is gone for good, the longest-present member takes over.
      const successor = this.presence.members(roomId)[0];
      if (room.owner.id === person.id && successor) await this.changeOwner(room, successor);
      this.announce(room);
      this.scheduleIdle(roomId);
    })().catch(this.opts.onError);
  }

  close(): void {
    this.presence.close();
    this.reaper.close();
  }
}
