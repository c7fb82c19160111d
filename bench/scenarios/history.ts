// Scenario 4, history: runs history-worker in its own process and reports p50/p99 of the
// latest-50 page.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Remote } from '../lib/rpc.js';
import type { Scale } from '../lib/scale.js';
import { round } from '../lib/stats.js';
import type { HistoryResult } from './history-worker.js';

export async function history(scale: Scale): Promise<HistoryResult> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'history-worker.js');
  const remote = new Remote('history', fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    const r = await remote.call<HistoryResult>('run', { messages: scale.historyMessages, runs: scale.historyRuns });
    const t = (x: HistoryResult['latest']) => ({ p50: round(x.p50, 3), p99: round(x.p99, 3), runs: x.runs });
    return {
      messages: r.messages,
      insertsPerS: round(r.insertsPerS, 0),
      latest: t(r.latest),
      latestLive: t(r.latestLive),
      latestRead: t(r.latestRead),
      beforeMid: t(r.beforeMid),
      scrollBack: t(r.scrollBack),
      breakdown: r.breakdown,
    };
  } finally {
    await remote.stop();
  }
}
