// Presence shared by every instance in Redis (the chat's PresenceStore when REDIS_URL is set). Each
// change is one script (redis-presence-scripts.ts), so a join's seat and name checks cannot race
// another instance's join; reads come from this instance's view, which every change refreshes
// (the script's own answer here, a message on P:changed everywhere else). The grace period ends in
// Redis: whichever instance's timer finds a person due removes and announces them, once. Each
// instance heartbeats a key with a TTL; when one stops (killed), another removes its connections.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Person } from '../shared/protocol.js';
import { CoalescedReads } from './coalesced-reads.js';
import { OwnConnections, type Keys } from './own-connections.js';
import { PresenceView } from './presence-view.js';
import * as scripts from './redis-presence-scripts.js';
import { asSharedStateError } from './shared-state-errors.js';

type JoinOutcome =
  | { joined: true; first: boolean }
  | { refused: 'full'; count: number }
  | { refused: 'conflict'; nickname: string }
  | { refused: 'banned' };

export interface RedisPresenceOptions {
  graceMs: number;
  onGone: (roomId: string, person: Person) => void;
  onError: (err: unknown) => void;
  prefix?: string;
  /** How often this instance says it is alive (its key lives three times as long) and sweeps. */
  heartbeatMs?: number;
  /** How often ended grace periods are looked for. */
  dueMs?: number;
}

