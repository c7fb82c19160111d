// Page language over real HTTP: Accept-Language picks Korean or English, the lang cookie set by
// the CSRF-checked POST /lang switch overrides it, and system messages follow the reader.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

describe('page languages', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ LOG_FORMAT: 'none' });
  });
  after(async () => {
    await srv.close();
  });

  const page = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${srv.baseUrl}${path}`, { headers: { accept: 'text/html', ...headers } });
    return { res, html: await res.text() };
  };
  const htmlLang = (html: string) => /<html lang="([a-z]+)">/.exec(html)?.[1];

  it('serves the lobby in English by default and in Korean for Accept-Language: ko', async () => {
    const plain = await page('/');
    assert.equal(htmlLang(plain.html), 'en');
    assert.match(plain.html, />Create room</);

    for (const header of ['ko', 'ko-KR,ko;q=0.9,en-US;q=0.8', 'fr-FR, ko;q=0.5']) {
      const ko = await page('/', { 'accept-language': header });
      assert.equal(htmlLang(ko.html), 'ko', header);
      assert.match(ko.html, />방 만들기</);
      assert.match(ko.html, /<h1 id="lobby-heading">채팅방<\/h1>/);
      assert.match(ko.res.headers.get('vary') ?? '', /Accept-Language/i);
    }
    assert.equal(htmlLang((await page('/', { 'accept-language': 'de, en;q=0.5' })).html), 'en');
  });

  it('gives the browser code only its strings, as JSON data, in the page language', async () => {
    const { html } = await page('/', { 'accept-language': 'ko' });
    const json = /<script type="application\/json" id="client-strings">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    const strings = JSON.parse(json) as Record<string, string>;
    assert.equal(strings['member.whisper'], '귓속말');
    assert.equal(strings['lobby.heading'], undefined, 'page-only text stays on the server');
  });

  it('POST /lang sets a cookie that wins over Accept-Language, and needs the CSRF token', async () => {
    const v = await Visitor.create(srv.baseUrl);
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      csrf: false,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    assert.equal((await v.fetch('/lang', form({ lang: 'ko', return: '/' }))).status, 403);

    const res = await v.fetch('/lang', form({ lang: 'ko', return: '/room', _csrf: v.csrfToken }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/room');
    const cookie = /^lang=ko/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    assert.ok(cookie, 'a lang cookie');
    const chosen = await page('/room', { cookie: `${v.cookie}; ${cookie}`, 'accept-language': 'en-US' });
    assert.equal(htmlLang(chosen.html), 'ko');
    assert.match(chosen.html, /<label for="title">방 제목<\/label>/);

    // Only this app's pages are a place to go back to; an unknown language is refused.
    const away = await v.fetch('/lang', form({ lang: 'en', return: '//evil.example/', _csrf: v.csrfToken }));
    assert.equal(away.headers.get('location'), '/');
    assert.equal((await v.fetch('/lang', form({ lang: 'xx', _csrf: v.csrfToken }))).status, 400);
  });

  it('renders system messages and error pages in the reader’s language', async () => {
    const a = await Visitor.create(srv.baseUrl);
    const roomId = await a.createRoom('Bilingual');
    const ws = await a.socket(srv.wsUrl);
    await ws.join(roomId);
    await ws.next('message', (f) => f.message.kind === 'system');
    const ko = await a.fetch(`/room/${roomId}`, { headers: { accept: 'text/html', 'accept-language': 'ko' } });
    assert.match(await ko.text(), new RegExp(`${a.me.nickname}님이 입장했습니다.`));
    const en = await a.fetch(`/room/${roomId}`, { headers: { accept: 'text/html' } });
    assert.match(await en.text(), new RegExp(`${a.me.nickname} joined.`));
    ws.close();

    const missing = await page('/room/0123456789abcdef01234567', { 'accept-language': 'ko' });
    assert.equal(missing.res.status, 404);
    assert.match(missing.html, /<h1>찾을 수 없습니다<\/h1>/);
  });

  it('says the newer refusals in Korean too', async () => {
    const badPath = await page('/room/%ZZ', { 'accept-language': 'ko' });
    assert.equal(badPath.res.status, 400);
    assert.match(badPath.html, /주소가 올바르게 쓰이지 않았습니다/);
    const v = await Visitor.create(srv.baseUrl);
    const roomId = await v.createRoom('한국어');
    const socket = await v.enter(roomId);
    const notGif = await v.uploadGif(roomId, Buffer.from('not a gif at all'), {
      headers: { accept: 'text/html', 'accept-language': 'ko' },
    });
    assert.equal(notGif.status, 415);
    assert.match(await notGif.text(), /그 파일은 GIF가 아닙니다/);
    socket.close();
  });
});
