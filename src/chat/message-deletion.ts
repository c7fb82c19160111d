// Taking a message back: its author may, and the room's owner may take away any message but the
// system's and others' whispers (room-access.ts decides, for the socket and HTTP alike). The
// message is marked deleted (its text and GIF cleared, so no page or history shows it again), its
// GIF file removed (each upload belongs to one message), and a `delete` record takes a place in
// the room's order, so live sockets and clients catching up later take it off their transcript.
import { isObjectId, type MessageView, type Person } from '../shared/protocol.js';
import { findMessage } from '../store/message-reads.js';
import { markDeleted } from '../store/message-repository.js';
import type { RoomRecord } from '../store/room-repository.js';
import { ChatError } from './chat-error.js';
import type { MessageService } from './message-service.js';
import type { RoomAccess } from './room-access.js';
import type { GifStore } from './uploaded-gifs.js';

export class MessageDeletion {
  constructor(
    private readonly messages: MessageService,
    private readonly access: RoomAccess,
    private readonly gifs: GifStore,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Takes message `messageId` of `room` away for everyone; answers the record of it. */
  async delete(room: RoomRecord, actor: Person, messageId: string): Promise<MessageView> {
    if (!isObjectId(messageId)) throw new ChatError('invalid', 'messageId must be a message id.');
    this.access.requireMember(room, actor);
    const target = await findMessage(room.id, messageId);
    // Someone else's whisper is, for this person, a message that does not exist.
    const visible = target && (target.to === null || target.author?.id === actor.id || target.to.id === actor.id);
    if (!target || !visible || target.deleted || target.kind === 'delete') {
      throw new ChatError('not_found', 'There is no such message in this room; it may have been deleted.');
    }
    this.access.requireMayDelete(room, actor, target);
    // Checked again after the read: a kick may have landed meanwhile.
    this.access.requireMember(room, actor);
    if (!(await markDeleted(room.id, messageId))) {
      throw new ChatError('not_found', 'That message was just deleted.');
    }
    if (target.gif) this.gifs.remove([target.gif.file]).catch(this.onError);
    return (await this.messages.postDeletion(room.id, actor, target)).message;
  }
}
