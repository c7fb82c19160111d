// The "Members" list and the room's member count, from `joined` and `members` frames; mirrors the
// member macro in views/macros.njk. Beside each other member: Whisper, and for the owner only,
// Make owner and Kick (the server refuses them from anyone else anyway).
import type { MemberView } from '../shared/protocol';
import { el, nick } from './dom';
import { t } from './i18n';

export interface MemberActions {
  whisper(member: MemberView): void;
  makeOwner(member: MemberView): void;
  kick(member: MemberView): void;
}

type Action = keyof MemberActions;

function actionButton(action: Action, member: MemberView, actions: MemberActions): HTMLButtonElement {
  const name = member.nickname;
  const [text, label] =
    action === 'whisper'
      ? [t('member.whisper'), t('member.whisperTo', { name })]
      : action === 'makeOwner'
        ? [t('member.makeOwner'), t('member.makeOwnerName', { name })]
        : [t('member.kick'), t('member.kickName', { name })];
  const button = el(
    'button',
    { type: 'button', class: `button small member-${action}`, 'aria-label': label, 'data-action': action },
    [text],
  );
  button.addEventListener('click', () => actions[action](member));
  return button;
}

export function isOwner(members: MemberView[], id: string): boolean {
  return members.some((m) => m.id === id && m.isOwner);
}

export function renderMembers(
  list: HTMLUListElement,
  count: HTMLElement | null,
  max: number,
  members: MemberView[],
  meId: string,
  actions?: MemberActions,
): void {
  const iOwn = isOwner(members, meId);
  // The list is rebuilt on every change; keep keyboard focus on the same button if it survives.
  const focused =
    document.activeElement instanceof HTMLElement && list.contains(document.activeElement)
      ? document.activeElement
      : null;
  const focusKey = focused
    ? `${focused.closest<HTMLElement>('[data-user-id]')?.dataset.userId}:${focused.dataset.action}`
    : '';

  const sorted = [...members].sort(
    (a, b) => Number(b.isOwner) - Number(a.isOwner) || a.nickname.localeCompare(b.nickname),
  );
  list.replaceChildren(
    ...sorted.map((p) => {
      const li = el('li', { class: 'member', 'data-user-id': p.id }, [nick(p)]);
      if (p.id === meId) li.append(' ', el('span', { class: 'member-you' }, [t('member.you')]));
      if (p.isOwner) li.append(' ', el('span', { class: 'badge' }, [t('member.owner')]));
      if (actions && p.id !== meId) {
        const kinds: Action[] = iOwn ? ['whisper', 'makeOwner', 'kick'] : ['whisper'];
        li.append(
          el(
            'span',
            { class: 'member-actions' },
            kinds.map((k) => actionButton(k, p, actions)),
          ),
        );
      }
      return li;
    }),
  );
  if (focusKey) {
    const [userId, action] = focusKey.split(':');
    list
      .querySelector<HTMLElement>(
        `[data-user-id="${CSS.escape(userId ?? '')}"] [data-action="${CSS.escape(action ?? '')}"]`,
      )
      ?.focus();
  }
  if (count) count.textContent = `${members.length}/${max}`;
}
