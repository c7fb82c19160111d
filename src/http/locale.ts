// Picks each request's page language (the `lang` cookie set by the switch, else Accept-Language,
// else English) and gives templates what they need to speak it.
import type { NextFunction, Request, Response } from 'express';
import type { SessionData } from 'express-session';
import type { MessageView } from '../shared/protocol.js';
import { systemText } from '../shared/system-events.js';
import {
  CATALOGS,
  clientCatalog,
  DEFAULT_LOCALE,
  isLocale,
  LANGUAGE_NAMES,
  LOCALES,
  translator,
  type Locale,
  type MessageKey,
  type Translate,
} from '../shared/i18n/translate.js';
import { pageOf } from './return-path.js';

export const LANG_COOKIE = 'lang';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in its global namespace
  namespace Express {
    interface Locals {
      lang: Locale;
      t: Translate;
      /** Set in app.ts for every request after the session: the visitor, if they have an identity. */
      me: SessionData['visitor'] | undefined;
      /** A getter set in app.ts: this session's CSRF token, made on first read. */
      csrfToken: string;
    }
  }
}

export function chooseLocale(req: Request): Locale {
  const chosen: unknown = req.cookies[LANG_COOKIE];
  if (isLocale(chosen)) return chosen;
  const accepted = req.acceptsLanguages([...LOCALES]);
  return isLocale(accepted) ? accepted : DEFAULT_LOCALE;
}

/** JSON for a <script type="application/json">: "<" escaped so no string can end the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function localeMiddleware(req: Request, res: Response, next: NextFunction): void {
  const locale = chooseLocale(req);
  const other: Locale = locale === 'en' ? 'ko' : 'en';
  res.vary('Accept-Language');
  res.locals.lang = locale;
  res.locals.t = translator(locale);
  res.locals.otherLang = { code: other, name: LANGUAGE_NAMES[other] };
  res.locals.returnTo = pageOf(req.method, req.path);
  res.locals.clientStrings = () => scriptJson(clientCatalog(locale));
  res.locals.systemLine = (m: MessageView) => (m.system ? systemText(m.system, locale) : m.text);
  next();
}

/**
 * An error's sentence for this page: English pages keep the server's own (it can be more
 * specific); other languages say what the catalog has for the error's code.
 */
export function errorText(res: Response, code: string, message: string): string {
  const locale: unknown = res.locals.lang;
  if (!isLocale(locale) || locale === 'en') return message;
  const key = `error.${code}`;
  return key in CATALOGS[locale] ? translator(locale)(key as MessageKey) : message;
}
