// Bounds the sockets open at once per person and per client address, so one visitor (or one
// script minting visitors) cannot hold thousands of connections. A place is taken when an upgrade
// is accepted and given back when that socket closes. This file holds the interface and the
// one-process count; with REDIS_URL the composition root passes a count every instance shares.

export interface SocketQuotaLimits {
  person: number;
  ip: number;
}

export type SocketPlace = { release: () => void } | { refused: 'person' | 'ip' };

/** Where open sockets are counted. */
export interface SocketPlaces {
  /** Takes a place, returning how to give it back, or the budget that is spent. */
  take(personId: string, address: string): SocketPlace | Promise<SocketPlace>;
  /** Stops any background work (a shared count's heartbeat). */
  close(): Promise<void>;
}

export class SocketQuota implements SocketPlaces {
  private readonly perPerson = new Map<string, number>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly limits: SocketQuotaLimits) {}

  take(personId: string, address: string): SocketPlace {
    const person = this.perPerson.get(personId) ?? 0;
    if (person >= this.limits.person) return { refused: 'person' };
    const ip = this.perAddress.get(address) ?? 0;
    if (ip >= this.limits.ip) return { refused: 'ip' };
    this.perPerson.set(personId, person + 1);
    this.perAddress.set(address, ip + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        decrement(this.perPerson, personId);
        decrement(this.perAddress, address);
      },
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
