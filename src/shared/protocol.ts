// The WebSocket protocol shared by the server (src/realtime) and the browser (src/client), so the
// two cannot drift. Every frame is a JSON text frame: an object with a string `type`.
import { z } from 'zod';
import type { SystemInfo } from './system-events.js';

export const LIMITS = {
  chatMaxChars: 2000,
  titleMaxChars: 60,
  nicknameMaxChars: 24,
  historyPage: 50,
  clientIdMaxChars: 64,
  /** An uploaded GIF's description (its alt text). */
  gifAltMaxChars: 200,
} as const;

// The one definition of each id's shape; the server's other layers check ids with these too.
/** Room, message and visitor ids: a MongoDB ObjectId written as 24 lowercase hex digits. */
const OBJECT_ID_HEX = /^[0-9a-f]{24}$/;
export const objectIdSchema = z.string().regex(OBJECT_ID_HEX, 'expected a 24-hex id');
const visitorId = z.string().regex(OBJECT_ID_HEX, 'expected a visitor id');
/** The sender's own id for a message, so that a retried send is stored and acknowledged once. */
export const clientIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.clientIdMaxChars)
  .regex(/^[A-Za-z0-9_-]+$/);

export const isObjectId = (value: unknown): value is string => objectIdSchema.safeParse(value).success;
export const isClientId = (value: unknown): value is string => clientIdSchema.safeParse(value).success;

/** Frames the browser sends. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('lobby') }).strict(),
  z.object({ type: z.literal('join'), roomId: objectIdSchema, after: objectIdSchema.optional() }).strict(),
  z.object({ type: z.literal('leave'), roomId: objectIdSchema }).strict(),
  z
    .object({
      type: z.literal('chat'),
      roomId: objectIdSchema,
      text: z.string().min(1).max(LIMITS.chatMaxChars),
      clientId: clientIdSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal('history'), roomId: objectIdSchema, after: objectIdSchema }).strict(),
  z.object({ type: z.literal('typing'), roomId: objectIdSchema }).strict(),
  z
    .object({
      type: z.literal('whisper'),
      roomId: objectIdSchema,
      to: visitorId,
      text: z.string().min(1).max(LIMITS.chatMaxChars),
      clientId: clientIdSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal('kick'), roomId: objectIdSchema, userId: visitorId }).strict(),
  z.object({ type: z.literal('transfer'), roomId: objectIdSchema, userId: visitorId }).strict(),
  z.object({ type: z.literal('delete'), roomId: objectIdSchema, messageId: objectIdSchema }).strict(),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export interface UserView {
  id: string;
  nickname: string;
  color: string;
}

/**
 * A visitor as the server's code speaks of them (session, presence, room owner, message author).
 * The same shape travels on the wire as UserView, so it is one type under two names.
 */
export type Person = UserView;

export interface GifView {
  /** The GIF itself (image/gif), for every browser. */
  url: string;
  width: number;
  height: number;
  /** The uploader's description; null: name it "GIF from <nickname>" in the reader's language. */
  alt: string | null;
  /** The first frame, still (image/png), shown while the GIF is paused; null if none could be made. */
  still: string | null;
  /** The animation as animated WebP (image/webp), smaller than the GIF; null if none was made. */
  webp: string | null;
}

export interface MessageView {
  id: string;
  roomId: string;
  /** `delete`: not shown; it says the message `deletes` was taken away (remove it if shown). */
  kind: 'chat' | 'gif' | 'system' | 'whisper' | 'delete';
  author: UserView | null;
  /** What a system message says, for rendering in the reader's language; null otherwise. */
  system: SystemInfo | null;
  /** The one recipient of a whisper; null for everything else. */
  to: UserView | null;
  text: string;
  gif: GifView | null;
  createdAt: string;
  clientId: string | null;
  /** For a `delete` record: the id of the message taken away; null otherwise. */
  deletes: string | null;
  /** Its place in the room (1, 2, 3…): the order every client shows a room's messages in. */
  seq: number;
}

export interface MemberView extends UserView {
  isOwner: boolean;
}

export interface RoomSummary {
  id: string;
  title: string;
  isPrivate: boolean;
  memberCount: number;
  max: number;
  owner: UserView;
}

export type ErrorCode =
  | 'bad_json'
  | 'bad_frame'
  | 'not_found'
  | 'forbidden'
  | 'room_full'
  /** Someone in the room has this name, or a clientId was already used in another room. */
  | 'conflict'
  | 'not_joined'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** Frames the server sends. */
export type ServerFrame =
  | { type: 'hello'; me: UserView }
  | { type: 'joined'; roomId: string; members: MemberView[] }
  | { type: 'catchup'; roomId: string; messages: MessageView[]; more: boolean }
  | { type: 'message'; message: MessageView }
  | { type: 'ack'; clientId: string; id: string }
  | { type: 'members'; roomId: string; members: MemberView[] }
  | { type: 'typing'; roomId: string; user: UserView }
  | { type: 'kicked'; roomId: string; message: string }
  | { type: 'room-created'; room: RoomSummary }
  | { type: 'room-updated'; room: RoomSummary }
  | { type: 'room-removed'; roomId: string }
  | { type: 'error'; code: ErrorCode; message: string; clientId?: string };

export type ParseResult =
  { ok: true; frame: ClientFrame } | { ok: false; code: 'bad_json' | 'bad_frame'; message: string };

/** Parses one inbound text frame exactly once and validates it against the schema. */
export function parseClientFrame(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
  }
  const result = clientFrameSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, code: 'bad_frame', message: `${issue?.message ?? 'invalid frame'}${where}` };
  }
  return { ok: true, frame: result.data };
}