export class RedisPresence {
  readonly instanceId = randomBytes(8).toString('hex');
  private readonly p: string;
  private readonly view = new PresenceView();
  private readonly mine = new OwnConnections();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly reads = new CoalescedReads();
  private readonly subscriber: Redis;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly heartbeatMs: number;
  private started = false;
  private failing = false;
  private dueRunning = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly client: Redis,
    private readonly opts: RedisPresenceOptions,
  ) {
    this.p = opts.prefix ?? 'gifchat:presence';
    this.heartbeatMs = opts.heartbeatMs ?? 1000;
    this.subscriber = client.duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (_channel: string, roomId: string) => void this.refresh(roomId).catch(this.report));
    // Messages sent while it was reconnecting are lost: read everything again.
    this.subscriber.on('ready', () => {
      if (this.started) void this.resyncAll().catch(this.report);
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(`${this.p}:changed`);
    await this.heartbeat();
    await this.resyncAll();
    this.started = true;
    this.timers.push(setInterval(() => void this.heartbeat().catch(this.report), this.heartbeatMs));
    this.timers.push(setInterval(() => void this.endGrace().catch(this.report), this.opts.dueMs ?? 250));
    for (const t of this.timers) t.unref();
  }

  join(
    roomId: string,
    person: Person,
    connectionId: string,
    rules: { max: number | null; nameKeys: Keys; checkNames: boolean },
  ): Promise<JoinOutcome> {
    return this.track(async () => {
      const mine = this.mine.entry(connectionId, person, rules.nameKeys);
      const state = mine.rooms.get(roomId);
      mine.rooms.set(roomId, 'in');
      const args = [roomId, person.id, JSON.stringify(person), ...rules.nameKeys, this.conn(connectionId)];
      const reply = (await this.run(scripts.JOIN, [...args, rules.max ?? -1, rules.checkNames ? '1' : '0']).catch(
        (err: unknown) => {
          // It may or may not have reached Redis: leave again, to be sure (see reconcile).
          mine.rooms.set(roomId, 'failed');
          throw err;
        },
      )) as unknown[];
      const outcome = String(reply[0]);
      if (outcome === 'first' || outcome === 'again') {
        this.view.apply(roomId, reply.slice(1));
        return { joined: true, first: outcome === 'first' };
      }
      if (state === undefined) this.mine.drop(connectionId, roomId);
      else mine.rooms.set(roomId, state);
      if (outcome === 'full') return { refused: 'full', count: Number(reply[1]) };
      if (outcome === 'conflict') return { refused: 'conflict', nickname: String(reply[1]) };
      return { refused: 'banned' };
    });
  }

  leave(roomId: string, personId: string, connectionId: string): Promise<void> {
    return this.track(async () => {
      const rooms = this.mine.get(connectionId)?.rooms;
      rooms?.set(roomId, 'leaving');
      try {
        await this.run(scripts.LEAVE, [roomId, personId, this.conn(connectionId), this.opts.graceMs]);
      } catch (err) {
        if (rooms?.get(roomId) === 'leaving') rooms.set(roomId, 'failed');
        throw err;
      }
      if (rooms?.get(roomId) === 'leaving') this.mine.drop(connectionId, roomId);
    });
  }

  undoJoin(roomId: string, personId: string, connectionId: string): Promise<void> {
    return this.track(async () => {
      const reply = (await this.run(scripts.UNDO_JOIN, [roomId, personId, this.conn(connectionId)])) as unknown[];
      this.mine.drop(connectionId, roomId);
      this.view.apply(roomId, reply);
    });
  }

  evict(roomId: string, personId: string, opts: { ban?: boolean } = {}): Promise<Person | undefined> {
    return this.track(async () => {
      const [entry, ...snapshot] = (await this.run(scripts.EVICT, [roomId, personId, opts.ban ? '1' : '0'])) as [
        string,
        ...unknown[],
      ];
      this.mine.dropPerson(personId, roomId);
      this.view.apply(roomId, snapshot);
      return entry ? (JSON.parse(entry) as { p: Person }).p : undefined;
    });
  }

  rename(person: Person, nameKeys: Keys): Promise<{ conflict: string } | undefined> {
    return this.track(async () => {
      const roomIds = this.view.roomsOf(person.id);
      const reply = (await this.run(scripts.RENAME, [JSON.stringify(person), ...nameKeys, ...roomIds])) as unknown[];
      if (reply[0] === 'conflict') return { conflict: String(reply[1]) };
      this.mine.renamed(person, nameKeys);
      await Promise.all(roomIds.map((id) => this.refresh(id)));
      return undefined;
    });
  }

  forget(roomId: string): Promise<void> {
    return this.track(async () => {
      await this.run(scripts.FORGET, [roomId]);
      this.mine.dropRoom(roomId);
      this.view.forget(roomId);
    });
  }

  /** Leaves what this instance's dead sockets still hold, and retries leaves that failed. */
  reconcile(isLive: (connectionId: string) => boolean): void {
    for (const [id, mine, roomId, state] of [...this.mine.places()]) {
      if (state === 'failed' || (state === 'in' && !isLive(id)))
        this.leave(roomId, mine.person.id, id).catch(this.report);
    }
  }

  has(roomId: string, personId: string): boolean {
    return this.view.has(roomId, personId);
  }

  count(roomId: string): number {
    return this.view.count(roomId);
  }

  members(roomId: string): Person[] {
    return this.view.members(roomId);
  }

  roomsOf(personId: string): string[] {
    return this.view.roomsOf(personId);
  }

  /** Waits for changes under way, then gives up this instance's key so that others sweep what is left. */
  close(): Promise<void> {
    return (this.closing ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      await Promise.allSettled([...this.pending]);
      this.subscriber.disconnect();
      await this.client.del(this.aliveKey()).catch(() => undefined);
    })());
  }

  /** Says this instance is alive; if Redis had lost its key (restarted empty), writes its connections back. */
  private async heartbeat(): Promise<void> {
    const replies = await this.client
      .multi()
      .exists(this.aliveKey())
      .set(this.aliveKey(), '1', 'PX', this.heartbeatMs * 3)
      .sadd(`${this.p}:instances`, this.instanceId)
      .exec();
    if (this.started && replies?.[0]?.[1] === 0) {
      await this.restore();
      this.view.resetVersions();
      await this.resyncAll();
    }
    this.failing = false;
    if (await this.client.set(`${this.p}:sweep`, this.instanceId, 'PX', this.heartbeatMs, 'NX')) {
      await this.run(scripts.SWEEP, [this.opts.graceMs]);
    }
  }

  private async restore(): Promise<void> {
    for (const [id, mine, roomId, state] of [...this.mine.places()]) {
      if (state === 'in')
        await this.run(scripts.RESTORE, [roomId, JSON.stringify(mine.person), ...mine.keys, this.conn(id)]);
    }
  }

  /** Removes people whose grace period ended (here, or found first here) and announces each once. */
  private async endGrace(): Promise<void> {
    if (this.dueRunning) return;
    this.dueRunning = true;
    try {
      const due = (await this.run(scripts.DUE, [])) as string[];
      const gone: Array<[string, Person]> = [];
      for (let i = 0; i + 1 < due.length; i += 2) {
        const [roomId = '', entry = '{}'] = due.slice(i, i + 2);
        gone.push([roomId, (JSON.parse(entry) as { p: Person }).p]);
      }
      await Promise.all([...new Set(gone.map(([roomId]) => roomId))].map((roomId) => this.refresh(roomId)));
      for (const [roomId, person] of gone) this.opts.onGone(roomId, person);
    } finally {
      this.dueRunning = false;
    }
  }

  /** Reads a room's members again (coalesced: see CoalescedReads). */
  private refresh(roomId: string): Promise<void> {
    return this.reads.run(roomId, async () => {
      this.view.apply(roomId, (await this.run(scripts.SNAPSHOT, [roomId])) as unknown[]);
    });
  }

  private async resyncAll(): Promise<void> {
    const ids = new Set([...(await this.client.smembers(`${this.p}:rooms`)), ...this.view.roomIds()]);
    await Promise.all([...ids].map((id) => this.refresh(id)));
  }

  private run(script: scripts.LuaScript, args: Array<string | number>): Promise<unknown> {
    return script.run(this.client, [], [this.p, ...args]).catch((err: unknown) => {
      throw asSharedStateError(err);
    });
  }

  private track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.pending.add(promise);
    const done = () => this.pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Background failures (Redis away) are reported once per outage, not once a tick. */
  private readonly report = (err: unknown): void => {
    if (this.failing) return;
    this.failing = true;
    this.opts.onError(err);
  };

  private conn(connectionId: string): string {
    return `${this.instanceId}/${connectionId}`;
  }

  private aliveKey(): string {
    return `${this.p}:alive:${this.instanceId}`;
  }
}
