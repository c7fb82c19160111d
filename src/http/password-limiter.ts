// Slows password guessing on private rooms: at most 5 guesses a minute per session and 20 per
// client address, for each room. A guess takes its point *before* argon2 verifies it, so parallel
// requests cannot all pass a check made before any was counted (100 at once: at most 5 are ever
// verified, the rest get 429); a right password gives its point back. Once the budget is spent,
// even the right password gets 429 until the window passes: otherwise the answer to a guess made
// past the limit would still say whether it was right.
import type { LimiterFactory } from '../rate-limiters.js';
import { Budget, type BudgetKeys } from './budget.js';
import { HttpError } from './http-error.js';

export const GUESSES_PER_MINUTE = { person: 5, ip: 20 };

export class PasswordLimiter {
  private readonly budget: Budget;

  constructor(limiters: LimiterFactory) {
    this.budget = new Budget({ ...GUESSES_PER_MINUTE, per: 60 }, 'guesses', limiters);
  }

  /** Takes one guess at this room's password; throws 429 if this session or address has none left. */
  async take(sid: string, address: string, roomId: string): Promise<BudgetKeys> {
    const keys = { person: `${sid}:${roomId}`, ip: `${address}:${roomId}` };
    const refused = await this.budget.take(keys);
    if (refused) {
      const s = refused.retryAfterS;
      throw new HttpError(429, 'too_many_guesses', `Too many wrong passwords; try again in ${s} s.`, s);
    }
    return keys;
  }

  /** The guess was right: it does not count against the budget. */
  giveBack(keys: BudgetKeys): Promise<void> {
    return this.budget.giveBack(keys);
  }
}
