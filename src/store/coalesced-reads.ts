// Re-reads of one key, coalesced: however many ask while a read is under way share one more read
// that starts after it, so a burst of change notices (a reconnect storm) costs two reads, not one
// each, and whoever asks still gets a read that began after they asked.
interface Queue {
  current: Promise<void>;
  next?: Promise<void>;
}

export class CoalescedReads {
  private readonly queues = new Map<string, Queue>();

  run(key: string, read: () => Promise<void>): Promise<void> {
    const queued = this.queues.get(key);
    if (queued?.next) return queued.next;
    if (queued) return (queued.next = queued.current.catch(() => undefined).then(read));
    const queue: Queue = { current: read() };
    this.queues.set(key, queue);
    const settle = (): void => {
      if (!queue.next) {
        this.queues.delete(key);
        return;
      }
      queue.current = queue.next;
      queue.next = undefined;
      queue.current.then(settle, settle);
    };
    queue.current.then(settle, settle);
    return queue.current;
  }
}
