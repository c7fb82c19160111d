// Joining and leaving rooms: presence, join/leave system messages, member lists, and idle clean-up.
import type { MemberView, Person } from '../shared/protocol.js';
import { LIMITS } from '../shared/protocol.js';
import { banFromRoom, findRoom, setRoomOwner, updateOwnerDetails, type RoomRecord } from '../store/room-repository.js';
import { isSharedStateUnavailable } from '../store/shared-state-errors.js';
import { ChatError } from './chat-error.js';
import type { ChatEvents } from './chat-events.js';
import { IdleReaper } from './idle-reaper.js';
import type { MessageService } from './message-service.js';
import type { PresenceStore } from './presence-store.js';
import type { Grants, RoomAccess } from './room-access.js';
import { cleanName, nameKeys } from './text-hygiene.js';
import { toMemberViews, toRoomSummary } from './views.js';

/** A change the shared presence store could not make now is the client's to retry, as a database outage is. */
async function shared<T>(change: Promise<T>): Promise<T> {
  try {
    return await change;
  } catch (err) {
    if (isSharedStateUnavailable(err))
      throw new ChatError('unavailable', 'Presence is unavailable; try again shortly.');
    throw err;
  }
}

export interface MembershipOptions {
  idleMs: number;
  /** Deletes a room that stayed empty for `idleMs`. */
  removeRoom: (roomId: string) => Promise<void>;
  onError: (err: unknown) => void;
}

export class Membership {
  private readonly reaper: IdleReaper;

  constructor(
    private readonly events: ChatEvents,
    private readonly messages: MessageService,
    readonly presence: PresenceStore,
    private readonly access: RoomAccess,
    private readonly opts: MembershipOptions,
  ) {
    // Another instance may have let someone in since this one's clock started: only an empty room goes.
    const removeIfEmpty = (roomId: string) =>
      this.presence.count(roomId) === 0 ? opts.removeRoom(roomId) : Promise.resolve();
    this.reaper = new IdleReaper(opts.idleMs, removeIfEmpty, opts.onError);
  }

  /** Starts a room's idle clock unless someone is in it. */
  scheduleIdle(roomId: string): void {
    if (this.presence.count(roomId) === 0) this.reaper.schedule(roomId);
  }

  /** After a restart nobody is in any room, so every room's idle clock starts. */
  scheduleIdleAll(roomIds: string[]): void {
    for (const id of roomIds) this.scheduleIdle(id);
  }

  /**
   * Adds one connection of a person to a room, after the entry rules pass. The seat is taken
   * before the join is stored (so two people racing for the last seat cannot both get it) and
   * given back if storing fails: nobody is present whose arrival was not recorded.
   */
  async join(room: RoomRecord, person: Person, grants: Grants, connectionId: string): Promise<MemberView[]> {
    this.access.admit(room, person, grants);
    this.reaper.cancel(room.id);
    const outcome = await shared(
      this.presence.join(room.id, person, connectionId, this.access.seatRules(room, person)),
    );
    if (!('joined' in outcome)) throw this.access.refusal(room, outcome);
    if (outcome.first) {
      try {
        await this.messages.postSystem(room.id, { event: 'join', name: person.nickname });
      } catch (err) {
        await this.presence.undoJoin(room.id, person.id, connectionId);
        // Another tab of theirs joined meanwhile: they stay, and the others must see them.
        if (this.presence.has(room.id, person.id)) this.announce(room);
        else this.scheduleIdle(room.id);
        throw err;
      }
      this.announce(room);
    }
    return this.members(room);
  }

  /** Not awaited: a failed leave is retried by the next reconcile (see PresenceStore.reconcile). */
  leave(roomId: string, personId: string, connectionId: string): void {
    this.presence.leave(roomId, personId, connectionId).catch(this.opts.onError);
  }

  members(room: RoomRecord): MemberView[] {
    return toMemberViews(room, this.presence.members(room.id));
  }

  /**
   * Gives a person a new nickname: 1–24 characters, not used by anyone else in a room they are in.
   * Rooms they are in are told; rooms they own show the new name.
   */
  async rename(person: Person, rawNickname: string): Promise<Person> {
    const nickname = cleanName(rawNickname);
    if (nickname.length < 1 || nickname.length > LIMITS.nicknameMaxChars) {
      throw new ChatError('invalid', `A nickname must be 1–${LIMITS.nicknameMaxChars} characters.`);
    }
    if (nickname === person.nickname) return person;
    const renamed = { ...person, nickname };
    // Checked and changed in one step: nobody can take a look-alike name meanwhile on another instance.
    const taken = await shared(this.presence.rename(renamed, nameKeys(nickname)));
    if (taken) throw new ChatError('conflict', `Someone in your room is already called ${nickname}.`);
    const roomIds = this.presence.roomsOf(person.id);
    await updateOwnerDetails(renamed);
    this.events.publish('person-updated', renamed);
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
    this.access.requireOwner(room, actor, 'remove members');
    if (targetId === actor.id) throw new ChatError('invalid', 'You cannot remove yourself; leave the room instead.');
    if (!this.presence.has(room.id, targetId)) throw new ChatError('not_found', 'That person is not in this room.');
    // Out at once on every path; the stored ban follows.
    this.access.ban(room.id, targetId);
    const target = await shared(this.presence.evict(room.id, targetId, { ban: true }));
    this.events.publish('kicked', room.id, targetId, 'The owner removed you from this room.');
    try {
      await banFromRoom(room.id, targetId);
      await this.messages.postSystem(room.id, { event: 'kick', name: target?.nickname ?? 'Someone' });
    } finally {
      // Whatever failed to store, the member list everyone sees is the true one.
      this.announce(room);
      this.scheduleIdle(room.id);
    }
  }

  /** The owner hands the room to another member who is in it. */
  async transfer(room: RoomRecord, actor: Person, targetId: string): Promise<void> {
    this.access.requireOwner(room, actor, 'hand the room on');
    const target = this.presence.members(room.id).find((p) => p.id === targetId);
    if (!target) throw new ChatError('invalid', 'The room can only be handed to someone who is in it.');
    await this.changeOwner(room, target);
    this.announce(room);
  }

  private async changeOwner(room: RoomRecord, owner: Person): Promise<void> {
    await setRoomOwner(room.id, owner);
    room.owner = owner;
    await this.messages.postSystem(room.id, { event: 'owner', name: owner.nickname });
  }

  private announce(room: RoomRecord): void {
    this.events.publish('members', room.id, this.members(room));
    this.events.publish('room-updated', toRoomSummary(room, this.presence.count(room.id)));
  }

  /** Someone's last connection left and the grace period passed. */
  gone(roomId: string, person: Person): void {
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
    this.presence.close().catch(this.opts.onError);
    this.reaper.close();
  }
}
