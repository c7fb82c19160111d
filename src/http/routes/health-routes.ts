import { Router } from 'express';

/**
 * /healthz: the process answers and its parts run (the embedded database's worker is up); a
 * failure here asks for a restart. /readyz: it can also reach its database right now.
 */
export function healthRoutes(isReady: () => Promise<boolean>, isLive: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const live = isLive();
    res.status(live ? 200 : 503).json({ status: live ? 'ok' : 'database down' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  return router;
}
