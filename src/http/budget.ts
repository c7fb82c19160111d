// A budget counted twice, per person and per client address: an action is allowed only if both
// have points left. The point is taken before the work starts, so parallel requests cannot all
// pass a check made before any of them is counted (check-then-act), and can be given back after.
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../rate-limiters.js';

export interface BudgetLimits {
  person: number;
  ip: number;
  /** Window in seconds. */
  per: number;
}

export interface BudgetKeys {
  person: string;
  ip: string;
}

export type Refusal = { by: 'person' | 'ip'; retryAfterS: number };

export class Budget {
  private readonly person: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;

  /** `name` keeps this budget's counters apart from every other's where they are shared. */
  constructor(
    readonly limits: BudgetLimits,
    name: string,
    limiters: LimiterFactory,
  ) {
    this.person = limiters({ name: `${name}:person`, points: limits.person, duration: limits.per });
    this.ip = limiters({ name: `${name}:ip`, points: limits.ip, duration: limits.per });
  }

  /** Takes one point from both, or none and says which was spent. */
  async take(keys: BudgetKeys): Promise<Refusal | undefined> {
    const person = await spend(this.person, keys.person);
    if (person) return { by: 'person', retryAfterS: person };
    const ip = await spend(this.ip, keys.ip);
    if (!ip) return undefined;
    await this.person.reward(keys.person, 1);
    return { by: 'ip', retryAfterS: ip };
  }

  /** Returns a point taken by `take` (the action turned out not to count). */
  async giveBack(keys: BudgetKeys): Promise<void> {
    await Promise.all([this.person.reward(keys.person, 1), this.ip.reward(keys.ip, 1)]);
  }
}

/** Seconds until a point comes back if none is left, else 0 (and one point is spent). */
async function spend(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key, 1);
    return 0;
  } catch (res) {
    if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    throw res;
  }
}
