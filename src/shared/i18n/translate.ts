// The two page languages, picking one, and looking text up in its catalog. Server templates and
// browser code both use this, so a string is written once per language.
import { en, type Catalog, type MessageKey } from './en.js';
import { fill, type Vars } from './fill.js';
import { ko } from './ko.js';

export type { Catalog, MessageKey } from './en.js';
export type { Vars } from './fill.js';

export const LOCALES = ['en', 'ko'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The name of each language in itself, for the switch. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', ko: '한국어' };

export const CATALOGS: Record<Locale, Catalog> = { en, ko };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export type Translate = (key: MessageKey, vars?: Vars) => string;

export function translator(locale: Locale): Translate {
  // Templates are not type-checked: a key they misspell shows as itself.
  const catalog: Partial<Record<string, string>> = CATALOGS[locale];
  return (key, vars) => fill(catalog[key] ?? key, vars);
}

/** Keys the browser code uses; the server sends the page only these. */
const CLIENT_PREFIXES = [
  'room.',
  'member.',
  'msg.',
  'whisper.',
  'typing.',
  'connection.',
  'history.',
  'upload.',
  'nickname.',
  'error.',
] as const;
export type ClientKey = Extract<MessageKey, `${(typeof CLIENT_PREFIXES)[number]}${string}`>;
export type ClientCatalog = Record<ClientKey, string>;

export function clientCatalog(locale: Locale): ClientCatalog {
  const catalog = CATALOGS[locale];
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(catalog)) {
    if (CLIENT_PREFIXES.some((p) => key.startsWith(p))) out[key] = text;
  }
  return out as ClientCatalog;
}
