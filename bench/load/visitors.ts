// gif-chat visitors over real HTTP: GET /me gives a session cookie and a CSRF token.
import WebSocket from 'ws';
export interface Session {
  cookie: string;
  csrfToken: string;
  origin: string;
}

/**
 * A new visitor. With `nickname`, it is named that: guest names are random (guest-xxxx), and two
 * of a hundred visitors share one about one run in thirteen, which a room refuses.
 */
export async function newSession(origin: string, nickname?: string): Promise<Session> {
  const res = await fetch(`${origin}/me`, { headers: { accept: 'application/json' } });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!res.ok || !cookie) throw new Error(`GET /me: ${res.status}`);
  const body = (await res.json()) as { csrfToken: string };
  const session = { cookie, csrfToken: body.csrfToken, origin };
  if (nickname !== undefined) {
    const named = await fetch(`${origin}/me/nickname`, {
      method: 'POST',
      headers: {
        cookie,
        'x-csrf-token': body.csrfToken,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ nickname }),
    });
    if (!named.ok) throw new Error(`POST /me/nickname: ${named.status} ${await named.text()}`);
  }
  return session;
}

export async function createRoom(s: Session, title: string, max: number): Promise<string> {
  const res = await fetch(`${s.origin}/room`, {
    method: 'POST',
    headers: {
      cookie: s.cookie,
      'x-csrf-token': s.csrfToken,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: JSON.stringify({ title, max, password: '' }),
  });
  if (res.status !== 201) throw new Error(`POST /room: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { room: { id: string } }).room.id;
}

/** Opens a socket in the room, as the room's page does: posting over HTTP needs a place in it. */
export function enterRoom(s: Session, roomId: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.origin.replace(/^http/, 'ws')}/ws`, {
      headers: { cookie: s.cookie, origin: s.origin },
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'join', roomId })));
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; roomId?: string; message?: string };
      if (frame.type === 'joined' && frame.roomId === roomId) resolve(ws);
      else if (frame.type === 'error') reject(new Error(`join: ${frame.message ?? ''}`));
    });
    ws.once('error', reject);
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}
