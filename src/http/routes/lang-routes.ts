// The language switch: POST /lang (a form with the CSRF token) remembers the choice in a cookie.
import { Router } from 'express';
import { isLocale } from '../../shared/i18n/translate.js';
import { HttpError } from '../http-error.js';
import { LANG_COOKIE } from '../locale.js';
import { wantsHtml } from '../negotiate.js';
import { returnPath } from '../return-path.js';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export function langRoutes(): Router {
  const router = Router();
  router.post('/lang', (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    const lang = body?.lang;
    if (!isLocale(lang)) throw new HttpError(400, 'invalid', 'Choose "en" or "ko".');
    res.cookie(LANG_COOKIE, lang, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: ONE_YEAR_MS,
      path: '/',
    });
    if (wantsHtml(req)) res.redirect(303, returnPath(body?.return));
    else res.status(204).end();
  });
  return router;
}
