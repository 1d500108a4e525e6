import { closeSync, fchmodSync, fstatSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { alive } from './lock.js';
import { exchange } from './exchange.js';
import { stampOfStats } from './stamp.js';
import { readWholeFd } from './whole.js';

/**
 * Replaces `path` with `text` atomically: the bytes go to a temporary file in the same folder,
 * are flushed to disk, and the file is renamed over the original, so a crash at any moment
 * leaves either the old file or the new one, never a mix. The file's mode is kept.
 */
export function writeAtomic(path: string, text: string | Uint8Array, mode: number): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = createWithMode(temp, mode);
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
  syncFolder(dir);
}

/**
 * Creates `path` (never over an existing file) with exactly the permission bits of `mode`: the
 * process's umask applies to a new file's mode, and would take the group's write bit off a
 * shared document (664 read back as 644) the first time it is written.
 */
export function createWithMode(path: string, mode: number): number {
  const fd = openSync(path, 'wx', mode & 0o7777);
  try {
    if ((fstatSync(fd).mode & 0o7777) !== (mode & 0o7777)) fchmodSync(fd, mode & 0o7777);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  return fd;
}

/** The version a write replaced: its bytes as read after the swap, and the file itself, still open. */
export interface Replaced {
  bytes: Buffer;
  /** Its stamp when it was read. */
  stamp: string;
  /** An open descriptor of the replaced file (no longer named), to see a write that lands in it later. */
  fd: number;
}

/** What a write put in place (its stamp) and what it replaced. */
export interface Written {
  stamp: string;
  replaced: Replaced | null;
}

/**
 * Puts `bytes` at `path` the way `writeAtomic` does (temporary file, flushed, one atomic step,
 * folder flushed), and hands back the version it replaced, so that the caller can check that it
 * was the one it edited and keep a later edit made to it. Returns the stamp of the new file and
 * that version (null when there was none).
 *
 * Why a swap and not a rename: someone else may write the file at any moment, and a rename can
 * only be preceded by a check, never made conditional on one. Whatever lands between the last
 * check and the rename — an editor's own rename, an append, a write in place — would be thrown
 * away with the old inode. renameat2(RENAME_EXCHANGE) puts the new file in place and, in the same
 * step, gives the old one our temporary name, whatever it is by then: no version anyone wrote is
 * ever unlinked unseen. A write into the old inode that lands after the swap (a program that
 * opened the file before it) goes into the descriptor kept open here, for the caller to look at
 * again later. Where the swap is not available, the file is renamed over, and the version found
 * open just before is the one reported: then an editor's rename landing in the microseconds
 * between that open and the rename is the one interleaving that can still be lost.
 *
 * `changed`, asked once the new file is on disk and just before the swap, can call the write off
 * (null is returned, nothing is written): a version found then is merged before anything of it
 * is replaced, rather than after. `expected`: the version the caller believes it replaces; when
 * the one replaced is the same, it is reported with `expected` itself rather than with a copy.
 */
export function replaceFile(path: string, bytes: Uint8Array, mode: number, changed?: undefined, known?: undefined, expected?: Uint8Array): Written;
export function replaceFile(path: string, bytes: Uint8Array, mode: number, changed: () => boolean, known?: string, expected?: Uint8Array): Written | null;
export function replaceFile(path: string, bytes: Uint8Array, mode: number, changed: () => boolean = () => false, known?: string, expected?: Uint8Array): Written | null {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = createWithMode(temp, mode);
  let old: number | null = null;
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
    const ours = fstatSync(fd, { bigint: true }).ino;
    // The last look, as late as can be: only the swap itself comes after it.
    if (changed()) {
      unlinkSync(temp);
      return null;
    }
    exchange(temp, path);
    let swapped = false;
    try {
      swapped = statSync(temp, { bigint: true }).ino !== ours;
    } catch {
      // The temporary name is ours alone: gone means the swap took place and someone removed
      // the old version since.
      swapped = true;
    }
    if (swapped) {
      try {
        old = openSync(temp, 'r');
        unlinkSync(temp);
      } catch {
        old = null;
      }
    } else {
      try {
        old = openSync(path, 'r');
      } catch {
        old = null;
      }
      renameSync(temp, path);
    }
    syncFolder(dir);
    const stamp = stampOfStats(fstatSync(fd, { bigint: true }));
    if (old === null) return { stamp, replaced: null };
    const read = readWholeFd(old, known, expected !== undefined);
    const replaced = { bytes: expected === undefined ? read.bytes : kept(read.bytes, expected), stamp: read.stamp, fd: old };
    old = null;
    return { stamp, replaced };
  } catch (error) {
    if (old !== null) closeSync(old);
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or swapped into place.
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of a version read into the shared look buffer (see `readWholeFd`), to keep: the
 * caller's `expected` when they are the same, else a copy.
 */
function kept(read: Buffer, expected: Uint8Array): Buffer {
  return read.equals(expected) ? Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength) : Buffer.from(read);
}

/** Folders whose entries changed since they were last flushed. */
const unsynced = new Set<string>();
let flushing: NodeJS.Timeout | undefined;

/**
 * Flushes a folder's entries soon, so that a rename survives a power cut. The rename is atomic
 * whether or not it is flushed (a power cut before the flush leaves the version before it, whole),
 * so the flush does not hold up the next step: renames within 50 ms share one, and whatever is
 * left is flushed before the process exits.
 */
function syncFolder(dir: string): void {
  unsynced.add(dir);
  if (flushing !== undefined) return;
  flushing = setTimeout(flushFolders, 50);
  flushing.unref();
}

/** Flushes every folder a rename changed since the last flush. */
export function flushFolders(): void {
  if (flushing !== undefined) clearTimeout(flushing);
  flushing = undefined;
  for (const dir of unsynced) flushFolder(dir);
  unsynced.clear();
}

process.on('exit', flushFolders);

function flushFolder(dir: string): void {
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
