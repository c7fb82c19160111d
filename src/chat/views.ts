// Turns stored records into the shapes pages and frames carry.
import type { MemberView, MessageView, Person, RoomSummary } from '../shared/protocol.js';
import type { MessageRecord } from '../store/message-repository.js';
import type { RoomRecord } from '../store/room-repository.js';

export const gifUrl = (file: string): string => `/gif/${file}`;

export function toMessageView(m: MessageRecord): MessageView {
  return {
    id: m.id,
    roomId: m.roomId,
    kind: m.kind,
    author: m.author,
    to: m.to,
    system: m.system,
    text: m.text,
    gif: m.gif ? { url: gifUrl(m.gif.file), width: m.gif.width, height: m.gif.height } : null,
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
