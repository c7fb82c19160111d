// One real server for a describe block: started before its tests, and closed after them together
// with every socket the tests kept open (pushed to `sockets`).
import { after, before } from 'node:test';
import { startTestServer, type TestServer } from './server.js';
import type { TestSocket } from './visitor.js';

export interface SuiteServer {
  /** The running server (only inside tests and hooks: it starts in `before`). */
  readonly srv: TestServer;
  sockets: TestSocket[];
}

export function suiteServer(overrides: Record<string, string> = {}): SuiteServer {
  let srv: TestServer | undefined;
  const sockets: TestSocket[] = [];
  before(async () => {
    srv = await startTestServer(overrides);
  });
  after(async () => {
    for (const s of sockets) s.ws.terminate();
    await srv?.close();
  });
  return {
    get srv() {
      if (!srv) throw new Error('the suite server starts in `before`: use it inside tests');
      return srv;
    },
    sockets,
  };
}
