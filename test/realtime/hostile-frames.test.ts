// Every way a socket can misbehave gets an error frame with a code or the right close code, and
// the server keeps serving everyone else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', reject);
  });
}

/** `npm run fuzz` sets more; 10,000 keeps `npm test` short. */
const FUZZ_FRAMES = Number(process.env.FUZZ_FRAMES ?? 10_000);

describe('hostile sockets', () => {
  let srv: TestServer;
  let v: Visitor;
  let roomId: string;
  before(async () => {
    srv = await startTestServer({
      WS_MAX_PAYLOAD: '4096',
      WS_FRAMES_PER_10S: String(Math.max(100_000, 2 * FUZZ_FRAMES)),
      CHAT_PER_10S: '100000',
    });
    v = await Visitor.create(srv.baseUrl);
    roomId = await v.createRoom('target');
  });
  after(async () => {
    await srv.close();
  });

  it('refuses upgrades without a session (401), from a foreign Origin (403), or off /ws (404)', async () => {
    assert.equal(await upgradeStatus(srv.wsUrl, {}), 401);
    assert.equal(await upgradeStatus(srv.wsUrl, { cookie: 'gifchat.sid=s%3Aforged.sig' }), 401);
    assert.equal(await upgradeStatus(srv.wsUrl, { cookie: v.cookie, origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(srv.wsUrl.replace('/ws', '/other'), { cookie: v.cookie }), 404);
    assert.equal(await upgradeStatus(srv.wsUrl, { cookie: v.cookie, origin: srv.baseUrl }), 101);
  });

  it('answers bad frames with error codes and keeps the socket', async () => {
    const ws = await v.socket(srv.wsUrl);
    await ws.next('hello');
    const cases: Array<[unknown, string]> = [
      ['not json', 'bad_json'],
      ['{"type":', 'bad_json'],
      ['[]', 'bad_frame'],
      ['null', 'bad_frame'],
      ['"chat"', 'bad_frame'],
      [{ type: 'nope' }, 'bad_frame'],
      [{ no: 'type' }, 'bad_frame'],
      [{ type: 42 }, 'bad_frame'],
      [{ type: 'join', roomId: 'not-an-id' }, 'bad_frame'],
      [{ type: 'join', roomId: { $gt: '' } }, 'bad_frame'],
      [{ type: 'join', roomId, extra: 1 }, 'bad_frame'],
      [{ type: 'join', roomId: '0123456789abcdef01234567' }, 'not_found'],
      [{ type: 'chat', roomId, text: 'not joined yet' }, 'not_joined'],
      [{ type: 'chat', roomId, text: '' }, 'bad_frame'],
      [{ type: 'chat', roomId, text: 'x'.repeat(2001) }, 'bad_frame'],
      [{ type: 'chat', roomId, text: 'hi', clientId: 'has spaces' }, 'bad_frame'],
      [{ type: 'history', roomId, after: '0123456789abcdef01234567' }, 'not_joined'],
      ['{"type":"lobby","__proto__":{"polluted":true}}', 'bad_frame'],
      ['{"type":"lobby","constructor":{"prototype":{"x":1}}}', 'bad_frame'],
      ['['.repeat(1500) + ']'.repeat(1500), 'bad_frame'],
    ];
    for (const [frame, code] of cases) {
      ws.send(frame);
      const err = await ws.next('error');
      assert.equal(err.code, code, JSON.stringify(frame).slice(0, 80));
      assert.ok(err.message.length > 0);
    }
    await ws.join(roomId);
    ws.send({ type: 'chat', roomId, text: '\u0000\u0001   ' });
    assert.equal((await ws.next('error')).code, 'bad_frame');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    ws.close();
  });

  it('closes binary frames with 1003, oversized frames with 1009, invalid UTF-8 with 1007', async () => {
    const binary = await v.socket(srv.wsUrl);
    binary.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal(await binary.closed(), 1003);
    const big = await v.socket(srv.wsUrl);
    big.send({ type: 'chat', roomId, text: 'x'.repeat(5000) });
    assert.equal(await big.closed(), 1009);
    const utf = await v.socket(srv.wsUrl);
    utf.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    assert.equal(await utf.closed(), 1007);
    const still = await v.socket(srv.wsUrl);
    await still.next('hello');
    still.close();
  });

  it(`${FUZZ_FRAMES.toLocaleString('en')} fuzzed frames leave the server serving`, async () => {
    // A raw socket that only counts replies: a long run must not keep every error frame.
    const ws = new WebSocket(srv.wsUrl, { headers: { cookie: v.cookie } });
    let replies = 0;
    let sentinel: () => void = () => undefined;
    let closed: number | undefined;
    ws.on('close', (code) => (closed = code));
    ws.on('message', (data) => {
      replies++;
      if ((data as Buffer).toString().startsWith('{"type":"joined"')) sentinel();
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const shapes = [
      () =>
        JSON.stringify({
          type: ['join', 'chat', 'leave', 'history', 'lobby'][Math.floor(rand() * 5)],
          roomId,
          text: 'x'.repeat(Math.floor(rand() * 3000)),
          after: roomId,
        }),
      () => String.fromCharCode(...Array.from({ length: 40 }, () => Math.floor(rand() * 0xd7ff))),
      () => JSON.stringify({ type: 'chat', roomId, text: rand() > 0.5 ? 12 : null, clientId: rand() }),
      () => JSON.stringify({ type: 'join', roomId: 'f'.repeat(Math.floor(rand() * 30)) }),
    ];
    for (let i = 0; i < FUZZ_FRAMES && closed === undefined; i++) {
      ws.send(shapes[i % shapes.length]!());
      // The server shares this process: keep no more than a few thousand frames ahead of its
      // replies, so a long run measures handling, not a backlog.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by a listener during the awaits
      while (i - replies > 2_000 && closed === undefined) await new Promise((r) => setTimeout(r, 1));
    }
    // Frames of one socket are handled in order: the join's reply means every fuzzed one was.
    const handled = new Promise<void>((resolve, reject) => {
      const fail = (code: number) =>
        reject(new Error(`the fuzzed socket was closed (${code}) after ${replies} replies`));
      if (closed !== undefined) return fail(closed);
      sentinel = resolve;
      ws.once('close', fail);
    });
    ws.send(JSON.stringify({ type: 'join', roomId }));
    await handled;
    assert.ok(replies > FUZZ_FRAMES / 2, `the server answered (${replies} replies)`);
    ws.send(JSON.stringify({ type: 'leave', roomId }));
    const fresh = await v.socket(srv.wsUrl);
    await fresh.next('hello');
    await fresh.join(roomId);
    fresh.close();
    ws.close();
    const health = await fetch(`${srv.baseUrl}/healthz`);
    assert.equal(health.status, 200);
    console.log(`# fuzzed frames: ${FUZZ_FRAMES}, all handled (${replies} replies), server still serving`);
  });
});
