import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { sameWrite, stampOfStats } from './stamp.js';

/** A file's bytes read whole, with the stamp (see `stampOfStats`) and mode they were read at. */
export interface Whole {
  bytes: Buffer;
  stamp: string;
  mode: number;
  ino: bigint;
}

/** How many reads a file still being written gets before it is taken as it is (about 1.5 s in all). */
const ATTEMPTS = 40;
/** A file changed more recently than this may be in the middle of a write: it is read twice. */
const QUIET_NS = 50_000_000n;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Waits `ms` milliseconds without giving up the thread (the write path is synchronous). */
export function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

/**
 * Where reads that are only looked at go (see `readWholeFd`'s `look`): a session looks at the
 * version its last write replaced two or three times per write, and a fresh buffer for each look
 * would be garbage the size of the document, kept until the next full collection.
 */
let scratch = Buffer.allocUnsafe(0);

/** One read from the start to the end of the file, with the file's stats before and after. */
function readOnce(fd: number, look: boolean) {
  const before = fstatSync(fd, { bigint: true });
  const size = Number(before.size) + 1;
  if (look && scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, Math.ceil(scratch.length * 1.5)));
  let bytes = look ? scratch : Buffer.allocUnsafe(size);
  let length = 0;
  for (;;) {
    if (length === bytes.length) {
      bytes = Buffer.concat([bytes, Buffer.allocUnsafe(bytes.length)]);
      if (look) scratch = bytes;
    }
    const n = readSync(fd, bytes, length, bytes.length - length, length);
    if (n === 0) break;
    length += n;
  }
  const after = fstatSync(fd, { bigint: true });
  return { bytes: bytes.subarray(0, length), before, after };
}

/**
 * Reads the open file `fd` whole, never a file half written. Another program may be writing it
 * (a truncate followed by a write, a large write copied in page by page): a read is taken only
 * when the file's inode, size and change times are the same before and after it, the bytes read
 * are as many as its size, it is not empty, and — when it changed in the last 50 ms — a second
 * read gives the same. Otherwise it is read again, a little later, a bounded number of times;
 * after that the last read is returned as it is (an empty file, say, is then the caller's to refuse).
 * `known`: a stamp the file was seen with before; a steady read of the same write is taken at once.
 * `look`: the bytes are only compared, not kept: they are read into a buffer that the next look
 * reuses (copy them to keep them).
 */
export function readWholeFd(fd: number, known?: string, look = false): Whole {
  let previous: Buffer | null = null;
  let last = readOnce(fd, look);
  for (let attempt = 1; ; attempt++) {
    const { bytes, before, after } = last;
    const stamp = stampOfStats(after);
    const steady = stampOfStats(before) === stamp && BigInt(bytes.length) === after.size && bytes.length > 0;
    const changed = after.mtimeNs > after.ctimeNs ? after.mtimeNs : after.ctimeNs;
    // A file not written since this process saw it (a version it wrote itself, say, renamed
    // aside since) needs no second read, however recent the change.
    const quiet = (known !== undefined && sameWrite(stamp, known)) || BigInt(Date.now()) * 1_000_000n - changed > QUIET_NS;
    if ((steady && (quiet || (previous !== null && previous.equals(bytes)))) || attempt >= ATTEMPTS) {
      return { bytes, stamp, mode: Number(after.mode), ino: after.ino };
    }
    previous = steady ? (look ? Buffer.from(bytes) : bytes) : null;
    sleep(Math.min(2 ** attempt, 50));
    last = readOnce(fd, look);
  }
}

/**
 * Reads the file at `path` whole (see `readWholeFd`). A path that is missing for a moment — an
 * editor that moves the old file aside before writing the new one — or that is replaced during
 * the read is tried again; a file that stays missing is the error `openSync` throws.
 */
export function readWhole(path: string): Whole {
  for (let attempt = 1; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= ATTEMPTS) throw error;
      sleep(Math.min(2 ** attempt, 50));
      continue;
    }
    try {
      const whole = readWholeFd(fd);
      let now: bigint | null = null;
      try {
        now = statSync(path, { bigint: true }).ino;
      } catch {
        now = null;
      }
      if (now === whole.ino || attempt >= ATTEMPTS) return whole;
    } finally {
      closeSync(fd);
    }
  }
}
