// The fan-out scenario for all three servers, several rounds interleaved, so that a ratio between
// them is not one run's luck: on this shared 2-core machine one server's saturation moved by a
// quarter between back-to-back runs. Round 1 runs Socket.IO first (half of its saturation is the
// equal load every server is measured at, in every round); later rounds rotate the order, so no
// server always runs first or last. Each server's figures are then a median round's, not a mix:
// saturation, CPU and half-own-saturation latency from the round with the median saturation, and
// each equal-load window from the round with the median p99 at that load. The spread over the
// rounds is kept beside them.
import type { Scale } from '../lib/scale.js';
import type { ServerKind } from '../load/dialects.js';
import { fanout, type FanoutResult, type LatencyAt } from './fanout.js';

export const KINDS: readonly ServerKind[] = ['socketio', 'us', 'ws'];

/** What each round measured, for the spread beside a median. */
export interface RoundFigures {
  deliveredPerS: number[];
  cpuUsPerDelivery: number[];
  p99Ms: number[];
  /** Per equal load (in the order asked), each round's p99. */
  equalP99Ms: number[][];
}

export type FanoutOverRounds = FanoutResult & { rounds: RoundFigures };

/** The element at the middle rank of `items` ordered by `key` (the lower middle for an even count). */
function medianBy<T>(items: T[], key: (t: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** One server's figures over its rounds (at least one). */
export function overRounds(runs: FanoutResult[]): FanoutOverRounds {
  const base = medianBy(runs, (r) => r.deliveredPerS);
  const equalLoads = base.equalLoads.map((_, i): LatencyAt =>
    medianBy(
      runs.map((r) => r.equalLoads[i]).filter((l): l is LatencyAt => l !== undefined),
      (l) => l.p99Ms,
    ),
  );
  return {
    ...base,
    equalLoads,
    rounds: {
      deliveredPerS: runs.map((r) => r.deliveredPerS),
      cpuUsPerDelivery: runs.map((r) => r.cpuUsPerDelivery),
      p99Ms: runs.map((r) => r.p99Ms),
      equalP99Ms: base.equalLoads.map((_, i) => runs.map((r) => r.equalLoads[i]?.p99Ms ?? NaN)),
    },
  };
}

/** Round r's order: Socket.IO first in round 0, then each round one place further along. */
export function roundOrder(r: number): ServerKind[] {
  return KINDS.map((_, i) => KINDS[(i + r) % KINDS.length]!);
}

/**
 * `rounds` rounds of the fan-out scenario for every server. `fixedLoads` are measured at beside
 * half of Socket.IO's saturation in round 1.
 */
export async function fanoutRounds(
  scale: Scale,
  rounds: number,
  fixedLoads: number[],
  step: <T>(label: string, fn: () => Promise<T>) => Promise<T>,
): Promise<Record<ServerKind, FanoutOverRounds>> {
  const runs: Record<ServerKind, FanoutResult[]> = { socketio: [], us: [], ws: [] };
  let equal: number[] | undefined;
  for (let r = 0; r < rounds; r++) {
    for (const kind of roundOrder(r)) {
      const loads = (best: number) => (equal ??= [best / 2, ...fixedLoads]);
      const result = await step(`fan-out ${kind}, round ${r + 1} of ${rounds}`, () => fanout(kind, scale, loads));
      runs[kind].push(result);
    }
  }
  return { socketio: overRounds(runs.socketio), us: overRounds(runs.us), ws: overRounds(runs.ws) };
}
