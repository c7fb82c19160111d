// The page's language and the browser code's strings in it, which the server puts in
// <script type="application/json" id="client-strings"> (data, so the CSP allows it).
import { fill, type Vars } from '../shared/i18n/fill';
import type { ClientCatalog, ClientKey, Locale } from '../shared/i18n/translate';

let strings: Partial<ClientCatalog> | undefined;

function catalog(): Partial<ClientCatalog> {
  if (strings) return strings;
  try {
    strings = JSON.parse(document.getElementById('client-strings')?.textContent ?? '{}') as Partial<ClientCatalog>;
  } catch {
    strings = {};
  }
  return strings;
}

export function t(key: ClientKey, vars?: Vars): string {
  return fill(catalog()[key] ?? key, vars);
}

export function pageLocale(): Locale {
  return document.documentElement.lang === 'ko' ? 'ko' : 'en';
}

/** The server's sentence on an English page; elsewhere the catalog's sentence for the code. */
export function errorText(code: string, message: string): string {
  if (pageLocale() === 'en') return message;
  const key = `error.${code}`;
  const all: Partial<Record<string, string>> = catalog();
  return all[key] ?? message;
}
