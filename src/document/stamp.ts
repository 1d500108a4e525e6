import { statSync, type BigIntStats } from 'node:fs';

/** A file's identity and change times (inode, size, mtime, ctime); a difference means its bytes may have changed. */
export function stampOfStats(stat: BigIntStats): string {
  return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/** The stamp of the file at `path` (see `stampOfStats`). */
export function stampOf(path: string): string {
  return stampOfStats(statSync(path, { bigint: true }));
}

/**
 * Whether two stamps name the same bytes as far as the file's stats can tell: same inode, size
 * and modification time. The change time is left out: a rename or an unlink of the file (the
 * swap that replaces it, say) moves it without any write.
 */
export function sameWrite(a: string, b: string): boolean {
  return a.slice(0, a.lastIndexOf(':')) === b.slice(0, b.lastIndexOf(':'));
}
