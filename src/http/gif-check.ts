// Decides whether an uploaded file is a GIF we keep: by its bytes, never its name or declared
// type: it must be a whole GIF (walked block by block to its trailer), and neither its picture,
// any one frame, nor all its frames together may promise more pixels than the caps, so a small
// file cannot make every browser in the room allocate and decode a huge bitmap.
import { GifProblem, readGifStructure, type GifLimits, type GifStructure } from './gif-structure.js';
import { HttpError } from './http-error.js';

export async function inspectGif(file: string, limits: GifLimits): Promise<GifStructure> {
  try {
    return await readGifStructure(file, limits);
  } catch (err) {
    if (!(err instanceof GifProblem)) throw err;
    throw err.kind === 'too_big'
      ? new HttpError(413, 'gif_too_big', err.message)
      : new HttpError(415, 'not_gif', err.message);
  }
}
