// Slows password guessing on private rooms: wrong guesses are counted per session and per IP
// address for each room; past the budget the answer is 429 until the window passes.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './http-error.js';

export class PasswordLimiter {
  private readonly perSession = new RateLimiterMemory({ points: 5, duration: 60 });
  private readonly perIp = new RateLimiterMemory({ points: 20, duration: 60 });

  /** Throws 429 if this session or address has used up its guesses for the room. */
  async check(sid: string, ip: string, roomId: string): Promise<void> {
    const [s, i] = await Promise.all([this.perSession.get(`${sid}:${roomId}`), this.perIp.get(`${ip}:${roomId}`)]);
    const blocked = [s, i].find((r) => r && r.remainingPoints <= 0);
    if (blocked) throw this.tooMany(blocked);
  }

  async wrongGuess(sid: string, ip: string, roomId: string): Promise<void> {
    await Promise.all([
      this.perSession.penalty(`${sid}:${roomId}`, 1),
      this.perIp.penalty(`${ip}:${roomId}`, 1),
    ]);
  }

  private tooMany(res: RateLimiterRes): HttpError {
    const seconds = Math.ceil(res.msBeforeNext / 1000);
    return new HttpError(429, 'too_many_guesses', `Too many wrong passwords; try again in ${seconds} s.`);
  }
}
