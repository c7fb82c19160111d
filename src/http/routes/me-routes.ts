// The visitor's own identity: who they are (with the CSRF token API callers need) and renaming.
import { Router } from 'express';
import { z } from 'zod';
import { ChatError } from '../../chat/chat-error.js';
import type { Membership } from '../../chat/membership.js';
import { wantsHtml } from '../negotiate.js';
import { returnPath } from '../return-path.js';
import { saveSession } from '../session.js';
import { HttpError } from '../http-error.js';
import type { RequestQuotas } from '../request-quotas.js';
import { visitorOf } from '../visitor.js';

/** The name's length and characters are the domain's to judge (Membership.rename); here only its shape. */
const renameSchema = z.object({
  nickname: z.string(),
  // Where the form goes back to; anything but one of our pages goes to the lobby (see returnPath).
  return: z.string().optional().catch(undefined),
});

export function meRoutes(membership: Membership, quotas: RequestQuotas): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    res.json({ me: res.locals.me, csrfToken: res.locals.csrfToken });
  });
  router.post('/me/nickname', async (req, res) => {
    const body = renameSchema.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid', 'Send the new name as text: {"nickname": "..."}.');
    // A rename stores a line in every room its person is in: counted before, given back when it
    // changed nothing (a name refused, or the same name).
    const before = visitorOf(req);
    const spent = await quotas.takeRename(req);
    let me;
    try {
      me = await membership.rename(before, body.data.nickname);
    } catch (err) {
      if (err instanceof ChatError && (err.code === 'invalid' || err.code === 'conflict'))
        await quotas.giveBackRename(spent);
      throw err;
    }
    if (me.nickname === before.nickname) await quotas.giveBackRename(spent);
    req.session.visitor = me;
    await saveSession(req);
    if (wantsHtml(req)) {
      res.redirect(303, returnPath(body.data.return));
      return;
    }
    res.json({ me });
  });
  return router;
}
