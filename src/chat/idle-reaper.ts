// Deletes a room once nobody has been in it for ROOM_IDLE_MS. A timer per empty room; entering
// cancels it. Long enough by default that a page reload never deletes a room.
export class IdleReaper {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly idleMs: number,
    private readonly remove: (roomId: string) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  schedule(roomId: string): void {
    this.cancel(roomId);
    const timer = setTimeout(() => {
      this.timers.delete(roomId);
      this.remove(roomId).catch(this.onError);
    }, this.idleMs);
    timer.unref();
    this.timers.set(roomId, timer);
  }

  cancel(roomId: string): void {
    const timer = this.timers.get(roomId);
    if (timer) clearTimeout(timer);
    this.timers.delete(roomId);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
