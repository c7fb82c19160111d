// The multer pipeline for POST /room/:id/gif: stream to the store's scratch folder (UPLOAD_DIR)
// under a random name, then keep the file in the GIF store only if it is a real GIF within the
// limits, with the still frame and WebP made from it (gif-variants.ts) beside it. Whatever is
// refused leaves nothing behind, on disk or in the store. The optional text field `alt` (the
// uploader's description) is passed on as it came; the chat layer cleans and checks it.
import { unlink } from 'node:fs/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import path from 'node:path';
import { mediaName, newGifName, type GifStore } from '../chat/uploaded-gifs.js';
import { inspectGif } from './gif-check.js';
import type { GifVariantMaker } from './gif-variants.js';
import { HttpError } from './http-error.js';

export interface UploadedGif {
  file: string;
  width: number;
  height: number;
  /** Whether its still first frame and animated WebP are stored beside it. */
  still: boolean;
  webp: boolean;
}

export interface GifUploadOptions {
  gifs: GifStore;
  maxBytes: number;
  /** Largest picture or single frame, in pixels. */
  maxPixels: number;
  /** Largest sum of all frames' pixels. */
  maxTotalPixels: number;
  /** Makes the still frame and WebP of a checked GIF. */
  variants: GifVariantMaker;
}

const namesKey = Symbol('uploadNames');
type WithNames = Request & { [namesKey]?: string[] };

async function discard(req: Request): Promise<void> {
  const names = (req as WithNames)[namesKey] ?? [];
  await Promise.all(names.map((n) => unlink(n).catch(() => undefined)));
}

function multerToHttp(err: unknown, maxBytes: number): unknown {
  if (!(err instanceof multer.MulterError)) return err;
  if (err.code === 'LIMIT_FILE_SIZE') {
    return new HttpError(413, 'too_large', `That file is larger than ${Math.floor(maxBytes / 1024)} KB.`);
  }
  return new HttpError(400, 'bad_upload', `Upload refused: ${err.message}.`);
}

export function gifUpload(opts: GifUploadOptions): RequestHandler {
  const storage = multer.diskStorage({
    destination: opts.gifs.scratchDir,
    filename: (req, _file, cb) => {
      const name = newGifName();
      const r = req as WithNames;
      (r[namesKey] ??= []).push(path.join(opts.gifs.scratchDir, name));
      cb(null, name);
    },
  });
  const parse = multer({
    storage,
    limits: { fileSize: opts.maxBytes, files: 1, fields: 4, fieldSize: 1024, parts: 5 },
  }).single('gif');

  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      void (async () => {
        if (err) throw multerToHttp(err, opts.maxBytes);
        if (!req.file) throw new HttpError(400, 'no_file', 'Attach a GIF in the form field "gif".');
        const file = req.file.filename;
        const info = await inspectGif(req.file.path, {
          maxPixels: opts.maxPixels,
          maxTotalPixels: opts.maxTotalPixels,
        });
        const out = {
          still: path.join(opts.gifs.scratchDir, mediaName(file, 'still')),
          webp: path.join(opts.gifs.scratchDir, mediaName(file, 'webp')),
        };
        (req as WithNames)[namesKey]?.push(out.still, out.webp);
        const made = await opts.variants(req.file.path, info, out);
        // The GIF last: once it is stored, removing it (room or message deleted) removes all three.
        if (made.still) await opts.gifs.save(made.still, mediaName(file, 'still'));
        if (made.webp) await opts.gifs.save(made.webp, mediaName(file, 'webp'));
        await opts.gifs.save(req.file.path, file);
        res.locals.gif = {
          file,
          width: info.width,
          height: info.height,
          still: made.still !== null,
          webp: made.webp !== null,
        } satisfies UploadedGif;
      })().then(
        () => next(),
        async (failure: unknown) => {
          await discard(req);
          // A still or WebP may already be in the store (GridFS) when saving the GIF failed.
          if (req.file) await opts.gifs.remove([req.file.filename]).catch(() => undefined);
          next(failure);
        },
      );
    });
  };
}

export function uploadedGif(res: Response): UploadedGif {
  return res.locals.gif as UploadedGif;
}

/** The uploader's description, as sent (multipart field `alt`), if any. */
export function uploadedAlt(req: Request): string | undefined {
  const alt = (req.body as Record<string, unknown> | undefined)?.alt;
  return typeof alt === 'string' ? alt : undefined;
}
