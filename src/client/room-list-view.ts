// One lobby entry; mirrors the roomItem macro in views/macros.njk.
import type { RoomSummary } from '../shared/protocol';
import { el, nick } from './dom';
import { t } from './i18n';

export function roomItem(room: RoomSummary): HTMLLIElement {
  const full = room.memberCount >= room.max;
  const meta = el('span', { class: 'room-meta' });
  if (room.isPrivate) {
    meta.append(el('img', { class: 'lock', src: '/img/lock.svg', alt: t('room.private'), width: 14, height: 14 }), ' ');
  }
  meta.append(el('span', { class: 'room-count', title: t('room.countTitle') }, [`${room.memberCount}/${room.max}`]));
  if (full) meta.append(' ', el('span', { class: 'room-full' }, [t('room.full')]));
  meta.append(' ', el('span', { class: 'room-owner' }, [`${t('room.by')} `, nick(room.owner)]));
  return el('li', { class: full ? 'room-card is-full' : 'room-card', 'data-room-id': room.id }, [
    el('a', { class: 'room-link', href: `/room/${encodeURIComponent(room.id)}` }, [room.title]),
    meta,
  ]);
}
