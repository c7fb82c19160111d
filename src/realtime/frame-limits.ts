// Flood control on sockets (rate-limiter-flexible, in memory): chat frames are limited per
// connection and per person (many tabs share one budget), and any frame at all is limited per
// connection — past that the socket is closed with 1008 (policy violation).
import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface FrameLimitOptions {
  chatPer10s: number;
  framesPer10s: number;
}

export type Verdict = 'ok' | 'limited' | 'close';

export class FrameLimits {
  private readonly chatPerConnection: RateLimiterMemory;
  private readonly chatPerPerson: RateLimiterMemory;
  private readonly frames: RateLimiterMemory;

  constructor(opts: FrameLimitOptions) {
    this.chatPerConnection = new RateLimiterMemory({ points: opts.chatPer10s, duration: 10 });
    this.chatPerPerson = new RateLimiterMemory({ points: Math.ceil(opts.chatPer10s * 1.5), duration: 10 });
    this.frames = new RateLimiterMemory({ points: opts.framesPer10s, duration: 10 });
  }

  /** Any inbound frame; 'close' when a connection floods. */
  async frame(connectionId: string): Promise<Verdict> {
    try {
      await this.frames.consume(connectionId);
      return 'ok';
    } catch {
      return 'close';
    }
  }

  /** A chat frame; 'limited' means answer with an error and store nothing. */
  async chat(connectionId: string, personId: string): Promise<Verdict> {
    try {
      await this.chatPerConnection.consume(connectionId);
      await this.chatPerPerson.consume(personId);
      return 'ok';
    } catch {
      return 'limited';
    }
  }
}
