import { closeSync, fdatasyncSync, fstatSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { alive } from './lock.js';
import { stampOfStats } from './stamp.js';

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

/** The size of the unit a disk writes whole: a write within one is never half done. */
const SECTOR = 512;

/**
 * Overwrites `data.length` bytes at byte `at` of `path` in place, when that is as safe as
 * replacing the file: the bytes keep their length and lie within one disk sector (so a crash
 * leaves the old bytes or the new ones, never a mix), and the open file is still the one whose
 * stamp (inode, size, times) is `stamp` (so nobody's edit since is written over). Returns the
 * file's new stamp, or null when the write is not one of these and nothing was written: the
 * caller then replaces the file with `writeAtomic`. A checkbox flip in a 5 MB document costs one
 * sector instead of the whole file.
 */
export function writeInPlace(path: string, at: number, data: Uint8Array, stamp: string): string | null {
  if (data.length === 0 || Math.floor(at / SECTOR) !== Math.floor((at + data.length - 1) / SECTOR)) return null;
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    // Not writable in place (a read-only file, say): replacing it is the caller's way.
    return null;
  }
  try {
    if (stampOfStats(fstatSync(fd, { bigint: true })) !== stamp) return null;
    if (writeSync(fd, data, 0, data.length, at) !== data.length) throw new Error(`${path}: short write`);
    fdatasyncSync(fd);
    return stampOfStats(fstatSync(fd, { bigint: true }));
  } finally {
    closeSync(fd);
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
