import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { sha256 } from '../random.js';
import { redact } from '../executor/redact.js';
import { valuesOf, type ShellState } from '../executor/state.js';
import { EVIDENCE_FOLDER, formatSize, wordText, writtenFiles, type EvidenceText, type WordPart } from '../parser/index.js';

/** Where a document's stored evidence lives: `.runbook/evidence/` beside it. */
export function evidenceRoot(docPath: string): string {
  return join(dirname(docPath), EVIDENCE_FOLDER);
}

/** One piece of evidence as the journal records it and the evidence line shows it. */
export interface EvidenceItem extends EvidenceText {
  /** The file as the block named it, or null for the block's output. */
  source: string | null;
  /** The size of what was there, in bytes, or null when nothing was. */
  bytes: number | null;
  /** The full SHA-256 of the stored copy. */
  sha256Full: string | null;
  /** Where the copy is stored, or null. */
  stored: string | null;
}

/**
 * The files a block names as evidence, resolved: `evidence=PATH,…`, then what it writes with
 * `> FILE`, `>> FILE` or `tee FILE`. Variables expand from the shell as the block left it. What
 * no reading of the text can know (`$(date +%s)`, a variable the block did not keep) matches any
 * text, among the files of that folder changed since the block started (`sinceMs`); a name that
 * matches none is kept as written, with a note.
 */
export function namedFiles(named: readonly string[], script: string, state: ShellState, env: Readonly<Record<string, string | undefined>>, cwd: string, sinceMs: number): Array<{ written: string; path: string | null }> {
  const words: WordPart[][] = [...named.map((f) => [{ text: f, quote: null }] as WordPart[]), ...writtenFiles(script)];
  const seen = new Set<string>();
  const files: Array<{ written: string; path: string | null }> = [];
  const add = (written: string, path: string | null) => {
    const key = path ?? written;
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ written, path });
  };
  for (const parts of words) {
    const word = expand(parts, (name) => valuesOf(state, name)[0] ?? env[name]);
    const full = isAbsolute(word) ? word : resolve(cwd, word);
    if (!full.includes(ANY)) add(wordText(parts), full);
    else {
      const found = matching(full, sinceMs);
      if (!found.length) add(wordText(parts), null);
      for (const path of found) add(wordText(parts), path);
    }
  }
  return files;
}

/** Stands for text a word's expansion cannot know. */
const ANY = '\0';

