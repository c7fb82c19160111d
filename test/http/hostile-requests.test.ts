// Malformed, unauthorised and hostile HTTP requests get a clear status and JSON (or a page).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

describe('hostile HTTP', () => {
  let srv: TestServer;
  let v: Visitor;
  let roomId: string;
  before(async () => {
    srv = await startTestServer();
    v = await Visitor.create(srv.baseUrl);
    roomId = await v.createRoom('target');
    await v.enter(roomId);
  });
  after(async () => {
    await srv.close();
  });

  it('refuses state changes without the CSRF token or from another Origin', async () => {
    assert.equal((await v.postJson('/room', { title: 'x' }, { csrf: false })).status, 403);
    assert.equal((await v.postJson(`/room/${roomId}/chat`, { chat: 'x' }, { csrf: false })).status, 403);
    assert.equal((await v.fetch(`/room/${roomId}`, { method: 'DELETE', csrf: false })).status, 403);
    const forged = await v.fetch(`/room/${roomId}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': 'guess' },
      body: '{"chat":"x"}',
      csrf: false,
    });
    assert.equal(forged.status, 403);
    const foreign = await v.postJson(
      `/room/${roomId}/chat`,
      { chat: 'x' },
      { headers: { origin: 'https://evil.example' } },
    );
    assert.equal(foreign.status, 403);
    const body = (await foreign.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'bad_origin');
  });

  it('answers malformed bodies and ids with 400/404, as JSON for API callers and a page for browsers', async () => {
    const badJson = await v.fetch(`/room/${roomId}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"chat": ',
    });
    assert.equal(badJson.status, 400);
    assert.equal(((await badJson.json()) as { error: { code: string } }).error.code, 'bad_json');
    const huge = await v.postJson(`/room/${roomId}/chat`, { chat: 'x'.repeat(20_000) });
    assert.equal(huge.status, 413);
    for (const chat of [12, null, ['a'], { $gt: '' }, '', '   ', 'x'.repeat(2001)]) {
      assert.equal((await v.postJson(`/room/${roomId}/chat`, { chat })).status, 400, JSON.stringify(chat));
    }
    assert.equal((await v.fetch('/room/nope')).status, 404);
    assert.equal((await v.fetch('/room/0123456789abcdef01234567')).status, 404);
    assert.equal((await v.fetch(`/room/${roomId}/messages?before=zzz`)).status, 400);
    assert.equal((await v.fetch(`/room/${roomId}/messages?limit=1000`)).status, 400);
    assert.equal((await v.fetch(`/room/${roomId}/messages?before[$gt]=`)).status, 400);
    const page = await v.fetch('/no/such/page', { headers: { accept: 'text/html' } });
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const api = await v.fetch('/no/such/page');
    assert.deepEqual(await api.json(), { error: { code: 'not_found', message: 'There is nothing at this address.' } });
  });

  it('sends security headers and a strict CSP', async () => {
    const res = await v.fetch('/', { headers: { accept: 'text/html' } });
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-powered-by'), null);
    const cookie = (await fetch(`${srv.baseUrl}/me`)).headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
  });

  it('renders hostile titles and messages escaped in server-rendered pages', async () => {
    const xssRoom = await v.createRoom('<img src=x onerror=alert(1)>');
    await v.enter(xssRoom);
    await v.postJson(`/room/${xssRoom}/chat`, { chat: '<script>alert("x")</script>' });
    const lobby = await (await v.fetch('/', { headers: { accept: 'text/html' } })).text();
    assert.doesNotMatch(lobby, /<img src=x/);
    assert.match(lobby, /&lt;img src=x onerror=alert\(1\)&gt;/);
    const room = await (await v.fetch(`/room/${xssRoom}`, { headers: { accept: 'text/html' } })).text();
    assert.doesNotMatch(room, /<script>alert/);
  });

  it('health and readiness', async () => {
    assert.deepEqual(await (await fetch(`${srv.baseUrl}/healthz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${srv.baseUrl}/readyz`)).status, 200);
  });
});
