import { closeSync, lstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../errors.js';

/** Who holds a document's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  command: string;
}

/** The lock file guarding `path`. */
export function lockPath(path: string): string {
  return `${path}.lock`;
}

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the advisory lock on a document so that two sessions never write it at once. A lock
 * left by a process that no longer exists on this host is stale and taken over. Returns the
 * function that releases it.
 */
export function acquireLock(path: string, command: string): () => void {
  const file = lockPath(path);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UserError(`${path}: cannot create its lock file ${file} (${code ?? 'unknown error'}); check the folder's permissions`);
      if (!lstatSync(file).isFile()) throw new UserError(`${path}: ${file} is in the way of its lock file (it is not a file); remove it and try again`);
      const holder = readHolder(file);
      // A stale lock (its process gone from this host) or one that holds no lock record.
      if (!holder || (holder.host === me.host && !alive(holder.pid))) {
        unlinkSync(file);
        continue;
      }
      throw new UserError(
        `${path} is being edited by \`${holder.command}\` (pid ${holder.pid} on ${holder.host}, since ${holder.since}); wait for it to finish, or delete ${file} if that session is gone`,
      );
    }
  }
  throw new UserError(`${path}: could not take the lock ${file}; try again`);
}

function readHolder(file: string): LockHolder | null {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof data.pid === 'number' ? data : null;
  } catch {
    return null;
  }
}
