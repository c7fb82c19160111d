// Times and day labels in the reader's own locale, within the page's language: an English page
// keeps the browser's English variant (en-GB, en-US…), a Korean page formats in Korean.
import { pageLocale } from './i18n';

const page = pageLocale();
const readerLocale = navigator.languages.find((l) => l.toLowerCase().startsWith(page)) ?? page;
const timeFormat = new Intl.DateTimeFormat(readerLocale, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(readerLocale, { dateStyle: 'full', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(readerLocale, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});
const relative = new Intl.RelativeTimeFormat(readerLocale, { numeric: 'auto' });

export function timeOf(iso: string): string {
  return timeFormat.format(new Date(iso));
}

export function fullTimeOf(iso: string): string {
  return fullFormat.format(new Date(iso));
}

/** A key that is equal for two instants on the same local calendar day. */
export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const startOf = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((startOf(d) - startOf(now)) / 86_400_000);
  if (days === 0 || days === -1) {
    const text = relative.format(days, 'day');
    return text.charAt(0).toLocaleUpperCase() + text.slice(1);
  }
  return dayFormat.format(d);
}

/** Fills in locale times for <time datetime> elements the server rendered in UTC. */
export function localizeTimes(root: ParentNode): void {
  for (const t of root.querySelectorAll<HTMLTimeElement>('time[datetime]')) {
    t.textContent = timeOf(t.dateTime);
    t.title = fullTimeOf(t.dateTime);
  }
}
