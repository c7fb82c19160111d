// The "Members" list and the room's member count, from `joined` and `members` frames.
import type { MemberView } from '../shared/protocol';
import { el, nick } from './dom';

export function renderMembers(list: HTMLUListElement, count: HTMLElement | null, max: number, members: MemberView[], meId: string): void {
  const sorted = [...members].sort((a, b) => Number(b.isOwner) - Number(a.isOwner) || a.nickname.localeCompare(b.nickname));
  list.replaceChildren(
    ...sorted.map((p) => {
      const li = el('li', { class: 'member', 'data-user-id': p.id }, [nick(p)]);
      if (p.id === meId) li.append(' ', el('span', { class: 'member-you' }, ['(you)']));
      if (p.isOwner) li.append(' ', el('span', { class: 'badge' }, ['owner']));
      return li;
    }),
  );
  if (count) count.textContent = `${members.length}/${max}`;
}
