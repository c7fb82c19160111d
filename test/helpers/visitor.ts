// A test visitor: real HTTP with its own session cookie and CSRF token, and real ws sockets.
import WebSocket from 'ws';
import type { MessageView, ServerFrame, UserView } from '../../src/shared/protocol.js';

export class Visitor {
  private constructor(
    readonly baseUrl: string,
    readonly cookie: string,
    readonly csrfToken: string,
    readonly me: UserView,
  ) {}

  static async create(baseUrl: string): Promise<Visitor> {
    const res = await fetch(`${baseUrl}/me`, { headers: { accept: 'application/json' } });
    const setCookie = res.headers.get('set-cookie');
    if (!setCookie) throw new Error('no session cookie');
    const body = (await res.json()) as { me: UserView; csrfToken: string };
    return new Visitor(baseUrl, setCookie.split(';')[0]!, body.csrfToken, body.me);
  }

  /** The same visitor (cookie, CSRF token) talking to another instance that shares the session store. */
  at(baseUrl: string): Visitor {
    return new Visitor(baseUrl, this.cookie, this.csrfToken, this.me);
  }

  fetch(path: string, init: RequestInit & { csrf?: boolean } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', this.cookie);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    if (init.csrf !== false && init.method && init.method !== 'GET') headers.set('x-csrf-token', this.csrfToken);
    return fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
  }

  postJson(path: string, body: unknown, init: RequestInit & { csrf?: boolean } = {}): Promise<Response> {
    return this.fetch(path, {
      ...init,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      body: JSON.stringify(body),
    });
  }

  async createRoom(title: string, opts: { max?: number; password?: string } = {}): Promise<string> {
    const res = await this.postJson('/room', { title, max: opts.max ?? 10, password: opts.password ?? '' });
    if (res.status !== 201) throw new Error(`create room: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { room: { id: string } }).room.id;
  }

  async unlock(roomId: string, password: string): Promise<number> {
    const res = await this.postJson(`/room/${roomId}/password`, { password });
    return res.status;
  }

  /** A page of a room's history as this visitor may read it: the latest, or as `query` says. */
  async history(roomId: string, query = ''): Promise<{ messages: MessageView[]; hasMore: boolean }> {
    const res = await this.fetch(`/room/${roomId}/messages${query}`);
    if (res.status !== 200) throw new Error(`history: ${res.status} ${await res.text()}`);
    return (await res.json()) as { messages: MessageView[]; hasMore: boolean };
  }

  socket(wsUrl: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    return TestSocket.open(wsUrl, { cookie: this.cookie, origin: this.baseUrl, ...headers });
  }

  /** Posts a GIF as the page's upload does: multipart field `gif` (the file's name and type as given). */
  uploadGif(
    roomId: string,
    bytes: Buffer = makeGif(),
    opts: { name?: string; type?: string; csrf?: boolean; headers?: Record<string, string>; alt?: string } = {},
  ): Promise<Response> {
    const form = new FormData();
    if (opts.alt !== undefined) form.append('alt', opts.alt);
    form.append('gif', new Blob([new Uint8Array(bytes)], { type: opts.type ?? 'image/gif' }), opts.name ?? 'x.gif');
    return this.fetch(`/room/${roomId}/gif`, { method: 'POST', body: form, csrf: opts.csrf, headers: opts.headers });
  }

  /** Opens the room as its page does (a socket joined to it): posting needs a place in the room. */
  async enter(roomId: string): Promise<TestSocket> {
    const socket = await this.socket(`${this.baseUrl.replace(/^http/, 'ws')}/ws`);
    await socket.join(roomId);
    return socket;
  }
}

/** A ws client that queues frames so tests can await the next one of a type. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: Array<() => void> = [];
  closeCode: number | undefined;
  /** The server process that accepted the socket (X-Instance of its 101 answer: the worker's pid). */
  instance: string | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse((data as Buffer).toString('utf8')) as ServerFrame);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  static open(url: string, headers: Record<string, string>): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const socket = new TestSocket(ws);
      ws.once('upgrade', (res) => (socket.instance = res.headers['x-instance'] as string | undefined));
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Joins a room and waits until the server says so. */
  async join(roomId: string): Promise<Extract<ServerFrame, { type: 'joined' }>> {
    this.send({ type: 'join', roomId });
    return this.next('joined', (f) => f.roomId === roomId);
  }

  /** Removes and returns the first queued frame matching, waiting up to `ms` (or until the socket closes). */
  async next<T extends ServerFrame['type']>(
    type: T,
    match: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    ms = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const index = () => this.frames.findIndex((f) => f.type === type && match(f as Extract<ServerFrame, { type: T }>));
    await this.wait(() => index() >= 0 || this.closeCode !== undefined, ms);
    const i = index();
    if (i < 0) {
      throw new Error(`no ${type} frame within ${ms} ms (closed: ${String(this.closeCode)}); got ${this.frameTypes()}`);
    }
    return this.frames.splice(i, 1)[0] as Extract<ServerFrame, { type: T }>;
  }

  /** Waits until the queued frames satisfy `done`. */
  async until(done: (frames: ServerFrame[]) => boolean, ms = 5000): Promise<void> {
    if (!(await this.wait(() => done(this.frames), ms))) {
      throw new Error(`condition not met within ${ms} ms; got ${this.frameTypes()}`);
    }
  }

  async closed(ms = 5000): Promise<number> {
    await this.wait(() => this.closeCode !== undefined, ms);
    if (this.closeCode === undefined) throw new Error('socket did not close');
    return this.closeCode;
  }

  /** The one wait: wakes on every frame and on close until `ready` holds; false if `ms` ran out first. */
  private async wait(ready: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  private frameTypes(): string {
    return JSON.stringify(this.frames.map((f) => f.type));
  }

  close(): void {
    this.ws.close();
  }
}

/** A small valid GIF89a (1×1 or the given logical size) built from bytes. */
export function makeGif(width = 1, height = 1): Buffer {
  const header = Buffer.from('GIF89a', 'ascii');
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen[4] = 0x80; // global colour table, 2 entries
  const palette = Buffer.from([0, 0, 0, 255, 255, 255]);
  const descriptor = Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
  const image = Buffer.from([0x02, 0x02, 0x44, 0x01, 0x00]);
  return Buffer.concat([header, screen, palette, descriptor, image, Buffer.from([0x3b])]);
}
