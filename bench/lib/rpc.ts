// Request/response over the child_process IPC channel: the orchestrator calls named methods in
// the server and load processes it forked and awaits their answers.
import type { ChildProcess } from 'node:child_process';

interface Request {
  rpc: number;
  method: string;
  arg: unknown;
}
interface Response {
  rpc: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export type Handlers = Record<string, (arg: never) => unknown>;

/** In a forked child: answer calls from the parent with `handlers`. */
export function serve(handlers: Handlers): void {
  process.on('message', (raw: unknown) => {
    const req = raw as Request | null;
    if (typeof req?.rpc !== 'number') return;
    const fn = handlers[req.method] as ((arg: unknown) => unknown) | undefined;
    Promise.resolve()
      .then(() => {
        if (!fn) throw new Error(`no method ${req.method}`);
        return fn(req.arg);
      })
      .then(
        (value) => process.send?.({ rpc: req.rpc, ok: true, value } satisfies Response),
        (err: unknown) =>
          process.send?.({
            rpc: req.rpc,
            ok: false,
            error: String((err as Error | null | undefined)?.stack ?? err),
          } satisfies Response),
      );
  });
}

/** In the parent: a forked child whose methods can be called. */
export class Remote {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.on('message', (raw: unknown) => {
      const res = raw as Response | null;
      if (typeof res?.rpc !== 'number') return;
      const p = this.pending.get(res.rpc);
      if (!p) return;
      this.pending.delete(res.rpc);
      if (res.ok) p.resolve(res.value);
      else p.reject(new Error(`${name}: ${res.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`${name} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  call<T>(method: string, arg?: unknown): Promise<T> {
    const rpc = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(rpc, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ rpc, method, arg } satisfies Request);
    });
  }

  /** Ends the child: SIGTERM, then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
