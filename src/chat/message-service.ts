// Posting and reading messages. Whether a chat arrives over HTTP or over the socket, it takes this
// one path: validate → persist → publish.
import { isClientId, isObjectId, LIMITS, type MessageView, type Person } from '../shared/protocol.js';
import { systemText, type SystemInfo } from '../shared/system-events.js';
import { newestRecords, pageAfter, pageBefore, pageNewer, rememberPageEdge } from '../store/message-reads.js';
import { ClientIdReusedError, type MessageRecord } from '../store/message-repository.js';
import type { RoomRecord } from '../store/room-repository.js';
import { ChatError } from './chat-error.js';
import type { ChatEvents } from './chat-events.js';
import { cleanLine, cleanText } from './text-hygiene.js';
import { MessageWriter, type Draft, type Posted } from './message-writer.js';
import { KEEP, NewestMessages, newestPage, type HeldRecord } from './newest-messages.js';
import type { RoomOrder } from './room-order.js';
import type { RoomSequence } from './room-sequence.js';
import { toMessageView } from './views.js';

export type { Posted } from './message-writer.js';

/** A checked upload in the GIF store, and whether its still frame and WebP were made. */
export interface StoredGif {
  file: string;
  width: number;
  height: number;
  still: boolean;
  webp: boolean;
}

/** The uploader's description of a GIF: one cleaned line, or null when none was given. */
function checkAlt(rawAlt: string | undefined): string | null {
  const alt = cleanLine(rawAlt ?? '');
  if (alt.length > LIMITS.gifAltMaxChars) {
    throw new ChatError('invalid', `A GIF's description can be at most ${LIMITS.gifAltMaxChars} characters.`);
  }
  return alt.length > 0 ? alt : null;
}

export interface Page {
  messages: MessageView[];
  hasMore: boolean;
}

function checkText(rawText: string, clientId: string | undefined): string {
  const text = cleanText(rawText);
  if (text.length === 0) throw new ChatError('invalid', 'A message cannot be empty.');
  if (text.length > LIMITS.chatMaxChars) {
    throw new ChatError('invalid', `A message can be at most ${LIMITS.chatMaxChars} characters.`);
  }
  if (clientId !== undefined && !isClientId(clientId)) {
    throw new ChatError('invalid', 'clientId must be 1–64 characters of A-Z a-z 0-9 _ -.');
  }
  return text;
}

/** A page from up to `n + 1` records read oldest first: one more than `n` means there are more. */
function olderPage(records: MessageRecord[], n: number): Page {
  const hasMore = records.length > n;
  return { messages: (hasMore ? records.slice(1) : records).map(toMessageView), hasMore };
}

export class MessageService {
  private readonly writer: MessageWriter;
  /** Each room's newest messages, for its latest page (see newest-messages.ts). */
  private readonly newest: NewestMessages;
  /** Reads of a room's newest records under way, shared by everyone opening the room meanwhile. */
  private readonly reading = new Map<string, Promise<{ records: HeldRecord[]; complete: boolean }>>();

  constructor(
    events: ChatEvents,
    sequence: RoomSequence,
    private readonly order: RoomOrder,
  ) {
    this.writer = new MessageWriter(
      (message) => {
        this.newest.stored(message.roomId, message.seq);
        events.publish('message', message);
      },
      sequence,
      (roomId, seq) => events.publish('place-skipped', roomId, seq),
    );
    this.newest = new NewestMessages((roomId) => order.cursor(roomId));
    events.on('message', (message) => this.newest.delivered(message));
    events.on('room-removed', (roomId) => this.newest.forget(roomId));
  }

  /** Only the room's id is needed: the caller has already checked the author may post there. */
  postChat(room: Pick<RoomRecord, 'id'>, author: Person, rawText: string, clientId?: string): Promise<Posted> {
    return this.postText(room.id, author, null, rawText, clientId);
  }

  /** A message for one member of the room; only its author and recipient ever see it. */
  postWhisper(room: RoomRecord, author: Person, to: Person, rawText: string, clientId?: string): Promise<Posted> {
    return this.postText(room.id, author, to, rawText, clientId);
  }

  /** A chat, or with `to` a whisper: the text is checked, then stored and published. */
  private postText(
    roomId: string,
    author: Person,
    to: Person | null,
    rawText: string,
    clientId: string | undefined,
  ): Promise<Posted> {
    const text = checkText(rawText, clientId);
    const kind: Draft['kind'] = to ? 'whisper' : 'chat';
    return this.publish({
      roomId,
      kind,
      author,
      text,
      gif: null,
      to,
      system: null,
      clientId: clientId ?? null,
      deletes: null,
    });
  }

  /** `rawAlt`: the uploader's description, if any (cleaned and checked here). */
  postGif(room: RoomRecord, author: Person, gif: StoredGif, rawAlt?: string): Promise<Posted> {
    const alt = checkAlt(rawAlt);
    return this.publish({
      roomId: room.id,
      kind: 'gif',
      author,
      text: '',
      gif: { ...gif, alt },
      to: null,
      system: null,
      clientId: null,
      deletes: null,
    });
  }

