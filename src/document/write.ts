import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { alive } from './lock.js';

/**
 * Replaces `path` with `text` atomically: the bytes go to a temporary file in the same folder,
 * are flushed to disk, and the file is renamed over the original, so a crash at any moment
 * leaves either the old file or the new one, never a mix. The file's mode is kept.
 */
export function writeAtomic(path: string, text: string | Uint8Array, mode: number): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = openSync(temp, 'wx', mode & 0o7777);
  try {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  // Flush the folder entry too, so the rename itself survives a power cut.
  try {
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some file systems cannot open a folder for syncing; the rename is still atomic.
  }
}

/**
 * Removes temporary files that writers of `path` left when they were killed mid-write (their
 * process is gone); the document itself is always whole.
 */
export function sweepTemporaries(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-z]+\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!match) continue;
    if (alive(Number(match[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Someone else removed it first.
    }
  }
  return removed;
}
