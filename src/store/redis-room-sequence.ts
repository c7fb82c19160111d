// Room places (see src/chat/room-sequence.ts) taken from one counter per room in Redis, so every
// instance takes from the same sequence. Taking is one script per room, all rooms of a batch in
// one round trip. The script never goes below `floor`, the highest place this instance knows to
// be stored or taken: a counter Redis lost (a restart without persistence) starts again above it,
// and a place still taken twice is refused by the database's unique index and retaken after
// `resync`.
import type { ChainableCommander, Redis } from 'ioredis';
import { lastSeq } from './message-reads.js';

const TAKE = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if cur < floor then cur = floor end
redis.call('SET', KEYS[1], cur + tonumber(ARGV[2]))
return cur + 1`;

type WithTake = Redis & { gifchatTakeSeq(key: string, floor: number, count: number): Promise<number> };
type PipelineWithTake = ChainableCommander & {
  gifchatTakeSeq(key: string, floor: number, count: number): ChainableCommander;
};

const keyOf = (roomId: string) => `gifchat:room:${roomId}:seq`;

export class RedisRoomSequence {
  private readonly redis: WithTake;
  /** Highest place known taken or stored per room, by this instance. */
  private readonly floors = new Map<string, number>();

  constructor(redis: Redis) {
    // defineCommand sends the script by its hash (EVALSHA), loading it once.
    if (!('gifchatTakeSeq' in redis)) redis.defineCommand('gifchatTakeSeq', { numberOfKeys: 1, lua: TAKE });
    this.redis = redis as WithTake;
  }

  async take(counts: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const rooms = [...counts];
    for (const [roomId] of rooms) if (!this.floors.has(roomId)) this.floors.set(roomId, await lastSeq(roomId));
    const pipeline = this.redis.pipeline() as PipelineWithTake;
    for (const [roomId, count] of rooms) pipeline.gifchatTakeSeq(keyOf(roomId), this.floors.get(roomId) ?? 0, count);
    const answers = (await pipeline.exec()) ?? [];
    const firsts = new Map<string, number>();
    rooms.forEach(([roomId, count], i) => {
      const [err, first] = answers[i] ?? [new Error('no answer from Redis')];
      if (err) throw err;
      const at = Number(first);
      firsts.set(roomId, at);
      this.floors.set(roomId, Math.max(this.floors.get(roomId) ?? 0, at + count - 1));
    });
    return firsts;
  }

  async resync(roomId: string): Promise<void> {
    const stored = await lastSeq(roomId);
    this.floors.set(roomId, Math.max(stored, this.floors.get(roomId) ?? 0));
  }

  /** Every instance hears that the room was removed and deletes its key (once is enough; again is harmless). */
  async forget(roomId: string): Promise<void> {
    this.floors.delete(roomId);
    await this.redis.del(keyOf(roomId));
  }
}
