// A kick holds from the moment the owner's frame is taken, on the socket as on HTTP, even while the
// shared presence store (Redis) is still taking the member out: their chats in that window are
// refused, not stored. Redis is paused (CLIENT PAUSE) to hold the kick in that window.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startDeployment, type Deployment } from '../helpers/instances.js';
import { Visitor } from '../helpers/visitor.js';
import { waitFor } from '../helpers/wait.js';

describe('a kick still in flight', () => {
  let deployment: Deployment;

  before(async () => {
    deployment = await startDeployment(1);
  });
  after(async () => {
    await deployment.close();
  });

  it("refuses the member's chats while Redis is still taking them out of the room", async () => {
    const srv = deployment.instances[0]!;
    const owner = await Visitor.create(srv.baseUrl);
    const bob = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('kick in flight');
    const [os, bs] = [await owner.socket(srv.wsUrl), await bob.socket(srv.wsUrl)];
    await os.join(roomId);
    await bs.join(roomId);
    bs.send({ type: 'chat', roomId, text: 'before', clientId: 'c0' });
    await bs.next('ack', (f) => f.clientId === 'c0');

    const redis = new Redis(deployment.redis.url);
    try {
      await redis.call('CLIENT', 'PAUSE', '800', 'ALL');
      os.send({ type: 'kick', roomId, userId: bob.me.id });
      // The kick is taken and waits on Redis; bob's chat comes in meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 150));
      bs.send({ type: 'chat', roomId, text: 'during the kick', clientId: 'c1' });
      const answer = await bs.next('error');
      assert.equal(answer.code, 'forbidden');
      await bs.next('kicked');
    } finally {
      redis.disconnect();
    }
    await waitFor(
      async () => (await owner.history(roomId)).messages.some((m) => m.system?.event === 'kick'),
      5000,
      'kick line',
    );
    const texts = (await owner.history(roomId)).messages.filter((m) => m.kind !== 'system').map((m) => m.text);
    assert.deepEqual(texts, ['before'], 'nothing bob sent after the kick was taken was stored');
    os.close();
    bs.close();
  });
});
