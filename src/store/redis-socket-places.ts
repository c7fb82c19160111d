// Open sockets counted across instances in Redis (the realtime layer's SocketPlaces, when
// REDIS_URL is set). Each person and each address has a hash: one field per instance, holding how
// many sockets that instance has open for them. Taking a place is one script (sum the live
// instances' fields, refuse or increment), so two instances racing for the last place cannot both
// get it. Each instance heartbeats a key of its own; the fields of an instance whose key expired
// (killed, or cut off from Redis) are not counted and are dropped, so a dead instance does not hold
// places for longer than INSTANCE_TTL_MS. The heartbeat also rewrites this instance's own counts,
// which it knows exactly, so they come back after Redis restarts or lost them.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

type Place = { release: () => void } | { refused: 'person' | 'ip' };

const TAKE = `
local function live(key)
  local total = 0
  local fields = redis.call('HGETALL', key)
  for i = 1, #fields, 2 do
    if redis.call('EXISTS', ARGV[4] .. fields[i]) == 1 then
      total = total + tonumber(fields[i + 1])
    else
      redis.call('HDEL', key, fields[i])
    end
  end
  return total
end
if live(KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
if live(KEYS[2]) >= tonumber(ARGV[3]) then return 2 end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, ARGV[1], 1)
  redis.call('PEXPIRE', key, ARGV[5])
end
return 0`;

const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('HINCRBY', key, ARGV[1], -1) <= 0 then redis.call('HDEL', key, ARGV[1]) end
end
return 0`;

export interface RedisSocketPlacesOptions {
  limits: { person: number; ip: number };
  prefix?: string;
  /** How often this instance says it is alive; its key lives three times as long. */
  heartbeatMs?: number;
  onError: (err: unknown) => void;
}

export class RedisSocketPlaces {
  readonly instanceId = randomBytes(8).toString('hex');
  private readonly prefix: string;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  /** This instance's own open sockets per hash key: the truth the heartbeat writes back. */
  private readonly mine = new Map<string, number>();
  /** Keys whose count here fell to zero since the last heartbeat: their field is removed then. */
  private readonly emptied = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: Redis,
    private readonly opts: RedisSocketPlacesOptions,
  ) {
    this.prefix = opts.prefix ?? 'gifchat:sockets';
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    this.ttlMs = this.heartbeatMs * 3;
    this.timer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** Says this instance is alive; resolves once Redis has it (start-up awaits it). */
  async heartbeat(): Promise<void> {
    try {
      const batch = this.client.multi().set(this.instanceKey(), '1', 'PX', this.ttlMs);
      for (const [key, n] of this.mine) batch.hset(key, this.instanceId, n).pexpire(key, this.hashTtlMs());
      for (const key of this.emptied) if (!this.mine.has(key)) batch.hdel(key, this.instanceId);
      this.emptied.clear();
      await batch.exec();
    } catch (err) {
      this.opts.onError(err);
    }
  }

  async take(personId: string, address: string): Promise<Place> {
    const keys = [`${this.prefix}:person:${personId}`, `${this.prefix}:ip:${address}`];
    const { person, ip } = this.opts.limits;
    const args = [this.instanceId, person, ip, `${this.prefix}:instance:`, this.hashTtlMs()];
    let answer: unknown;
    if (this.client.status === 'ready') {
      answer = await this.client.eval(TAKE, keys.length, ...keys, ...args).catch((err: unknown) => {
        this.opts.onError(err);
        return undefined;
      });
    }
    // Redis unreachable: count on this instance alone, as one process does, rather than refuse
    // everyone for an outage. The heartbeat writes these places to Redis once it is back.
    if (answer === undefined) answer = this.localAnswer(keys);
    if (answer === 1) return { refused: 'person' };
    if (answer === 2) return { refused: 'ip' };
    for (const key of keys) this.mine.set(key, (this.mine.get(key) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        for (const key of keys) {
          const n = (this.mine.get(key) ?? 0) - 1;
          if (n > 0) this.mine.set(key, n);
          else {
            this.mine.delete(key);
            this.emptied.add(key);
          }
        }
        // Lost if Redis is down; the heartbeat corrects the count then.
        this.client.eval(RELEASE, keys.length, ...keys, this.instanceId).catch(() => undefined);
      },
    };
  }

  /** Stops the heartbeat and gives up this instance's key: its fields stop counting at once. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.client.del(this.instanceKey()).catch(() => undefined);
  }

  private localAnswer([personKey, ipKey]: string[]): number {
    if ((this.mine.get(personKey ?? '') ?? 0) >= this.opts.limits.person) return 1;
    if ((this.mine.get(ipKey ?? '') ?? 0) >= this.opts.limits.ip) return 2;
    return 0;
  }

  private instanceKey(): string {
    return `${this.prefix}:instance:${this.instanceId}`;
  }

  /** Hashes outlive the instance key so that a live instance's heartbeat always refreshes them first. */
  private hashTtlMs(): number {
    return this.ttlMs * 4;
  }
}
