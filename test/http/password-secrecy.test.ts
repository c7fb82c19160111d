// A room password goes in request bodies only: it must never come back in a URL, a redirect, a
// page, a WebSocket frame or a log line, nor be stored readable on disk. The server runs as its
// own process with the most verbose request log so everything it prints can be searched.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startProcess, stopProcess } from '../helpers/processes.js';
import { Visitor } from '../helpers/visitor.js';

const FIRST = 'Zebra-Hunter2-first';
const SECOND = 'Zebra-Hunter2-second';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('password secrecy', () => {
  it('never shows a room password in a URL, page, frame, log line or data file', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gifchat-secret-'));
    const env = {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MONGO_URL: '',
      LOG_FORMAT: 'combined',
    };
    const { child, match, output } = await startProcess('main.js', env, /listening on (http:\/\/\S+)/);
    const seen: string[] = []; // every URL, header and body the clients got back
    try {
      const url = match[1]!.replace('localhost', '127.0.0.1');
      const owner = await Visitor.create(url);
      const guest = await Visitor.create(url);
      const form = (v: Visitor, to: string, fields: Record<string, string>) =>
        v.fetch(to, {
          method: 'POST',
          csrf: false,
          headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ ...fields, _csrf: v.csrfToken }),
        });
      const record = async (res: Response) => {
        seen.push(res.url, JSON.stringify([...res.headers]), await res.text());
        return res;
      };

      const created = await record(await form(owner, '/room', { title: 'vault', max: '5', password: FIRST }));
      assert.equal(created.status, 303);
      const roomPath = created.headers.get('location')!;
      const roomId = roomPath.split('/').pop()!;
      const socket = await guest.socket(url.replace('http', 'ws') + '/ws');
      socket.ws.on('message', (data) => seen.push((data as Buffer).toString()));
      socket.send({ type: 'lobby' });
      assert.equal((await record(await form(guest, `${roomPath}/password`, { password: 'wrong' }))).status, 401);
      assert.equal((await record(await form(guest, `${roomPath}/password`, { password: FIRST }))).status, 303);
      await record(await guest.fetch(roomPath, { headers: { accept: 'text/html' } }));
      await socket.join(roomId);
      socket.send({ type: 'chat', roomId, text: 'inside', clientId: 'c1' });
      await socket.next('ack');
      assert.equal((await record(await form(owner, `${roomPath}/settings`, { password: SECOND }))).status, 303);
      await socket.next('room-updated');
      await record(await owner.fetch(roomPath, { headers: { accept: 'text/html' } }));
      await record(await guest.fetch('/rooms'));
      await record(await guest.fetch(`${roomPath}/messages`));
      socket.close();

      const logs = output();
      assert.match(logs, /POST \/room\/[0-9a-f]{24}\/password/, 'the request log is on');
      for (const secret of [FIRST, SECOND]) {
        for (const text of [...seen, logs])
          assert.ok(!text.includes(secret), `${secret} leaked in: ${text.slice(0, 200)}`);
      }
    } finally {
      await stopProcess(child, 'SIGTERM');
    }
    for (const file of await filesUnder(dataDir)) {
      const bytes = await readFile(file);
      for (const secret of [FIRST, SECOND])
        assert.equal(bytes.indexOf(secret), -1, `${secret} stored readable in ${file}`);
    }
    await rm(dataDir, { recursive: true, force: true });
  });
});
