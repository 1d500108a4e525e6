import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sha256 as jsSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

// node:crypto costs about 8 ms to load, on the path of every session's start (its id, its
// shell's markers, the journal's hash of the document). Random bytes come from the kernel's
// random source here, and a document's hash from a JavaScript SHA-256 (a 20 KB document in well
// under a millisecond); node:crypto is loaded only for large inputs, where it is much faster.

let crypto: typeof import('node:crypto') | undefined;

/** node:crypto, loaded on first use (through `require` on a Node older than 20.16). */
function nodeCrypto(): typeof import('node:crypto') {
  return (crypto ??= typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:crypto') : (createRequire(join(process.cwd(), 'noop.js'))('node:crypto') as typeof import('node:crypto')));
}

/** Past this many bytes a hash is worth loading node:crypto for. */
const NATIVE_FROM = 256 * 1024;

/** SHA-256 of some bytes, hex. */
export function sha256(bytes: Uint8Array | string): string {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  if (crypto === undefined && data.length < NATIVE_FROM) return bytesToHex(jsSha256(data));
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

/** Random bytes not yet handed out, read from /dev/urandom a few hundred at a time. */
let pool: Buffer = Buffer.alloc(0);

/** `bytes` random bytes as hex, as unpredictable as `crypto.randomBytes` gives them. */
export function randomHex(bytes: number): string {
  if (pool.length < bytes) pool = refill(Math.max(256, bytes));
  const hex = pool.subarray(0, bytes).toString('hex');
  pool = pool.subarray(bytes);
  return hex;
}

function refill(size: number): Buffer {
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      const buffer = Buffer.alloc(size);
      if (readSync(fd, buffer, 0, size, null) === size) return buffer;
    } finally {
      closeSync(fd);
    }
  } catch {
    // No /dev/urandom (not Linux, or a sandbox without it): the crypto module's.
  }
  return nodeCrypto().randomBytes(size);
}
