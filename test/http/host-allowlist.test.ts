// DNS rebinding: a page on evil.example whose name is made to resolve to 127.0.0.1 sends
// Host: evil.example and Origin: http://evil.example, which agree, so the Origin check alone lets
// it act as the visitor. Host must name this server: localhost names and IP addresses always,
// other DNS names only from PUBLIC_URL or ALLOWED_HOSTS. Checked on every request and on the
// WebSocket upgrade. Requests go out with the Host header a rebinding browser would send.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Visitor } from '../helpers/visitor.js';

interface Answer {
  status: number;
  body: string;
}

/** An HTTP request to the test server with a Host header of our choosing (fetch forbids that). */
function ask(
  srv: TestServer,
  path: string,
  host: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const { port } = new URL(srv.baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        headers: { accept: 'application/json', ...init.headers, host },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Opens a socket with the given Host (and a matching Origin); resolves with 101 or the refusal. */
function upgrade(srv: TestServer, v: Visitor, host: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(srv.wsUrl, { headers: { host, origin: `http://${host}`, cookie: v.cookie } });
    ws.once('open', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

describe('Host allowlist against DNS rebinding', () => {
  let srv: TestServer;
  let port: string;
  let v: Visitor;
  before(async () => {
    srv = await startTestServer({
      ALLOWED_HOSTS: 'chat.example.com, .example.org',
      PUBLIC_URL: 'https://public.example.net/',
    });
    port = new URL(srv.baseUrl).port;
    v = await Visitor.create(srv.baseUrl);
  });
  after(async () => {
    await srv.close();
  });

  it('refuses a DNS name that is not allowed, on every path, with a clear reason', async () => {
    const evil = `evil.example:${port}`;
    for (const path of ['/', '/rooms', '/me', '/healthz', '/room/0123456789abcdef01234567', '/js/app.js', '/no/such']) {
      const res = await ask(srv, path, evil);
      assert.equal(res.status, 403, path);
      const body = JSON.parse(res.body) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'bad_host', path);
      assert.match(body.error.message, /does not answer to the host name "evil\.example".*ALLOWED_HOSTS/);
    }
    // The attack itself: the visitor's cookie, a valid token, and an Origin that matches Host.
    const post = await ask(srv, '/room', evil, {
      method: 'POST',
      headers: {
        cookie: v.cookie,
        'x-csrf-token': v.csrfToken,
        origin: `http://${evil}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ title: 'rebound', max: 5 }),
    });
    assert.equal(post.status, 403);
    for (const host of [
      'chat.example.com.evil.example',
      'example.org.evil',
      'localhost.evil.example',
      'sub.chat.example.com',
      'public.example.net.evil',
    ]) {
      assert.equal((await ask(srv, '/healthz', host)).status, 403, `Host: ${host}`);
    }
  });

  it('answers localhost names, IP addresses, PUBLIC_URL and ALLOWED_HOSTS', async () => {
    const allowed = [
      `localhost:${port}`,
      'LOCALHOST',
      `app.localhost:${port}`,
      `127.0.0.1:${port}`,
      '10.1.2.3',
      `[::1]:${port}`,
      '[2001:db8::7]',
      'chat.example.com',
      'Chat.Example.Com.:443',
      'example.org',
      'deep.sub.example.org',
      'public.example.net',
    ];
    for (const host of allowed) assert.equal((await ask(srv, '/healthz', host)).status, 200, `Host: ${host}`);
  });

  it('refuses the WebSocket upgrade for a disallowed Host, and allows it for localhost', async () => {
    const refused = await upgrade(srv, v, `evil.example:${port}`);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /does not answer to the host name "evil\.example"/);
    assert.equal((await upgrade(srv, v, `localhost:${port}`)).status, 101);
    assert.equal((await upgrade(srv, v, `127.0.0.1:${port}`)).status, 101);
  });
});
