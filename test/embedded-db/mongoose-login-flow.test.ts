// The textbook's users/comments app through Mongoose, on `npm run db` started with
// EMBEDDED_DB_USERNAME/PASSWORD, connecting the way the book does
// (mongodb://root:nodejsbook@…/admin, dbName nodejs): unique index, populate, update, delete.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import mongoose, { Schema, type Connection } from 'mongoose';
import { freePort, startProcess, stopProcess } from '../helpers/processes.js';
import { tempDir } from './helpers.js';

const DB_READY = /listening on mongodb:\/\/127\.0\.0\.1:(\d+)\//;

interface User {
  name: string;
  age: number;
  married: boolean;
  comment?: string;
  createdAt: Date;
}
interface Comment {
  commenter: mongoose.Types.ObjectId;
  comment: string;
  createdAt: Date;
}

const userSchema = new Schema<User>({
  name: { type: String, required: true, unique: true },
  age: { type: Number, required: true },
  married: { type: Boolean, required: true },
  comment: String,
  createdAt: { type: Date, default: Date.now },
});
const commentSchema = new Schema<Comment>({
  commenter: { type: Schema.Types.ObjectId, required: true, ref: 'User' },
  comment: { type: String, required: true },
  createdAt: { type: Date, default: Date.now },
});

describe('npm run db with a user: the textbook Mongoose app', () => {
  let dataDir: string;
  let db: Awaited<ReturnType<typeof startProcess>>;
  let port: number;

  before(async () => {
    dataDir = tempDir();
    port = await freePort();
    db = await startProcess(
      'embedded-db/main.js',
      {
        DATA_DIR: dataDir,
        EMBEDDED_DB_PORT: String(port),
        EMBEDDED_DB_HOST: '127.0.0.1',
        EMBEDDED_DB_USERNAME: 'root',
        EMBEDDED_DB_PASSWORD: 'nodejsbook',
      },
      DB_READY,
    );
  });
  after(async () => {
    await stopProcess(db.child, 'SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs with credentials: unique index, populate, update, delete', async () => {
    const conn: Connection = await mongoose
      .createConnection(`mongodb://root:nodejsbook@127.0.0.1:${port}/admin`, {
        dbName: 'nodejs',
        serverSelectionTimeoutMS: 5000,
      })
      .asPromise();
    try {
      const UserModel = conn.model('User', userSchema);
      const CommentModel = conn.model('Comment', commentSchema);
      await UserModel.init();
      const zero = await UserModel.create({ name: 'zero', age: 24, married: false, comment: 'hello' });
      await UserModel.create({ name: 'nero', age: 32, married: true });
      const dup: unknown = await UserModel.create({ name: 'zero', age: 1, married: false }).catch((e: unknown) => e);
      assert.equal((dup as { code?: number }).code, 11000, String(dup));

      const c = await CommentModel.create({ commenter: zero._id, comment: 'first' });
      const [populated] = await CommentModel.find({ commenter: zero._id }).populate<{ commenter: User }>('commenter');
      assert.equal(populated?.commenter.name, 'zero');

      await CommentModel.updateOne({ _id: c._id }, { comment: 'edited' });
      assert.equal((await CommentModel.findById(c._id))?.comment, 'edited');
      await CommentModel.deleteOne({ _id: c._id });
      assert.equal(await CommentModel.countDocuments(), 0);
      await UserModel.deleteOne({ name: 'nero' });
      assert.deepEqual(
        (await UserModel.find({}, 'name')).map((u) => u.name),
        ['zero'],
      );
    } finally {
      await conn.close();
    }
  });

  it('refuses Mongoose without credentials (13) and with a wrong password (18)', async () => {
    const anonymous = await mongoose
      .createConnection(`mongodb://127.0.0.1:${port}/nodejs`, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    try {
      const e: unknown = await anonymous
        .model('User', userSchema)
        .find()
        .catch((err: unknown) => err);
      assert.equal((e as { code?: number }).code, 13, String(e));
    } finally {
      await anonymous.close();
    }
    const wrong: unknown = await mongoose
      .createConnection(`mongodb://root:wrong@127.0.0.1:${port}/admin`, { serverSelectionTimeoutMS: 5000 })
      .asPromise()
      .catch((err: unknown) => err);
    assert.equal((wrong as { code?: number }).code, 18, String(wrong));
  });
});
