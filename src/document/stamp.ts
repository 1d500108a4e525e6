import { statSync, type BigIntStats } from 'node:fs';

/** A file's identity and change times (inode, size, mtime, ctime); a difference means its bytes may have changed. */
export function stampOfStats(stat: BigIntStats): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/** The stamp of the file at `path` (see `stampOfStats`). */
export function stampOf(path: string): string {
  return stampOfStats(statSync(path, { bigint: true }));
}
