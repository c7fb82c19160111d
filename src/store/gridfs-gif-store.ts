// GIFs in the database (GridFS, on the Mongoose connection's driver), so that every instance
// serves every upload without a shared disk. Uploads are still written to `scratchDir` (each
// instance's own UPLOAD_DIR) while their bytes are checked; only checked GIFs reach the database,
// with the still frame and WebP made from them.
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import mongoose from 'mongoose';
import { isMediaName, mediaType, withVariants } from './gif-files.js';
import type { GifStore, StoredGif } from './gif-store.js';

/** Collections gifs.files and gifs.chunks. */
const BUCKET = 'gifs';

function bucket(): mongoose.mongo.GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('the database is not connected');
  return new mongoose.mongo.GridFSBucket(db, { bucketName: BUCKET });
}

async function filesNamed(names: string[]): Promise<Array<{ _id: mongoose.mongo.ObjectId; length: number }>> {
  const found = await bucket()
    .find({ filename: { $in: names } }, { projection: { _id: 1, length: 1 } })
    .toArray();
  return found.map((f) => ({ _id: f._id, length: f.length }));
}

export function gridFsGifStore(scratchDir: string): GifStore {
  return {
    scratchDir,
    async save(tempPath, name) {
      if (!isMediaName(name)) throw new Error(`refusing unexpected upload name ${JSON.stringify(name)}`);
      const upload = bucket().openUploadStream(name, { metadata: { contentType: mediaType(name) } });
      try {
        await pipeline(createReadStream(tempPath), upload);
      } catch (err) {
        // A half-written GIF must not stay behind: drop its chunks (and its file document, if any).
        await upload.abort().catch(() => undefined);
        await bucket()
          .delete(upload.id)
          .catch(() => undefined);
        throw err;
      } finally {
        await unlink(tempPath).catch(() => undefined);
      }
    },
    async open(name): Promise<StoredGif | null> {
      if (!isMediaName(name)) return null;
      const [file] = await filesNamed([name]);
      if (!file) return null;
      return {
        size: file.length,
        // GridFS's `end` is exclusive; ours is inclusive, as in HTTP ranges.
        read: (range) =>
          bucket().openDownloadStream(file._id, range ? { start: range.start, end: range.end + 1 } : undefined),
      };
    },
    async remove(names) {
      // A GIF goes with its still frame and WebP.
      const wanted = withVariants(names);
      if (wanted.length === 0) return;
      const files = await filesNamed(wanted);
      // A GIF another instance removed meanwhile is already gone, which is what was asked.
      await Promise.all(
        files.map((f) =>
          bucket()
            .delete(f._id)
            .catch((err: unknown) => {
              if (!(err instanceof mongoose.mongo.MongoRuntimeError && /not found/i.test(err.message))) throw err;
            }),
        ),
      );
    },
  };
}
