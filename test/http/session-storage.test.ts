// A stranger's requests store nothing: cookie-less views of the lobby, the create form, the room
// list and the health check leave no session in the database (counted in the real sessions
// collection), yet the forms on those pages work: their CSRF token comes from a signed cookie,
// and the first action that needs an identity (here creating a room) stores the one session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../helpers/server.js';

const sessions = () => mongoose.connection.db!.collection('sessions').countDocuments();
const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);
const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

describe('sessions are stored only when needed', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  it('cookie-less GETs of /, /room, /rooms, /healthz and a 404 store no session', async () => {
    const before = await sessions();
    for (let i = 0; i < 20; i++) {
      for (const path of ['/', '/room', '/rooms', '/healthz', '/no/such/page']) {
        const res = await fetch(`${srv.baseUrl}${path}`, {
          headers: { accept: path === '/rooms' ? 'application/json' : 'text/html' },
        });
        assert.equal(res.status, path === '/no/such/page' ? 404 : 200, path);
        assert.ok(!cookiesOf(res).some((c) => c.startsWith('gifchat.sid=')), `${path} set a session cookie`);
        await res.arrayBuffer();
      }
    }
    assert.equal(await sessions(), before);
    const lobby = await (await fetch(`${srv.baseUrl}/`, { headers: { accept: 'text/html' } })).text();
    assert.match(lobby, /Create room/);
    assert.match(lobby, /Nickname/, 'the lobby still offers a nickname');
  });

  it('a form on a page viewed without a session works, and stores the first session', async () => {
    const before = await sessions();
    const page = await fetch(`${srv.baseUrl}/room`, { headers: { accept: 'text/html' } });
    const cookie = cookiesOf(page).join('; ');
    const token = tokenIn(await page.text());
    assert.ok(token && cookie.startsWith('gifchat.csrf='), 'the form has a token and its cookie');
    assert.equal(await sessions(), before);

    const post = (fields: Record<string, string>, cookieHeader = cookie) =>
      fetch(`${srv.baseUrl}/room`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          accept: 'text/html',
          cookie: cookieHeader,
          origin: srv.baseUrl,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(fields),
      });
    // Without the token, with a made-up one, or with the token but another browser's cookie: refused.
    assert.equal((await post({ title: 'x', max: '5' })).status, 403);
    assert.equal((await post({ title: 'x', max: '5', _csrf: 'guess' })).status, 403);
    const other = cookiesOf(await fetch(`${srv.baseUrl}/room`, { headers: { accept: 'text/html' } })).join('; ');
    assert.equal((await post({ title: 'x', max: '5', _csrf: token }, other)).status, 403);
    assert.equal(await sessions(), before, 'refused posts store nothing');

    const created = await post({ title: 'From a cookie-less form', max: '5', _csrf: token });
    assert.equal(created.status, 303);
    assert.equal(await sessions(), before + 1);
    const sid = cookiesOf(created).find((c) => c.startsWith('gifchat.sid='));
    assert.ok(sid, 'the creator now has a session');
    const room = await fetch(`${srv.baseUrl}${created.headers.get('location')}`, {
      headers: { accept: 'text/html', cookie: `${cookie}; ${sid}` },
    });
    assert.equal(room.status, 200);
    assert.match(await room.text(), /From a cookie-less form/);
    assert.equal(await sessions(), before + 1);
  });

  it('the language switch works from a cookie-less lobby without storing a session', async () => {
    const before = await sessions();
    const lobby = await fetch(`${srv.baseUrl}/`, { headers: { accept: 'text/html' } });
    const cookie = cookiesOf(lobby).join('; ');
    const token = tokenIn(await lobby.text())!;
    const res = await fetch(`${srv.baseUrl}/lang`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        cookie,
        origin: srv.baseUrl,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ lang: 'ko', return: '/', _csrf: token }),
    });
    assert.equal(res.status, 303);
    assert.equal(await sessions(), before);
  });

  it('GET /me makes the identity a socket needs: one session, reused after', async () => {
    const before = await sessions();
    const me = await fetch(`${srv.baseUrl}/me`, { headers: { accept: 'application/json' } });
    const sid = cookiesOf(me).find((c) => c.startsWith('gifchat.sid='))!;
    assert.ok(sid);
    assert.equal(await sessions(), before + 1);
    for (let i = 0; i < 5; i++) await (await fetch(`${srv.baseUrl}/me`, { headers: { cookie: sid } })).arrayBuffer();
    assert.equal(await sessions(), before + 1);
  });
});
