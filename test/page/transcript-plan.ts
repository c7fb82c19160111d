// Messages and arrival orders for transcript-order.test.ts: a seeded, repeatable room history
// over three weeks, and the order a room page meets it in after a reconnect.
import type { MessageView, UserView } from '../../src/shared/protocol.js';

/** One child of the log, as the test reads it back. */
export type Entry =
  { sep: string } | { id: string; createdAt: string; authorId: string; system: boolean; continued: boolean };

export type Step =
  | { op: 'render'; messages: MessageView[] }
  | { op: 'pending'; clientId: string }
  | { op: 'add'; message: MessageView }
  | { op: 'addMany'; messages: MessageView[] }
  | { op: 'dropNewest' | 'dropOldest'; keep: number };

/** A small seeded generator (mulberry32), so every run sees the same history. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` messages, oldest first, in places 2, 4, 6… (leaving room for one between two neighbours),
 * with ObjectId-like ids in no particular order (made by several instances, ids do not order a
 * room: places do). Gaps from a minute to fifteen hours
 * make runs by one author and many turns of the day.
 */
export function randomMessages(n: number, me: UserView, seed = 14): MessageView[] {
  const rand = seeded(seed);
  const people: UserView[] = [
    me,
    { id: 'alice', nickname: 'alice', color: '' },
    { id: 'bob', nickname: 'bob', color: '' },
  ];
  const gapsMin = [1, 1, 2, 3, 4, 9, 45, 300, 900];
  let ms = Date.UTC(2024, 2, 8, 20, 0);
  return Array.from({ length: n }, (_, i): MessageView => {
    ms += gapsMin[Math.floor(rand() * gapsMin.length)]! * 60_000;
    const instance = Math.floor(rand() * 0xffffffff);
    const id = instance.toString(16).padStart(8, '0') + (i * 16).toString(16).padStart(16, '0');
    const createdAt = new Date(ms).toISOString();
    const base = { id, roomId: 'r', to: null, gif: null, createdAt, clientId: null, deletes: null, seq: 2 * (i + 1) };
    if (rand() < 0.1) {
      return { ...base, kind: 'system', author: null, system: { event: 'join', name: 'carol' }, text: 'carol joined.' };
    }
    const author = people[Math.floor(rand() * people.length)]!;
    return { ...base, kind: 'chat', author, system: null, text: `message ${i}` };
  });
}

function shuffled<T>(items: T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The page shows messages 400–449 when it opens, with three bubbles of mine pending. Live
 * messages 560–599 then arrive one by one while the catch-up brings 450–559 three at a time
 * behind them; two live ones are my bubbles confirmed. Three messages come twice. Last, history
 * loads in pages of 50 (each overlapping what is shown, in any order) back to the first message.
 */
export function planCatchUp(all: MessageView[], seed = 7): { steps: Step[]; confirmedPending: number } {
  const rand = seeded(seed);
  const me = all.find((m) => m.author?.id === 'me')!.author!;
  const live = all.slice(560).map((m, i): MessageView => {
    const clientId = i === 3 ? 'p1' : i === 10 ? 'p2' : null;
    return clientId ? { ...m, kind: 'chat', author: me, system: null, clientId } : m;
  });
  const catchUp = all.slice(450, 560);
  const steps: Step[] = [
    { op: 'render', messages: all.slice(400, 450) },
    { op: 'pending', clientId: 'p1' },
    { op: 'pending', clientId: 'p2' },
    { op: 'pending', clientId: 'never-confirmed' },
  ];
  for (let i = 0; i < live.length; i++) {
    steps.push({ op: 'add', message: live[i]! });
    for (const m of catchUp.slice(i * 3, i * 3 + 3)) steps.push({ op: 'add', message: m });
  }
  for (const again of [all[420]!, catchUp[7]!, live[3]!]) steps.push({ op: 'add', message: again });
  for (let end = 400; end > 0; end -= 50) {
    steps.push({ op: 'addMany', messages: shuffled(all.slice(Math.max(0, end - 50), end + 5), rand) });
  }
  return { steps, confirmedPending: live.filter((m) => m.clientId).length };
}
