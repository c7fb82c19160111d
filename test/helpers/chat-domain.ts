// The chat domain on its own, for unit tests: a real embedded database in a fresh temporary
// directory and `createChat` over it, with no HTTP or socket layer in front. Mongoose keeps one
// connection per process, so a test file starts one store and may build several chats on it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createChat, type Chat, type ChatOptions } from '../../src/chat/create-chat.js';
import { memoryLimiters } from '../../src/rate-limiters.js';
import { connectStore, type StoreConnection } from '../../src/store/connection.js';
import { embeddedDatabaseUrl, resolveEmbeddedDbCredentials } from '../../src/store/embedded-db-credentials.js';
import { diskGifStore } from '../../src/store/gif-files.js';

export interface ChatStore {
  dir: string;
  store: StoreConnection;
  /** The database's URL with the app's login, for a test that disconnects Mongoose and comes back. */
  databaseUrl: string;
  /** A chat domain over this store; closed with the store. */
  chat(options?: Partial<ChatOptions>): Promise<Chat>;
  close(): Promise<void>;
}

const DEFAULTS: Omit<ChatOptions, 'gifs'> = {
  roomIdleMs: 60_000,
  roomMaxMembers: 10,
  presenceGraceMs: 50,
  chatPer10s: 20,
  chatPerIpPer10s: 100,
  limiters: memoryLimiters,
  // A failure in the background (a leave that could not be stored) is a failed test.
  onError: (err) => {
    throw err;
  },
};

export async function startChatStore(): Promise<ChatStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gifchat-domain-'));
  const store = await connectStore({ mongoUrl: undefined, dataDir: dir, opTimeoutMs: 5000 });
  const chats: Chat[] = [];
  if (!store.embedded) throw new Error('the chat domain tests run on the embedded database');
  const databaseUrl = embeddedDatabaseUrl(store.embedded, await resolveEmbeddedDbCredentials(dir));
  return {
    dir,
    store,
    databaseUrl,
    async chat(options = {}) {
      const chat = await createChat({ ...DEFAULTS, gifs: diskGifStore(path.join(dir, 'uploads')), ...options });
      chats.push(chat);
      return chat;
    },
    async close() {
      for (const chat of chats) chat.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
