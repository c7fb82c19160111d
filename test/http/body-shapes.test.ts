// Every body a route reads is checked for its shape (a zod schema) before anything acts on it: a
// field that is not text (a JSON number or array, or a form field sent twice) gets a 400 naming
// what to send, and a malformed password guess does not spend one of the room's guesses.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

interface ErrorBody {
  error: { code: string; message: string };
}

/** A form post as a browser sends it, with `field` given twice (which makes it an array). */
function formTwice(v: Visitor, path: string, field: string, values: [string, string]) {
  const body = new URLSearchParams({ _csrf: v.csrfToken });
  for (const value of values) body.append(field, value);
  return v.fetch(path, {
    method: 'POST',
    csrf: false,
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

async function refusal(res: Response): Promise<ErrorBody['error']> {
  assert.equal(res.status, 400);
  return ((await res.json()) as ErrorBody).error;
}

describe('request body shapes', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  it('a password guess that is not text is a 400 and spends no guess', async () => {
    const owner = await Visitor.create(srv.baseUrl);
    const roomId = await owner.createRoom('shapes', { password: 'right one' });
    const guest = await Visitor.create(srv.baseUrl);
    for (const password of [123, ['right one'], null, { $ne: '' }]) {
      const error = await refusal(await guest.postJson(`/room/${roomId}/password`, { password }));
      assert.equal(error.code, 'invalid');
      assert.match(error.message, /password/);
    }
    assert.equal((await refusal(await guest.postJson(`/room/${roomId}/password`, {}))).code, 'invalid');
    assert.equal(
      (await refusal(await formTwice(guest, `/room/${roomId}/password`, 'password', ['a', 'b']))).code,
      'invalid',
    );
    // The budget is 5 checked guesses: all of them are still there.
    for (let i = 0; i < 5; i++) assert.equal(await guest.unlock(roomId, 'wrong'), 401, `guess ${i + 1}`);
    assert.equal(await guest.unlock(roomId, 'wrong'), 429);
  });

  it('a nickname that is not text is a 400 and renames nobody', async () => {
    const v = await Visitor.create(srv.baseUrl);
    for (const nickname of [42, ['Bob'], null]) {
      const error = await refusal(await v.postJson('/me/nickname', { nickname }));
      assert.equal(error.code, 'invalid');
      assert.match(error.message, /nickname/);
    }
    assert.equal((await refusal(await formTwice(v, '/me/nickname', 'nickname', ['Bob', 'Eve']))).code, 'invalid');
    const me = (await (await v.fetch('/me')).json()) as { me: { nickname: string } };
    assert.equal(me.me.nickname, v.me.nickname);
    // A return path that is not one of our pages (here a field sent twice) still goes to the lobby.
    const body = new URLSearchParams({ _csrf: v.csrfToken, nickname: 'Bob', return: '/room' });
    body.append('return', '/');
    const res = await v.fetch('/me/nickname', {
      method: 'POST',
      csrf: false,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
  });

  it('a language that is not one of ours, or not text, is a 400', async () => {
    const v = await Visitor.create(srv.baseUrl);
    for (const lang of ['xx', ['ko'], 1, null]) {
      const error = await refusal(await v.postJson('/lang', { lang }));
      assert.equal(error.code, 'invalid');
      assert.match(error.message, /"en" or "ko"/);
    }
    assert.equal((await refusal(await formTwice(v, '/lang', 'lang', ['ko', 'en']))).code, 'invalid');
  });
});
