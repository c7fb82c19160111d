// Places (`seq`) of messages this process has just served at the edge of a history page. A
// reader scrolling back (or down again) asks next for the page before (after) exactly that
// message, so its place need not be looked up again: one read per page instead of two. A message's place never changes (deleting
// it keeps its place), so an entry is never stale; the oldest entries go first past the bound.
const MAX_KNOWN = 10_000;

export class KnownPlaces {
  private readonly seqs = new Map<string, number>();

  constructor(private readonly max = MAX_KNOWN) {}

  get(roomId: string, id: string): number | undefined {
    return this.seqs.get(`${roomId}:${id}`);
  }

  remember(roomId: string, id: string, seq: number): void {
    const key = `${roomId}:${id}`;
    this.seqs.delete(key);
    this.seqs.set(key, seq);
    if (this.seqs.size > this.max) {
      const oldest = this.seqs.keys().next().value;
      if (oldest !== undefined) this.seqs.delete(oldest);
    }
  }
}
