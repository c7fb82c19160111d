// The GIF stores the upload tests run against, and what each holds: files in UPLOAD_DIR (the
// disk store's GIFs, or uploads being checked) and GridFS's file documents and chunks. The test
// server runs in this process, so this reads the very database connection it uses.
import { readdir } from 'node:fs/promises';
import mongoose from 'mongoose';

export const GIF_STORES = ['disk', 'gridfs'] as const;

export interface StoredGifs {
  uploadDir: string[];
  gridFsFiles: string[];
  gridFsChunks: number;
}

export async function storedGifs(uploadDir: string): Promise<StoredGifs> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('no database connection in this process');
  const files = await db.collection<{ filename: string }>('gifs.files').find().toArray();
  return {
    uploadDir: (await readdir(uploadDir)).sort(),
    gridFsFiles: files.map((f) => f.filename).sort(),
    gridFsChunks: await db.collection('gifs.chunks').countDocuments(),
  };
}

/** Every GIF kept by either store: its name, once (not the still frames and WebPs made from them). */
export async function keptGifs(uploadDir: string): Promise<string[]> {
  const held = await storedGifs(uploadDir);
  return [...held.uploadDir, ...held.gridFsFiles].filter((f) => f.endsWith('.gif')).sort();
}
