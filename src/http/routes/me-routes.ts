// The visitor's own identity: who they are (with the CSRF token API callers need) and renaming.
import { Router } from 'express';
import type { Membership } from '../../chat/membership.js';
import { wantsHtml } from '../negotiate.js';
import { returnPath } from '../return-path.js';
import { saveSession } from '../session.js';
import { visitorOf } from '../visitor.js';

export function meRoutes(membership: Membership): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    res.json({ me: res.locals.me, csrfToken: res.locals.csrfToken });
  });
  router.post('/me/nickname', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    const nickname = typeof body?.nickname === 'string' ? body.nickname : '';
    const me = await membership.rename(visitorOf(req), nickname);
    req.session.visitor = me;
    await saveSession(req);
    if (wantsHtml(req)) res.redirect(303, returnPath(body?.return));
    else res.json({ me });
  });
  return router;
}
