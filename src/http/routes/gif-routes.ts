// Serves uploaded GIFs, and the still frames and WebPs made from them, from whichever store keeps
// them. Only server-made names are looked up, and the type comes from the name the server made
// (image/gif, image/png, image/webp) with nosniff. A file never changes under its name, so it is
// cached for a year, its name is its ETag, and a single byte range is served (as res.sendFile did).
import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import { isMediaName, mediaType, type GifStore } from '../../chat/uploaded-gifs.js';
import { HttpError } from '../http-error.js';

const notFound = () => new HttpError(404, 'not_found', 'No such GIF.');

export function gifRoutes(gifs: GifStore): Router {
  const router = Router();
  router.get('/gif/:file', async (req, res) => {
    const file = req.params.file;
    const gif = isMediaName(file) ? await gifs.open(file) : null;
    if (!gif) throw notFound();
    res.set({
      'Content-Type': mediaType(file),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Accept-Ranges': 'bytes',
      ETag: `"${file}"`,
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const ranges = req.headers.range ? req.range(gif.size, { combine: true }) : undefined;
    if (ranges === -1) {
      res.status(416).set('Content-Range', `bytes */${gif.size}`).end();
      return;
    }
    // A malformed or multi-part range is answered with the whole GIF, as the HTTP spec allows.
    const range = Array.isArray(ranges) && ranges.type === 'bytes' && ranges.length === 1 ? ranges[0] : undefined;
    if (range) {
      res.status(206).set('Content-Range', `bytes ${range.start}-${range.end}/${gif.size}`);
    }
    res.set('Content-Length', String(range ? range.end - range.start + 1 : gif.size));
    if (req.method === 'HEAD' || gif.size === 0) {
      res.end();
      return;
    }
    // Once the headers are out, a failed read can only cut the answer short.
    await pipeline(gif.read(range), res).catch(() => res.destroy());
  });
  return router;
}
