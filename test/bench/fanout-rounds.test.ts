// How the bench turns several interleaved fan-out rounds into one figure per server: a whole
// median round, never a mix of rounds, with every round's figures kept for the spread.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overRounds, roundOrder } from '../../bench/scenarios/fanout-rounds.js';
import type { FanoutResult, LatencyAt } from '../../bench/scenarios/fanout.js';

const at = (deliveriesPerS: number, p99Ms: number): LatencyAt => ({
  deliveriesPerS,
  p50Ms: p99Ms / 2,
  p99Ms,
  p999Ms: p99Ms + 1,
  maxMs: p99Ms + 2,
  samples: 100,
});

const run = (deliveredPerS: number, p99Ms: number, equalP99s: number[]): FanoutResult => ({
  kind: 'us',
  members: 1000,
  deliveredPerS,
  cpuUsPerDelivery: deliveredPerS / 1e6,
  steps: [{ offered: deliveredPerS * 2, delivered: deliveredPerS, cpuUsPerDelivery: deliveredPerS / 1e6 }],
  halfRate: deliveredPerS / 2000,
  p50Ms: p99Ms / 2,
  p99Ms,
  latencySamples: 10,
  equalLoads: equalP99s.map((p99, i) => at([35_000, 100_000][i]!, p99)),
});

describe('fan-out rounds', () => {
  it('takes saturation from the median round and each equal load from its median-p99 round', () => {
    const runs = [run(900_000, 40, [30, 12]), run(700_000, 90, [20, 50]), run(800_000, 60, [10, 40])];
    const r = overRounds(runs);
    // The 800,000 round, whole: its CPU, steps and half-saturation latency with it.
    assert.equal(r.deliveredPerS, 800_000);
    assert.equal(r.cpuUsPerDelivery, 0.8);
    assert.equal(r.p99Ms, 60);
    assert.deepEqual(r.steps, runs[2]!.steps);
    // At the first load the median p99 is 20 (round 2), at the second 40 (round 3): each window whole.
    assert.deepEqual(r.equalLoads[0], at(35_000, 20));
    assert.deepEqual(r.equalLoads[1], at(100_000, 40));
    assert.deepEqual(r.rounds, {
      deliveredPerS: [900_000, 700_000, 800_000],
      cpuUsPerDelivery: [0.9, 0.7, 0.8],
      p99Ms: [40, 90, 60],
      equalP99Ms: [
        [30, 20, 10],
        [12, 50, 40],
      ],
    });
  });

  it('is the one run itself when there was one round', () => {
    const only = run(500_000, 30, [15]);
    const r = overRounds([only]);
    assert.equal(r.deliveredPerS, 500_000);
    assert.deepEqual(r.equalLoads, only.equalLoads);
    assert.deepEqual(r.rounds.deliveredPerS, [500_000]);
  });

  it('runs Socket.IO first in round 1 and puts every server first once in three rounds', () => {
    assert.equal(roundOrder(0)[0], 'socketio');
    const firsts = [0, 1, 2].map((r) => roundOrder(r)[0]);
    assert.deepEqual([...firsts].sort(), ['socketio', 'us', 'ws']);
    for (const r of [0, 1, 2]) assert.deepEqual([...roundOrder(r)].sort(), ['socketio', 'us', 'ws']);
  });
});
