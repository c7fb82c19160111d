// The multer pipeline for POST /room/:id/gif: stream to the store's scratch folder (UPLOAD_DIR)
// under a random name, then keep the file in the GIF store only if it is a real GIF within the
// limits. Whatever is refused leaves nothing behind, on disk or in the store.
import { unlink } from 'node:fs/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import path from 'node:path';
import { newGifName, type GifStore } from '../chat/uploaded-gifs.js';
import { inspectGif, type GifInfo } from './gif-check.js';
import { HttpError } from './http-error.js';

export interface UploadedGif extends GifInfo {
  file: string;
}

export interface GifUploadOptions {
  gifs: GifStore;
  maxBytes: number;
  /** Largest picture or single frame, in pixels. */
  maxPixels: number;
  /** Largest sum of all frames' pixels. */
  maxTotalPixels: number;
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
        const info = await inspectGif(req.file.path, {
          maxPixels: opts.maxPixels,
          maxTotalPixels: opts.maxTotalPixels,
        });
        await opts.gifs.save(req.file.path, req.file.filename);
        res.locals.gif = { file: req.file.filename, ...info } satisfies UploadedGif;
      })().then(
        () => next(),
        async (failure: unknown) => {
          await discard(req);
          next(failure);
        },
      );
    });
  };
}

export function uploadedGif(res: Response): UploadedGif {
  return res.locals.gif as UploadedGif;
}
