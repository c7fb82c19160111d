// Serves uploaded GIFs. Only server-made names are looked up, and the answer is always image/gif.
import { Router } from 'express';
import { isGifName } from '../../chat/uploaded-gifs.js';
import { HttpError } from '../http-error.js';

export function gifRoutes(uploadDir: string): Router {
  const router = Router();
  router.get('/gif/:file', (req, res, next) => {
    const file = req.params.file;
    if (!isGifName(file)) {
      next(new HttpError(404, 'not_found', 'No such GIF.'));
      return;
    }
    res.sendFile(
      file,
      {
        root: uploadDir,
        dotfiles: 'deny',
        maxAge: '365d',
        immutable: true,
        headers: { 'Content-Type': 'image/gif', 'X-Content-Type-Options': 'nosniff' },
      },
      (err) => {
        if (err && !res.headersSent) next(new HttpError(404, 'not_found', 'No such GIF.'));
      },
    );
  });
  return router;
}
