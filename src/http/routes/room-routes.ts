// The room pages and the room HTTP API: create form, create, enter (with password and capacity
// rules), password and settings, delete, and posting chat, uploading a GIF and reading history.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Chat } from '../../chat/create-chat.js';
import { ChatError } from '../../chat/chat-error.js';
import type { RoomRecord } from '../../chat/room-service.js';
import { LIMITS } from '../../shared/protocol.js';
import { gifUpload, uploadedAlt, uploadedGif, type GifUploadOptions } from '../gif-upload.js';
import { HttpError, toHttpError } from '../http-error.js';
import { errorText } from '../locale.js';
import { wantsHtml } from '../negotiate.js';
import type { PasswordLimiter } from '../password-limiter.js';
import type { RequestQuotas } from '../request-quotas.js';
import { saveSession } from '../session.js';
import { grantsOf, visitorOf } from '../visitor.js';

const createSchema = z.object({
  title: z.string().max(1000).default(''),
  max: z.union([z.string(), z.number()]).optional(),
  password: z.string().max(1000).default(''),
});
const chatSchema = z.object({
  chat: z.string().max(LIMITS.chatMaxChars * 4),
  clientId: z.string().max(LIMITS.clientIdMaxChars).optional(),
});
const settingsSchema = z.object({ password: z.string().max(1000) });
/** Any text is a guess (RoomService.unlock refuses an overlong one as wrong); only its shape is checked here. */
const unlockSchema = z.object({ password: z.string() });
/**
 * Strict: an unknown key such as `before[$gt]` is a 400, never silently ignored. A page is older
 * than `before` or newer than `after`, never both: one place to read from.
 */
const historySchema = z
  .strictObject({
    before: z.string().optional(),
    /** The place (seq) of `before`, which the transcript knows: one read instead of two. */
    beforeSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    after: z.string().optional(),
    afterSeq: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(LIMITS.historyPage),
  })
  .refine((q) => q.before === undefined || q.after === undefined)
  .refine((q) => q.beforeSeq === undefined || q.before !== undefined)
  .refine((q) => q.afterSeq === undefined || q.after !== undefined);

function parseMax(raw: string | number | undefined): number {
  if (raw === undefined || raw === '') return 10;
  const n = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(n) ? n : NaN;
}

