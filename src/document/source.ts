import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { MAX_BYTES } from '../io.js';
import { sha256 } from '../random.js';
import { dominantLineEnding, type LineEnding } from '../parser/index.js';
import { Pieces } from './pieces.js';
import { stampOf } from './stamp.js';

/** A document as read from disk. */
export interface Source {
  path: string;
  /** The whole text as one string (a version written in a session is joined when first asked for). */
  text: string;
  /** The same text in pieces (see `Pieces`): what a session reads and edits between writes. */
  pieces: Pieces;
  /** SHA-256 of the bytes on disk, to notice when someone else changes the file. */
  hash: string;
  /** The bytes `text` was decoded from (or was last written as). */
  bytes: Uint8Array;
  bom: boolean;
  eol: LineEnding;
  mode: number;
  /** Inode, size and change times when read or written: a cheap first check for someone else's edit. */
  stamp: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a Markdown file, refusing with a one-line message what cannot be a runbook: a missing
 * path, a folder, a binary or non-UTF-8 file, an empty or oversized one. The BOM is kept in the
 * text so that offsets match the bytes on disk.
 */
export function readSource(path: string): Source {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (stat.isDirectory()) throw new UserError(`${path}: is a directory; pass a Markdown file`);
  if (!stat.isFile()) throw new UserError(`${path}: not a regular file; pass a Markdown file`);
  if (stat.size > MAX_BYTES) {
    throw new UserError(
      `${path}: ${(stat.size / 1048576).toFixed(1)} MB is larger than the ${(MAX_BYTES / 1048576).toFixed(0)} MB a runbook may be; split it (or raise RUNBOOK_MAX_BYTES)`,
    );
  }
  const stamp = stampOf(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw unreadable(path, error);
  }
  return decodeSource(path, bytes, stat.mode, stamp);
}

/** What to tell the user when `path` cannot be read. */
function unreadable(path: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`${path}: no such file; check the path`);
  if (code === 'EACCES') return new UserError(`${path}: permission denied; check the file's permissions`);
  return new UserError(`${path}: cannot read (${code ?? 'unknown error'})`);
}

/** Decodes bytes read from `path`; shared by reads and by the re-read before each write. */
export function decodeSource(path: string, bytes: Uint8Array, mode: number, stamp = ''): Source {
  if (bytes.length === 0) throw new UserError(`${path}: the file is empty; nothing to read`);
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new UserError(`${path}: looks like a binary file (NUL byte at offset ${nul}); pass a Markdown file`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new UserError(`${path}: is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)}); re-save it as UTF-8`);
  }
  return sourceOf({ path, text, bytes, bom: text.charCodeAt(0) === 0xfeff, eol: dominantLineEnding(text), mode, stamp });
}

/** A source's fields, its text as a string or in pieces. */
type Fields = Omit<Source, 'hash' | 'text' | 'pieces'> & { text: string | Pieces };

/**
 * A source whose hash (a SHA-256 of what may be megabytes, for the journal) is computed the
 * first time someone asks for it, once, and whose text is made a string or cut into pieces when
 * first asked for in the other form. Copy one with `changedSource`, not a spread: spreading would
 * read the hash and join the text.
 */
function sourceOf({ text, ...fields }: Fields): Source {
  let hash: string | null = null;
  let pieces = typeof text === 'string' ? null : text;
  return {
    ...fields,
    get hash() {
      return (hash ??= sha256(fields.bytes));
    },
    get text() {
      return typeof text === 'string' ? text : text.toString();
    },
    get pieces() {
      return (pieces ??= Pieces.of(text as string));
    },
  };
}

/** `source` with some fields changed (neither the hash nor a joined text is read to copy it). */
export function changedSource(source: Source, changes: Partial<Omit<Fields, 'path'>>): Source {
  const { path, bytes, bom, eol, mode, stamp } = source;
  return sourceOf({ path, bytes, bom, eol, mode, stamp, ...changes, text: changes.text ?? source.pieces });
}

/** Offset of the first byte that breaks UTF-8, for the error message. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >> 5 === 6 ? 1 : b >> 4 === 14 ? 2 : b >> 3 === 30 ? 3 : -1;
    if (need === -1) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return i;
}