/** A word with `$NAME`, `${NAME}` and a leading `~` expanded; what cannot be expanded becomes `ANY`. */
function expand(parts: WordPart[], value: (name: string) => string | undefined): string {
  let out = '';
  for (const [i, part] of parts.entries()) {
    if (part.quote === 'single') {
      out += part.text;
      continue;
    }
    let text = part.text;
    if (i === 0 && part.quote === null && /^~(?=\/|$)/.test(text)) text = (value('HOME') ?? '~') + text.slice(1);
    out += text.replace(/\$\{(\w+)\}|\$([A-Za-z_]\w*)|\$\{[^}]*\}|\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`/g, (_m, a: string | undefined, b: string | undefined) => {
      const name = a ?? b;
      return (name !== undefined ? value(name) : undefined) ?? ANY;
    });
  }
  return out;
}

/** The files a path with `ANY` in its last part stands for, changed since `sinceMs`; none when a folder is unknown. */
function matching(path: string, sinceMs: number): string[] {
  const folder = dirname(path);
  if (folder.includes(ANY)) return [];
  const pattern = new RegExp(`^${basename(path).split(ANY).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  // The clock of the file system may be coarser than ours: a second of slack.
  return names
    .filter((name) => pattern.test(name))
    .map((name) => join(folder, name))
    .filter((file) => {
      try {
        const stat = statSync(file);
        return stat.isFile() && stat.mtimeMs >= sinceMs - 1000;
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * A session's evidence folder, `.runbook/evidence/<session>/` (mode 700): copies are masked, cut
 * at the cap, written once (mode 600, never overwritten: a second file of the same name gets a
 * number) and hashed.
 */
export class EvidenceStore {
  readonly dir: string;
  private made = false;

  constructor(
    readonly docPath: string,
    readonly session: string,
    private readonly secrets: () => readonly string[],
    readonly cap: number,
  ) {
    this.dir = join(evidenceRoot(docPath), session);
  }

  /** Keeps the block's output under `name`. */
  keepOutput(name: string, output: string, total: number): EvidenceItem {
    return this.store(name, Buffer.from(output, 'utf8'), total, null);
  }

  /** Keeps a copy of a file the block named; a file that is not there (or not a file) gets a note. */
  keepFile(written: string, path: string | null): EvidenceItem {
    const note = (detail: string): EvidenceItem => ({ name: written, detail, sha256: null, source: path ?? written, bytes: null, sha256Full: null, stored: null });
    if (path === null) return note('not found after the block');
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) return note('not a file');
      size = stat.size;
    } catch {
      return note('not found after the block');
    }
    const head = Buffer.alloc(Math.min(size, this.cap));
    let read = 0;
    try {
      const fd = openSync(path, 'r');
      try {
        while (read < head.length) {
          const n = readSync(fd, head, read, head.length - read, read);
          if (n === 0) break;
          read += n;
        }
      } finally {
        closeSync(fd);
      }
    } catch {
      return note('could not be read');
    }
    return this.store(basename(path), head.subarray(0, read), size, path);
  }

  private store(name: string, content: Buffer, total: number, source: string | null): EvidenceItem {
    this.open();
    const kept = maskBytes(content, this.secrets()).subarray(0, this.cap);
    const { fd, file } = this.create(safeName(name));
    try {
      writeSync(fd, kept);
    } finally {
      closeSync(fd);
    }
    const sha256Full = sha256(kept);
    const cut = total > this.cap;
    const detail = cut ? `${formatSize(total)}, first ${formatSize(this.cap)} kept (size cap)` : formatSize(kept.length);
    return { name: `${this.session}/${file}`, detail, sha256: sha256Full.slice(0, 16), source, bytes: total, sha256Full, stored: join(this.dir, file) };
  }

  private open(): void {
    if (this.made) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(evidenceRoot(this.docPath), 0o700);
    chmodSync(this.dir, 0o700);
    this.made = true;
  }

  /** Creates a file that did not exist (`wx`): `api.log`, else `api-2.log`, `api-3.log`, … */
  private create(name: string): { fd: number; file: string } {
    const ext = extname(name);
    const stem = name.slice(0, name.length - ext.length);
    for (let n = 1; ; n++) {
      const file = n === 1 ? name : `${stem}-${n}${ext}`;
      try {
        return { fd: openSync(join(this.dir, file), 'wx', 0o600), file };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }
}

/**
 * Masks secrets in a file's bytes. Text is masked as text; anything else through a latin1 view
 * (each byte one character), so bytes around a secret come back as they were.
 */
function maskBytes(content: Buffer, secrets: readonly string[]): Buffer {
  if (!secrets.length) return content;
  const text = content.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(content)) return Buffer.from(redact(text, secrets), 'utf8');
  const masked = redact(content.toString('latin1'), secrets.map((s) => Buffer.from(s, 'utf8').toString('latin1')));
  return Buffer.concat([...masked].map((c) => (c.charCodeAt(0) < 256 ? Buffer.from([c.charCodeAt(0)]) : Buffer.from(c, 'utf8'))));
}

/** What a block kept, one line per piece, as `run` prints it and `play` shows it under the output. */
export function evidenceLines(items: readonly EvidenceItem[]): string[] {
  return items.map((item) => `evidence: ${item.name} · ${item.detail}${item.sha256Full ? ` · sha256 ${item.sha256Full.slice(0, 16)}` : ''}`);
}

/** A file name that is safe in a path and in an evidence line. */
function safeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '');
  return safe || 'evidence';
}
