import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook, type Runbook } from '../parser/index.js';

declare const __BUILD__: string | undefined;

/**
 * What the cache key names besides the text: the build of the parser that made the model. A model
 * written by another version (or another build of the same version) is never found, so never
 * trusted.
 */
const BUILD = typeof __BUILD__ === 'string' ? __BUILD__ : 'source';

/**
 * The model of `text`, from the content-addressed cache in `dir` when an earlier run parsed the
 * same text with the same build, else parsed (and stored). `dir` null parses every time. The
 * cache only ever saves time: an entry that cannot be read or written is parsed again.
 */
export function cachedModel(text: string, dir: string | null): Runbook {
  if (dir === null) return parseRunbook(text);
  const key = createHash('sha256').update(BUILD).update('\0').update(text).digest('hex');
  const folder = join(dir, key.slice(0, 2));
  const path = join(folder, `${key}.model`);
  try {
    const entry = readFileSync(path, 'latin1');
    // An entry starts with its own key: one copied from another document's is not believed.
    if (entry.startsWith(`${key}\n`)) {
      const cached: unknown = JSON.parse(entry.slice(key.length + 1));
      if (isModelOf(cached, text)) return cached;
    }
  } catch {
    // Not cached yet, or unreadable: parse it.
  }
  const model = parseRunbook(text);
  try {
    mkdirSync(folder, { recursive: true });
    // A temporary file renamed into place: a concurrent reader never sees half an entry.
    const temp = join(folder, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    writeFileSync(temp, `${key}\n${asciiJson(model)}`, 'latin1');
    renameSync(temp, path);
  } catch {
    // A read-only or full disk: the next run parses again.
  }
  return model;
}

const LISTS = ['sections', 'blocks', 'tasks', 'tables', 'links', 'unrendered', 'scenarios', 'declarations', 'references', 'problems', 'chunkStarts'] as const;

/** Whether a cached value has a model's shape, for a text of this length (a damaged entry has not). */
function isModelOf(value: unknown, text: string): value is Runbook {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Partial<Record<keyof Runbook, unknown>>;
  return model.length === text.length && typeof model.bom === 'boolean' && LISTS.every((name) => Array.isArray(model[name]));
}

/**
 * A model as JSON in ASCII alone (every other character escaped as JSON allows): read back as
 * Latin-1, it becomes a string with no decoding, and `JSON.parse` makes the model about twice as
 * fast as V8's own deserializer, which a warm audit spent most of its time in. A model is plain
 * data (strings, whole numbers, booleans, null, arrays and objects), which JSON keeps exactly.
 * The few characters to escape are found by a search and the text between them copied whole: a
 * `replace` calling back for each took 0.8–1.5 ms on the 100 KB model of a 20 KB session doc, this
 * 0.07 ms.
 */
function asciiJson(model: Runbook): string {
  const json = JSON.stringify(model);
  const beyond = /[^\x00-\x7e]/g;
  let out = '';
  let from = 0;
  for (let found = beyond.exec(json); found !== null; found = beyond.exec(json)) {
    const c = json.charCodeAt(found.index);
    out += `${json.slice(from, found.index)}\\u${HEX[c >> 12]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
    from = found.index + 1;
  }
  return from === 0 ? json : out + json.slice(from);
}

const HEX = '0123456789abcdef';

/** The folder of cached models under the user's cache folder. */
export function modelCacheDir(root: string): string {
  return join(root, 'audit', BUILD);
}
