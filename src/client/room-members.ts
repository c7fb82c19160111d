// The people side of the room page: the member list and its actions (whisper; for the owner,
// make owner and kick, each confirmed first), the owner's Delete button following ownership as
// it moves, and whisper mode following who is still here.
import type { ClientFrame, MemberView } from '../shared/protocol';
import { t } from './i18n';
import { isOwner, renderMembers, type MemberActions } from './member-list';
import type { WhisperMode } from './whisper-mode';

export interface RoomMembersDeps {
  roomId: string;
  meId: string;
  max: number;
  list: HTMLUListElement;
  count: HTMLElement | null;
  /** The room page's root: marked `is-owner` while I own the room (owners may delete any message). */
  root: HTMLElement;
  /** Controls only the owner sees (Delete room, the password form). */
  ownerControls: HTMLElement[];
  whisper: WhisperMode;
  /** Sends a frame if connected and joined; false otherwise. */
  send(frame: ClientFrame): boolean;
  notice(text: string): void;
}

export class RoomMembers {
  private readonly actions: MemberActions;

  constructor(private readonly d: RoomMembersDeps) {
    this.actions = {
      whisper: (m) => d.whisper.start(m),
      makeOwner: (m) => {
        if (window.confirm(t('member.makeOwnerConfirm', { name: m.nickname }))) {
          d.send({ type: 'transfer', roomId: d.roomId, userId: m.id });
        }
      },
      kick: (m) => {
        if (window.confirm(t('member.kickConfirm', { name: m.nickname }))) {
          d.send({ type: 'kick', roomId: d.roomId, userId: m.id });
        }
      },
    };
  }

  update(members: MemberView[]): void {
    const { d } = this;
    renderMembers(d.list, d.count, d.max, members, d.meId, this.actions);
    const owner = isOwner(members, d.meId);
    for (const control of d.ownerControls) control.hidden = !owner;
    d.root.classList.toggle('is-owner', owner);
    const gone = d.whisper.membersChanged(members);
    if (gone) d.notice(gone);
  }

  /** I am out of the room: nobody to act on any more. */
  clear(): void {
    this.d.list.replaceChildren();
    this.d.whisper.stop();
    for (const control of this.d.ownerControls) control.hidden = true;
    this.d.root.classList.remove('is-owner');
  }
}
