// Scenario 4, history (its own process): the app's own store — its Message model and indexes on
// the embedded database — filled with N messages in one room the way bench/embedded-db.ts fills
// it, then the latest-50 page timed through MessageService.before, the code behind
// GET /room/:id/messages and the room page: as served (from the room's newest messages kept in
// memory, src/chat/newest-messages.ts), as served while a chat arrives before each read (the kept
// messages follow the room), and as read from the database (a room's first open, or after its
// kept messages were dropped).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { ChatEvents, inProcessTransport } from '../../src/chat/chat-events.js';
import { newVisitor } from '../../src/chat/identity.js';
import { MessageService } from '../../src/chat/message-service.js';
import { RoomOrder } from '../../src/chat/room-order.js';
import { LocalRoomSequence } from '../../src/chat/room-sequence.js';
import { startEmbeddedDb } from '../../src/embedded-db/index.js';
import { pageBefore } from '../../src/store/message-reads.js';
import { MessageModel } from '../../src/store/models.js';
import { withReadBreakdown, type ReadBreakdown } from '../lib/read-breakdown.js';
import { serve } from '../lib/rpc.js';
import { insertInBatches, timeRuns, type Timing } from '../lib/timing.js';

export interface HistoryResult {
  messages: number;
  insertsPerS: number;
  latest: Timing;
  /** The latest page with a chat stored and delivered before each read. */
  latestLive: Timing;
  /** The database read the kept messages save. */
  latestRead: Timing;
  beforeMid: Timing;
  scrollBack: Timing;
  /** Where the database reads' time went besides the app's thread (see bench/lib/read-breakdown.ts). */
  breakdown: { latestRead: ReadBreakdown; beforeMid: ReadBreakdown; scrollBack: ReadBreakdown };
}

async function run(args: { messages: number; runs: number }): Promise<HistoryResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gifchat-bench-history-'));
  const db = await startEmbeddedDb({ dataDir, port: 0 });
  try {
    await mongoose.connect(`${db.url.replace(/\/$/, '')}/gifchat`, { autoIndex: false });
    await MessageModel.createIndexes();
    const room = new mongoose.Types.ObjectId();
    const authors = Array.from({ length: 50 }, (_, i) => ({
      id: `v${i}`,
      nickname: `guest-${i}`,
      color: 'hsl(10, 60%, 45%)',
    }));
    const insertsPerS = await insertInBatches(MessageModel, args.messages, (i) => ({
      room,
      kind: 'chat' as const,
      author: authors[i % authors.length]!,
      text: `message number ${i}`,
      seq: i + 1,
      createdAt: new Date(),
    }));
    // Wired as createChat wires them: what the writer publishes comes back in place order.
    const transport = inProcessTransport();
    const events = new ChatEvents(transport);
    const order = new RoomOrder((m) => events.emit('message', m), {
      gapMs: 200,
      giveUpMs: 10_000,
      onError: () => undefined,
    });
    await transport.listen(
      (name, a) => {
        if (name === 'message') order.accept(a[0] as Parameters<RoomOrder['accept']>[0]);
      },
      () => undefined,
    );
    const service = new MessageService(events, new LocalRoomSequence(), order);
    const roomId = room.toHexString();
    await timeRuns(20, () => service.before(roomId, 'v1', undefined)); // warm-up
    const latest = await timeRuns(args.runs, () => service.before(roomId, 'v1', undefined));
    const poster = newVisitor();
    let said = 0;
    const latestLive = await timeRuns(
      args.runs,
      () => service.before(roomId, 'v1', undefined),
      () => service.postChat({ id: roomId }, poster, `live ${said++}`),
    );
    const conn = mongoose.connection.db!; // connected above
    const anchorsAt = async (seqs: number[]) =>
      (await MessageModel.find({ room, seq: { $in: seqs } }, { _id: 1, seq: 1 }).lean())
        .sort((a, b) => b.seq - a.seq)
        .map((d) => ({ id: d._id.toHexString(), seq: d.seq }));
    // The database reads below are timed warm, as a server that has served pages for a while
    // serves them: for about its first thousand reads a path runs while V8 compiles it, and on
    // this 2-core machine the compiler's threads then take as much CPU as the reads themselves
    // (p99 about twice the steady one). So each kind of read first runs untimed, elsewhere in
    // the room: the latest page, pages before a message with its place, scrolling back.
    const warmEach = Math.ceil(Math.min(1000, 2 * args.runs) / 3);
    const warmAnchors = await anchorsAt(
      Array.from({ length: warmEach }, (_, i) => Math.floor(args.messages / 4) - i * 10).filter((q) => q > 0),
    );
    for (let i = 0; i < warmEach; i++) await pageBefore(roomId, 'v1', undefined, 51);
    for (const a of warmAnchors) await service.before(roomId, 'v1', a.id, 50, a.seq);
    let warmOldest = warmAnchors.at(-1)?.id;
    for (let i = 0; i < warmEach; i++) warmOldest = (await service.before(roomId, 'v1', warmOldest)).messages[0]?.id;
    const { result: latestRead, breakdown: latestReadWhere } = await withReadBreakdown(conn, args.runs, () =>
      timeRuns(args.runs, () => pageBefore(roomId, 'v1', undefined, 51)),
    );
    // A page in the middle: a different anchor each time, none of them where an earlier page ended
    // (nothing remembered about it).
    const midSeq = Math.floor(args.messages / 2);
    const anchors = await anchorsAt(Array.from({ length: args.runs }, (_, i) => midSeq - i * 100));
    // With the anchor's place, as the room page's transcript asks: one read.
    let next = 0;
    const { result: beforeMid, breakdown: beforeMidWhere } = await withReadBreakdown(conn, anchors.length, () =>
      timeRuns(anchors.length, () => {
        const anchor = anchors[next++]!;
        return service.before(roomId, 'v1', anchor.id, 50, anchor.seq);
      }),
    );
    // Scrolling back from the middle: each page before the oldest message of the page before it.
    let oldest: string | undefined = anchors.at(-1)?.id;
    const { result: scrollBack, breakdown: scrollBackWhere } = await withReadBreakdown(conn, args.runs, () =>
      timeRuns(args.runs, async () => {
        const page = await service.before(roomId, 'v1', oldest);
        oldest = page.messages[0]?.id;
      }),
    );
    return {
      messages: args.messages,
      insertsPerS,
      latest,
      latestLive,
      latestRead,
      beforeMid,
      scrollBack,
      breakdown: { latestRead: latestReadWhere, beforeMid: beforeMidWhere, scrollBack: scrollBackWhere },
    };
  } finally {
    await mongoose.disconnect();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

serve({ run });
process.on('disconnect', () => process.exit(0));