export function roomRoutes(
  chat: Chat,
  upload: GifUploadOptions,
  quotas: RequestQuotas,
  guesses: PasswordLimiter,
): Router {
  const router = Router();
  const { rooms, messages, membership, access } = chat;

  /** The room, if this visitor may read it: the same rule a socket's join meets. */
  async function admittedRoom(req: Request): Promise<RoomRecord> {
    const room = await rooms.require(String(req.params.id));
    access.admit(room, visitorOf(req), grantsOf(req));
    return room;
  }

  /** The room, if this visitor is in it (has it open) and may post there, like a socket's chat. */
  async function memberRoom(req: Request): Promise<RoomRecord> {
    const room = await rooms.require(String(req.params.id));
    access.requireMember(room, visitorOf(req));
    return room;
  }

  router.get('/room', (_req, res) => {
    res.render('room-new', { pageTitle: res.locals.t('create.title'), values: { title: '', max: '10' }, errors: [] });
  });

  router.post('/room', async (req, res) => {
    const body = createSchema.safeParse(req.body ?? {});
    const input = body.success ? body.data : { title: '', max: undefined, password: '' };
    // Counted before the argon2 hash is made, so parallel requests cannot overspend.
    const spent = await quotas.takeRoom(req);
    try {
      if (!body.success) throw new ChatError('invalid', 'The form was not filled in correctly.');
      const room = await rooms.create(
        { title: input.title, max: parseMax(input.max), password: input.password },
        visitorOf(req),
      );
      if (wantsHtml(req)) res.redirect(303, `/room/${room.id}`);
      else res.status(201).json({ room: rooms.summary(room) });
    } catch (err) {
      const invalid = err instanceof ChatError && err.code === 'invalid';
      // A form filled in wrong made no hash and no room: it does not count.
      if (invalid) await quotas.giveBackRoom(spent);
      if (!invalid || !wantsHtml(req)) throw err;
      res.status(400).render('room-new', {
        pageTitle: res.locals.t('create.title'),
        values: { title: input.title, max: String(input.max ?? '10') },
        errors: [res.locals.lang === 'en' ? err.message : res.locals.t('create.invalid', { max: rooms.maxMembers })],
      });
    }
  });

  router.get('/room/:id', async (req, res) => {
    const room = await rooms.require(req.params.id);
    const me = visitorOf(req);
    if (access.asksPassword(room, me, grantsOf(req))) {
      res.status(200).render('room-password', { pageTitle: room.title, room: { id: room.id, title: room.title } });
      return;
    }
    access.admit(room, me, grantsOf(req));
    const page = await messages.before(room.id, me.id, undefined);
    res.render('room', {
      pageTitle: room.title,
      room: rooms.summary(room),
      messages: page.messages,
      hasMore: page.hasMore,
      members: membership.members(room),
      isOwner: room.owner.id === me.id,
      uploadMaxBytes: upload.maxBytes,
    });
  });

  router.post('/room/:id/password', async (req, res) => {
    const room = await rooms.require(req.params.id);
    const body = unlockSchema.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid', 'Send the password as text: {"password": "..."}.');
    const attempt = body.data.password;
    try {
      // The guess is counted before argon2 checks it and given back only if it was right.
      const guess = await guesses.take(req.sessionID, quotas.address(req), room.id);
      await rooms.unlock(room, attempt);
      await guesses.giveBack(guess);
    } catch (err) {
      const httpErr = toHttpError(err);
      if (!httpErr || (httpErr.status !== 401 && httpErr.status !== 429) || !wantsHtml(req)) throw err;
      if (httpErr.retryAfterS !== undefined) res.set('Retry-After', String(httpErr.retryAfterS));
      res.status(httpErr.status).render('room-password', {
        pageTitle: room.title,
        room: { id: room.id, title: room.title },
        error: errorText(res, httpErr.code, httpErr.message),
      });
      return;
    }
    const grants = new Set(req.session.grants ?? []);
    grants.add(access.grantFor(room));
    req.session.grants = [...grants].slice(-200);
    await saveSession(req);
    if (wantsHtml(req)) res.redirect(303, `/room/${room.id}`);
    else res.status(204).end();
  });

  // Owner only: a non-empty password makes the room private (revoking earlier grants), an empty one
  // makes it public. Members already inside stay.
  router.post('/room/:id/settings', async (req, res) => {
    const room = await rooms.require(req.params.id);
    const body = settingsSchema.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid', 'Send {"password": "..."}; an empty password removes it.');
    // A password makes an argon2 hash: counted before it is made, as a room's creation is.
    const spent = await quotas.takePasswordChange(req);
    let changed;
    try {
      changed = await rooms.changePassword(room, visitorOf(req), body.data.password);
    } catch (err) {
      if (err instanceof ChatError && err.code === 'invalid') await quotas.giveBackRoom(spent);
      throw err;
    }
    if (wantsHtml(req)) res.redirect(303, `/room/${room.id}`);
    else res.json({ room: rooms.summary(changed) });
  });

  router.delete('/room/:id', async (req, res) => {
    await rooms.deleteByOwner(req.params.id, visitorOf(req));
    res.status(204).end();
  });

  router.post('/room/:id/chat', async (req, res) => {
    const body = chatSchema.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'invalid', 'Send JSON like {"chat": "hello"}.');
    const room = await memberRoom(req);
    const me = visitorOf(req);
    await access.takeChat(me.id, quotas.address(req));
    // A kick may have landed while the budget was counted.
    access.requireMember(room, me);
    const posted = await messages.postChat(room, me, body.data.chat, body.data.clientId);
    res.status(posted.duplicate ? 200 : 201).json({ message: posted.message });
  });

  router.post(
    '/room/:id/gif',
    async (req, _res, next) => {
      await memberRoom(req);
      next();
    },
    quotas.uploadGate,
    gifUpload(upload),
    async (req, res) => {
      const gif = uploadedGif(res);
      try {
        // Checked again: the upload may have taken a while, and a kick may have landed meanwhile.
        const room = await memberRoom(req);
        const posted = await messages.postGif(room, visitorOf(req), gif, uploadedAlt(req));
        res.status(201).json({ message: posted.message });
      } catch (err) {
        await upload.gifs.remove([gif.file]);
        throw err;
      }
    },
  );

  router.delete('/room/:id/messages/:messageId', async (req, res) => {
    const room = await memberRoom(req);
    const me = visitorOf(req);
    await access.takeChat(me.id, quotas.address(req));
    await chat.deletion.delete(room, me, req.params.messageId);
    res.status(204).end();
  });

  router.get('/room/:id/messages', async (req, res) => {
    const room = await admittedRoom(req);
    const query = historySchema.safeParse(req.query);
    if (!query.success) {
      throw new HttpError(
        400,
        'invalid',
        'Use ?before=<message id> (and beforeSeq=<its place>) or ?after=<message id> (and afterSeq), and limit=<1..100>.',
      );
    }
    const { before, beforeSeq, after, afterSeq, limit } = query.data;
    const viewerId = visitorOf(req).id;
    res.json(
      after === undefined
        ? await messages.before(room.id, viewerId, before, limit, beforeSeq)
        : await messages.newer(room.id, viewerId, after, limit, afterSeq),
    );
  });

  return router;
}
