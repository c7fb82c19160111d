// Turns stored records into the shapes pages and frames carry.
import type { GifView, MemberView, MessageView, Person, RoomSummary } from '../shared/protocol.js';
import type { GifRecord, MessageRecord } from '../store/message-repository.js';
import type { RoomRecord } from '../store/room-repository.js';

import { mediaName } from './uploaded-gifs.js';

export const gifUrl = (file: string): string => `/gif/${file}`;

function toGifView(g: GifRecord): GifView {
  return {
    url: gifUrl(g.file),
    width: g.width,
    height: g.height,
    alt: g.alt,
    still: g.still ? gifUrl(mediaName(g.file, 'still')) : null,
    webp: g.webp ? gifUrl(mediaName(g.file, 'webp')) : null,
  };
}

export function toMessageView(m: MessageRecord): MessageView {
  return {
    id: m.id,
    roomId: m.roomId,
    kind: m.kind,
    author: m.author,
    to: m.to,
    system: m.system,
    text: m.text,
    gif: m.gif ? toGifView(m.gif) : null,
    createdAt: m.createdAt.toISOString(),
    clientId: m.clientId,
    deletes: m.deletes,
    seq: m.seq,
  };
}

export function toRoomSummary(room: RoomRecord, memberCount: number): RoomSummary {
  return {
    id: room.id,
    title: room.title,
    isPrivate: room.passwordHash !== null,
    memberCount,
    max: room.max,
    owner: room.owner,
  };
}

export function toMemberViews(room: RoomRecord, people: Person[]): MemberView[] {
  return people.map((p) => ({ ...p, isOwner: p.id === room.owner.id }));
}
