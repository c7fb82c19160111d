// Keeps a second process away from a data dir: lmdb itself would allow it, but this server
// mirrors the catalog in memory and assumes it is the only writer.
import fs from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws "data dir X is in use by another process (pid N)". Returns a release function. */
export function acquireLock(dataDir: string, dir: string): () => void {
  const file = path.join(dir, 'LOCK.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: number;
    try {
      owner = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    } catch {
      continue;
    }
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new Error(`data dir ${dataDir} is in use by another process (pid ${owner})`);
    }
    // Left behind by a process that died (e.g. kill -9): take it over.
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not lock data dir ${dataDir}`);
}
