// The hub writes ready-made frames to the stream under each ws socket, which it reaches through a
// private ws field. Should a ws release rename that field, the hub must say so once and send
// through ws.send: every frame still arrives, in order, at every socket. And with the ws that is
// installed, the stream is reached (so an upgrade that breaks it fails here, not silently in use).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerFrame } from '../../src/shared/protocol.js';
import type { ServerHooks } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';
import { Visitor, type TestSocket } from '../helpers/visitor.js';

const MEMBERS = 4;
const CHATS = 100;

function chatTexts(frames: ServerFrame[]): string[] {
  return frames.flatMap((f) => (f.type === 'message' && f.message.kind === 'chat' ? [f.message.text] : []));
}

/** Several members in one room; one of them posts CHATS chats; each member's texts, as received. */
async function chatToMany(hooks: ServerHooks): Promise<string[][]> {
  const srv = await startTestServer({ CHAT_PER_10S: '1000000', WS_FRAMES_PER_10S: '10000000' }, hooks);
  try {
    const visitors = await Promise.all(Array.from({ length: MEMBERS }, () => Visitor.create(srv.baseUrl)));
    const roomId = await visitors[0]!.createRoom('fallback', { max: 10 });
    const sockets: TestSocket[] = [];
    for (const v of visitors) sockets.push(await v.enter(roomId));
    await sockets[0]!.next('members', (f) => f.members.length === MEMBERS);
    for (const s of sockets) s.frames.length = 0;
    for (let i = 0; i < CHATS; i++) sockets[0]!.send({ type: 'chat', roomId, text: `m${i}`, clientId: `c${i}` });
    const waits = sockets.map((s) => s.until(() => chatTexts(s.frames).length >= CHATS, 30_000));
    await Promise.all(waits.map((w) => w.catch(() => undefined)));
    const got = sockets.map((s) => chatTexts(s.frames));
    for (const s of sockets) s.close();
    return got;
  } finally {
    await srv.close();
  }
}

const expected = Array.from({ length: CHATS }, (_, i) => `m${i}`);

describe('frames when the socket stream cannot be reached', () => {
  it('with the installed ws the hub reaches the socket stream: no warning', async () => {
    const warnings: string[] = [];
    const texts = await chatToMany({ warn: (line) => warnings.push(line) });
    for (const got of texts) assert.deepEqual(got, expected);
    assert.deepEqual(warnings, []);
  });

  it('falls back to ws.send with one warning: every member still gets every chat, in order', async () => {
    const warnings: string[] = [];
    const texts = await chatToMany({ warn: (line) => warnings.push(line), socketOf: () => undefined });
    texts.forEach((got, i) => assert.deepEqual(got, expected, `member ${i} got every chat, in order`));
    assert.equal(warnings.length, 1, `one warning, not one per socket or frame: ${JSON.stringify(warnings)}`);
    assert.match(warnings[0]!, /ws\.send/);
  });
});
