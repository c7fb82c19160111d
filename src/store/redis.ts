// The one Redis connection an instance holds when REDIS_URL is set: opened (and checked) at
// start, closed at shutdown. Everything shared between instances goes through it; the chat and
// the HTTP layer never import this, the composition root hands them what is built on it.
import { Redis } from 'ioredis';

export interface RedisConnection {
  client: Redis;
  /** Where it points, without any password, for the start-up log line. */
  description: string;
  close(): Promise<void>;
}

export async function connectRedis(url: string, onLog: (line: string) => void): Promise<RedisConnection> {
  // lazyConnect: the first connect is awaited here, so a wrong REDIS_URL stops the start with a
  // clear error instead of an instance that runs without its shared state.
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let lastError = '';
  client.on('error', (err: Error) => {
    // ioredis reconnects on its own; say so once per distinct failure, not on every retry.
    if (err.message !== lastError) onLog(`Redis: ${err.message} (reconnecting)`);
    lastError = err.message;
  });
  client.on('ready', () => (lastError = ''));
  const where = new URL(url);
  const description = `${where.protocol}//${where.host}${where.pathname === '/' ? '' : where.pathname}`;
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot reach Redis at ${description}: ${lastError || (err as Error).message}`, { cause: err });
  }
  return {
    client,
    description,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
