// The language switch: POST /lang (a form with the CSRF token) remembers the choice in a cookie.
import { Router } from 'express';
import { z } from 'zod';
import { LOCALES } from '../../shared/i18n/translate.js';
import { HttpError } from '../http-error.js';
import { LANG_COOKIE } from '../locale.js';
import { wantsHtml } from '../negotiate.js';
import { returnPath } from '../return-path.js';

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

const langSchema = z.object({
  lang: z.enum(LOCALES),
  // Where the form goes back to; anything but one of our pages goes to the lobby (see returnPath).
  return: z.string().optional().catch(undefined),
});

export function langRoutes(): Router {
  const router = Router();
  router.post('/lang', (req, res) => {
    const body = langSchema.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid', 'Choose "en" or "ko".');
    const { lang } = body.data;
    res.cookie(LANG_COOKIE, lang, {
      httpOnly: true,
      sameSite: 'lax',
      secure: req.secure,
      maxAge: ONE_YEAR_MS,
      path: '/',
    });
    if (wantsHtml(req)) {
      res.redirect(303, returnPath(body.data.return));
      return;
    }
    res.status(204).end();
  });
  return router;
}
