// Builds one transcript entry from a MessageView; mirrors the message macro in views/macros.njk.
import type { GifView, MessageView, UserView } from '../shared/protocol';
import { systemText } from '../shared/system-events';
import { el, nick } from './dom';
import { startMotion } from './gif-motion';
import { pageLocale, t } from './i18n';
import { fullTimeOf, timeOf } from './time-format';

function timeEl(iso: string): HTMLTimeElement {
  return el('time', { class: 'msg-time', datetime: iso, title: fullTimeOf(iso) }, [timeOf(iso)]);
}

export function systemLine(m: MessageView): string {
  return m.system ? systemText(m.system, pageLocale()) : m.text;
}

/** "to X (private)" on the whisper I sent, "from X (private)" on one I received. */
function whisperLabel(mine: boolean, author: UserView, to: UserView): HTMLSpanElement {
  const text = mine ? t('msg.whisperTo', { name: to.nickname }) : t('msg.whisperFrom', { name: author.nickname });
  return el('span', { class: 'msg-private' }, [text]);
}

/** Mirrors the gif macro: a <picture> (WebP offered where there is one) and the pause/play toggle. */
function gifElement(g: GifView, authorName: string): HTMLDivElement {
  const img = el('img', {
    src: g.url,
    width: g.width,
    height: g.height,
    alt: g.alt ?? t('msg.gifFrom', { name: authorName }),
    loading: 'lazy',
    decoding: 'async',
  });
  const picture = el('picture', {}, g.webp ? [el('source', { type: 'image/webp', srcset: g.webp }), img] : [img]);
  const toggle = el('button', {
    type: 'button',
    class: 'gif-toggle',
    'aria-label': t('msg.pauseGif'),
    title: t('msg.pauseGif'),
  });
  const box = el('div', { class: 'gif', 'data-still': g.still ?? '', 'data-webp': g.webp ?? '' }, [
    el('a', { class: 'gif-link', href: g.url }, [picture]),
    toggle,
  ]);
  // A GIF arriving while motion is reduced comes in paused, without loading the animation.
  startMotion(box);
  return box;
}

export function messageElement(m: MessageView, meId: string): HTMLDivElement {
  if (m.kind === 'system') {
    const attrs = {
      class: 'msg msg-system',
      'data-message-id': m.id,
      'data-seq': m.seq,
      'data-created-at': m.createdAt,
    };
    return el('div', attrs, [el('span', { class: 'msg-text' }, [systemLine(m)]), ' ', timeEl(m.createdAt)]);
  }
  const author = m.author ?? { id: '', nickname: t('msg.someone'), color: '' };
  const mine = author.id === meId;
  const meta = el('div', { class: 'msg-meta' }, [nick(author, 'msg-author nick')]);
  if (m.kind === 'whisper' && m.to) meta.append(' ', whisperLabel(mine, author, m.to));
  meta.append(' ', timeEl(m.createdAt));

  let body: HTMLElement;
  if (m.kind === 'gif' && m.gif) {
    body = gifElement(m.gif, author.nickname);
  } else {
    body = el('p', { class: 'msg-text' }, [m.text]);
  }
  return el(
    'div',
    {
      class: `msg msg-${m.kind}${mine ? ' is-mine' : ''}`,
      'data-message-id': m.id,
      'data-seq': m.seq,
      'data-created-at': m.createdAt,
      'data-author-id': author.id,
    },
    [
      meta,
      body,
      // Shown on my messages, and on everyone's to the room's owner (messages.css); the server checks.
      el('button', { type: 'button', class: 'msg-delete', 'aria-label': t('msg.delete'), title: t('msg.delete') }, [
        '×',
      ]),
    ],
  );
}

/** A message (or whisper, with `to`) of mine the server has not confirmed yet. */
export function pendingElement(text: string, me: UserView, clientId: string, to?: UserView): HTMLDivElement {
  const now = new Date().toISOString();
  const status = el('span', { class: 'msg-status' }, [t('msg.sending')]);
  const meta = el('div', { class: 'msg-meta' }, [nick(me, 'msg-author nick')]);
  if (to) meta.append(' ', whisperLabel(true, me, to));
  meta.append(' ', status);
  return el(
    'div',
    {
      class: `msg ${to ? 'msg-whisper' : 'msg-chat'} is-mine is-pending`,
      'data-client-id': clientId,
      'data-created-at': now,
      'data-author-id': me.id,
    },
    [meta, el('p', { class: 'msg-text' }, [text])],
  );
}

export function markPending(node: HTMLElement, state: 'sending' | 'failed', reason: string, onRetry: () => void): void {
  node.classList.toggle('is-failed', state === 'failed');
  const meta = node.querySelector('.msg-meta');
  if (!meta) return;
  meta.querySelector('.msg-status')?.remove();
  meta.querySelector('.msg-retry')?.remove();
  if (state === 'sending') {
    meta.append(el('span', { class: 'msg-status' }, [t('msg.sending')]));
    return;
  }
  meta.append(el('span', { class: 'msg-status' }, [t('msg.notSent', { reason })]));
  const retry = el('button', { type: 'button', class: 'button small msg-retry' }, [t('msg.retry')]);
  retry.addEventListener('click', onRetry);
  meta.append(' ', retry);
}
