// Decides whether an uploaded file is a GIF we keep: by its bytes (magic number via file-type),
// never its name or declared type, and by its pixel size so a small file cannot promise a huge
// bitmap to every browser in the room.
import { open } from 'node:fs/promises';
import { fileTypeFromBuffer } from 'file-type';
import { HttpError } from './http-error.js';

export interface GifInfo {
  width: number;
  height: number;
}

const HEAD_BYTES = 4100;

export async function inspectGif(file: string, maxPixels: number): Promise<GifInfo> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const type = await fileTypeFromBuffer(head);
  if (type?.mime !== 'image/gif' || head.length < 13) {
    throw new HttpError(415, 'not_gif', 'Only GIF images can be uploaded.');
  }
  // Logical screen descriptor: little-endian width and height right after the 6-byte signature.
  const width = head.readUInt16LE(6);
  const height = head.readUInt16LE(8);
  if (width === 0 || height === 0) throw new HttpError(415, 'not_gif', 'That GIF has no picture in it.');
  if (width * height > maxPixels) {
    throw new HttpError(413, 'gif_too_big', `That GIF is ${width}×${height}; at most ${maxPixels} pixels are allowed.`);
  }
  return { width, height };
}
