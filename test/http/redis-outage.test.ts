// While Redis is unreachable an instance keeps serving pages and sockets: each budget counts on
// this instance alone (as without REDIS_URL) instead of refusing everyone, and who is present is
// read from the instance's own view. What needs Redis is refused as unavailable and nothing is
// stored: a message (its place in the room's order) and taking a seat. Once Redis is back
// (restarted empty) the budgets count there again, the instance writes its open sockets and its
// members back, and posting works.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startRedis } from '../helpers/redis.js';
import { startTestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

describe('Redis going away and coming back', () => {
  it('serves with per-instance limits while Redis is down, and shares them again after', async () => {
    let redis = await startRedis();
    const srv = await startTestServer({ REDIS_URL: redis.url, CHAT_PER_10S: '3', SOCKETS_PER_PERSON: '2' });
    const probe = new Redis(redis.url, { lazyConnect: true });
    try {
      const v = await Visitor.create(srv.baseUrl);
      const roomId = await v.createRoom('outage');
      const inRoom = await v.enter(roomId);
      const post = async (text: string) => (await v.postJson(`/room/${roomId}/chat`, { chat: text })).status;

      await redis.stop();
      // A message cannot be ordered among other instances' without Redis: refused, not stored.
      const refused = await v.postJson(`/room/${roomId}/chat`, { chat: 'while down' });
      assert.equal(refused.status, 503);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'unavailable');
      // Nothing here waits for Redis: the socket budget is this instance's own, and still holds.
      const second = await v.socket(srv.wsUrl);
      await assert.rejects(v.socket(srv.wsUrl), /upgrade refused: 429/);
      // Entering a room takes a seat in Redis: refused as unavailable, for the page to try again.
      second.send({ type: 'join', roomId });
      assert.equal((await second.next('error')).code, 'unavailable');

      redis = await startRedis(redis.port);
      await probe.connect();
      // The heartbeat writes this instance's two open sockets into the empty Redis.
      const sockets = `gifchat:sockets:person:${v.me.id}`;
      await waitFor(async () => Object.values(await probe.hgetall(sockets)).join() === '2', 15_000, 'counts restored');
      // And chat budgets count in Redis again (the client reconnects on its own).
      await waitFor(async () => (await post('back')) === 201, 15_000, 'a post once Redis is back');
      const texts = (await v.history(roomId)).messages.map((m) => m.text);
      assert.ok(texts.includes('back') && !texts.includes('while down'), 'the refused message was not stored');
      assert.ok((await probe.keys('gifchat:rl:chat:person:*')).length > 0, 'the chat budget is counted in Redis');
      second.ws.terminate();
      inRoom.ws.terminate();
    } finally {
      probe.disconnect();
      await srv.close();
      await redis.stop();
    }
  });
});
