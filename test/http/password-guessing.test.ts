// Password guessing on a private room is bounded whatever the concurrency: each guess is counted
// before argon2 checks it, so 100 wrong guesses sent at once are verified at most 5 times (401)
// and refused the rest (429); once the budget is spent even the right password waits.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('password guessing', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  it('100 parallel wrong guesses from one session: at most 5 are checked, the rest get 429', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('vault', { password: 'right one' });
    const guest = await Visitor.create(srv.baseUrl);
    const statuses = await Promise.all(Array.from({ length: 100 }, () => guest.unlock(roomId, 'wrong')));
    assert.equal(count(statuses, 401) + count(statuses, 429), 100, `only 401 and 429: ${statuses.join(',')}`);
    assert.ok(
      count(statuses, 401) >= 1 && count(statuses, 401) <= 5,
      `${count(statuses, 401)} wrong guesses were checked`,
    );

    // Spent: the right password too waits for the window, and says how long.
    const right = await guest.postJson(`/room/${roomId}/password`, { password: 'right one' });
    assert.equal(right.status, 429);
    const retry = Number(right.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After: ${right.headers.get('retry-after')}`);
    assert.match(((await right.json()) as { error: { message: string } }).error.message, /try again in \d+ s/);
    const page = await guest.fetch(`/room/${roomId}/password`, {
      method: 'POST',
      csrf: false,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: 'right one', _csrf: guest.csrfToken }),
    });
    assert.equal(page.status, 429);
    assert.ok(page.headers.get('retry-after'));

    // Someone else at the same address still has the address's budget.
    const friend = await Visitor.create(srv.baseUrl);
    assert.equal(await friend.unlock(roomId, 'right one'), 204);
  });

  it('a right password gives its guess back', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('refund', { password: 'pw' });
    const guest = await Visitor.create(srv.baseUrl);
    for (let i = 0; i < 4; i++) assert.equal(await guest.unlock(roomId, 'nope'), 401);
    for (let i = 0; i < 3; i++) assert.equal(await guest.unlock(roomId, 'pw'), 204);
    assert.equal(await guest.unlock(roomId, 'nope'), 401, 'the fifth wrong guess is still checked');
    assert.equal(await guest.unlock(roomId, 'nope'), 429);
  });

  it('many sessions from one address share its budget of 20 wrong guesses a minute', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('crowd', { password: 'pw' });
    const guests = await Promise.all(Array.from({ length: 10 }, () => Visitor.create(srv.baseUrl)));
    const statuses = await Promise.all(
      guests.flatMap((g) => Array.from({ length: 5 }, () => g.unlock(roomId, 'nope'))),
    );
    assert.equal(count(statuses, 401) + count(statuses, 429), 50);
    assert.ok(count(statuses, 401) <= 20, `${count(statuses, 401)} wrong guesses were checked`);
  });
});
