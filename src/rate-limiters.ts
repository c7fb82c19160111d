// Where every rate budget keeps its counts, chosen once in the composition root: in this
// process's memory (the default, one process), or in Redis when REDIS_URL is set, so that a
// budget counts what a person does on every instance together. Callers only see RateLimiterAbstract.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LimiterSpec {
  /** Unique per budget: the Redis key prefix, so two budgets never share a counter. */
  name: string;
  points: number;
  /** Window in seconds. */
  duration: number;
}

export type LimiterFactory = (spec: LimiterSpec) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = ({ points, duration }) => new RateLimiterMemory({ points, duration });

/**
 * Budgets counted in Redis. While Redis is unreachable each instance falls back to counting in
 * its own memory (the insurance limiter): limits still hold per instance, and nobody is refused
 * for an outage that is not theirs. rejectIfRedisNotReady sends a call to that fallback at once
 * instead of letting it wait in the client's offline queue while the connection is down.
 */
export function redisLimiters(client: Redis, prefix = 'gifchat:rl'): LimiterFactory {
  return ({ name, points, duration }) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${prefix}:${name}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration }),
    });
}
