// What a screen reader hears when something arrives: a visually hidden polite live region that
// gets one short line per new message from someone else. The transcript itself is a role="log"
// with aria-live="off", so loading older pages, catching up after a reconnect or my own sends
// never read a batch of the transcript aloud; only these lines are spoken, one at a time.
import type { MessageView } from '../shared/protocol';
import { el } from './dom';
import { t } from './i18n';
import { systemLine } from './message-view';

/** A long message is cut in the announcement (it stays whole in the transcript). */
const MAX_CHARS = 200;
/** Lines kept in the region: old ones go quietly (removals are not announced). */
const KEEP = 5;

export class Announcer {
  constructor(private readonly region: HTMLElement) {}

  say(text: string | null): void {
    if (!text) return;
    const short = text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
    // A new element per line: it is an addition even when the same text comes twice in a row.
    this.region.append(el('p', {}, [short]));
    while (this.region.childElementCount > KEEP) this.region.firstElementChild?.remove();
  }
}

/**
 * The line for a message from someone else: "bob: hi", a whisper, a GIF's name, someone joining;
 * null for a system line about me (my own join after a reload is no news to me).
 */
export function announcement(m: MessageView, myName: string): string | null {
  if (m.kind === 'system') return m.system?.name === myName ? null : systemLine(m);
  if (m.kind === 'delete') return null;
  const name = m.author?.nickname ?? t('msg.someone');
  // A GIF is announced by its description when its uploader gave one, as its alt text reads.
  if (m.kind === 'gif') return m.gif?.alt ? t('msg.announce', { name, text: m.gif.alt }) : t('msg.gifFrom', { name });
  if (m.kind === 'whisper') return t('msg.announceWhisper', { name, text: m.text });
  return t('msg.announce', { name, text: m.text });
}