  postSystem(roomId: string, system: SystemInfo): Promise<Posted> {
    const text = systemText(system);
    return this.publish({
      roomId,
      kind: 'system',
      author: null,
      text,
      gif: null,
      to: null,
      system,
      clientId: null,
      deletes: null,
    });
  }

  /**
   * The record that `target` was taken away, in the room's order: live sockets take it off their
   * transcript, and a client catching up after a reconnect learns of it. A whisper's record goes
   * only to its two people, as the whisper did.
   */
  postDeletion(roomId: string, actor: Person, target: { id: string; to: Person | null }): Promise<Posted> {
    return this.publish({
      roomId,
      kind: 'delete',
      author: actor,
      text: '',
      gif: null,
      to: target.to,
      system: null,
      clientId: null,
      deletes: target.id,
    });
  }

  private publish(draft: Draft): Promise<Posted> {
    return this.writer.write(draft).catch((err: unknown) => {
      if (err instanceof ClientIdReusedError) {
        throw new ChatError(
          'conflict',
          'That clientId was already used for a message in another room; make a new one.',
        );
      }
      throw err;
    });
  }

  close(): void {
    this.writer.close();
  }

  /**
   * Resolves once the room's delivery cursor is known here, so that `catchUpBoundary` can be read
   * in the same turn as a socket starts receiving the room's live messages.
   */
  live(roomId: string): Promise<void> {
    return this.order.ready(roomId);
  }

  /**
   * The last place delivered live in the room (after `live`): a catch-up taken now ends there, and
   * the live messages from now on begin above it.
   */
  catchUpBoundary(roomId: string): number {
    return this.order.cursor(roomId);
  }

  /** A page of history older than `before` (or the latest page) as `viewerId` may see it, oldest first. */
  async before(
    roomId: string,
    viewerId: string,
    before: string | undefined,
    limit: number = LIMITS.historyPage,
    beforeSeq?: number,
  ): Promise<Page> {
    if (before !== undefined && !isObjectId(before)) throw new ChatError('invalid', '`before` must be a message id.');
    const n = Math.min(Math.max(1, Math.trunc(limit)), 100);
    if (before === undefined) {
      const page = this.newest.page(roomId, viewerId, n) ?? (await this.readLatest(roomId, viewerId, n));
      // The next page back starts at its oldest message: its place is known (one read, not two).
      const edge = page.messages[0];
      if (edge) rememberPageEdge(roomId, edge.id, edge.seq);
      return page;
    }
    return olderPage(await pageBefore(roomId, viewerId, before, n + 1, beforeSeq), n);
  }

  /** The latest page from the room's newest records, read (and kept) now. */
  private async readLatest(roomId: string, viewerId: string, n: number): Promise<Page> {
    let read = this.reading.get(roomId);
    if (!read) {
      read = newestRecords(roomId, KEEP)
        .then((found) => {
          const records = found.map((r) => ({ view: toMessageView(r), deleted: r.deleted }));
          const complete = found.length < KEEP;
          this.newest.fill(roomId, records, complete);
          return { records, complete };
        })
        .finally(() => this.reading.delete(roomId));
      this.reading.set(roomId, read);
    }
    const { records, complete } = await read;
    // A read shared with others may have begun before this process stored a message the caller
    // was told is stored; and a viewer may hold too few messages among the newest records.
    const page = this.newest.holdsStored(roomId, records.at(-1)?.view.seq ?? 0)
      ? newestPage(records, complete, viewerId, n)
      : undefined;
    return page ?? olderPage(await pageBefore(roomId, viewerId, undefined, n + 1), n);
  }

  /**
   * A page of history newer than message `after` as `viewerId` may see it, oldest first: for a
   * reader whose transcript let the newest go while they read older ones. `after` must name a
   * message of this room (one taken away since still does: the reader may hold it).
   */
  async newer(
    roomId: string,
    viewerId: string,
    after: string,
    limit: number = LIMITS.historyPage,
    afterSeq?: number,
  ): Promise<Page> {
    if (!isObjectId(after)) throw new ChatError('invalid', '`after` must be a message id.');
    const n = Math.min(Math.max(1, Math.trunc(limit)), 100);
    const records = await pageNewer(roomId, viewerId, after, n + 1, afterSeq);
    if (!records) throw new ChatError('invalid', '`after` names no message of this room.');
    const hasMore = records.length > n;
    return { messages: records.slice(0, n).map(toMessageView), hasMore };
  }

  /**
   * What a reconnecting client missed after message `after` and up to place `boundary` (from
   * `catchUpBoundary`, taken when its live messages began), one page at a time, oldest first.
   */
  async after(roomId: string, viewerId: string, after: string, boundary: number): Promise<Page> {
    const n = LIMITS.historyPage;
    const records = await pageAfter(roomId, viewerId, after, boundary, n + 1);
    const hasMore = records.length > n;
    return { messages: records.slice(0, n).map(toMessageView), hasMore };
  }
}
