// Flood control on sockets (rate-limiter-flexible, in memory): any frame at all is limited per
// connection, and past that the socket is closed with 1008 (policy violation). How many chats a
// person may send is a chat rule (RoomAccess), the same over HTTP.
import { RateLimiterMemory } from 'rate-limiter-flexible';

export class FrameLimits {
  private readonly frames: RateLimiterMemory;

  constructor(framesPer10s: number) {
    this.frames = new RateLimiterMemory({ points: framesPer10s, duration: 10 });
  }

  /** Any inbound frame; false when a connection floods and should be closed. */
  async frame(connectionId: string): Promise<boolean> {
    try {
      await this.frames.consume(connectionId);
      return true;
    } catch {
      return false;
    }
  }
}
