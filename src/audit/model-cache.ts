import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook, type Runbook } from '../parser/index.js';
import { packValue } from './packed-model.js';
import { unpackValue } from './unpack-model.js';

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
  if (dir === null) return parse(text);
  const key = createHash('sha256').update(BUILD).update('\0').update(text).digest('hex');
  const folder = join(dir, key.slice(0, 2));
  const path = join(folder, `${key}.model`);
  try {
    const entry = readFileSync(path);
    // An entry starts with its own key: one copied from another document's is not believed.
    if (entry.toString('latin1', 0, key.length + 1) === `${key}\n`) {
      const cached = unpackValue(entry, key.length + 1);
      if (isModelOf(cached, text)) return cached;
    }
  } catch {
    // Not cached yet, or unreadable: parse it.
  }
  const model = parse(text);
  try {
    if (!made.has(folder)) mkdirSync(folder, { recursive: true });
    made.add(folder);
    // A temporary file renamed into place: a concurrent reader never sees half an entry.
    const temp = join(folder, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    writeFileSync(temp, packValue(model, `${key}\n`));
    renameSync(temp, path);
  } catch {
    // A read-only or full disk, or the folder deleted meanwhile: the next run parses again.
    made.delete(folder);
  }
  return model;
}

/** The folders of the cache this thread has made or found: making one again costs a system call or two per document. */
const made = new Set<string>();

let parsed = 0;

/** How many documents this thread has parsed (not found in the cache) so far. */
export function modelsParsed(): number {
  return parsed;
}

function parse(text: string): Runbook {
  parsed++;
  return parseRunbook(text);
}

const LISTS = ['sections', 'blocks', 'tasks', 'tables', 'links', 'unrendered', 'scenarios', 'declarations', 'references', 'problems', 'chunkStarts'] as const;

/** Whether a cached value has a model's shape, for a text of this length (a damaged entry has not). */
function isModelOf(value: unknown, text: string): value is Runbook {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Partial<Record<keyof Runbook, unknown>>;
  return model.length === text.length && typeof model.bom === 'boolean' && LISTS.every((name) => Array.isArray(model[name]));
}

/** The folder of cached models under the user's cache folder. */
export function modelCacheDir(root: string): string {
  return join(root, 'audit', BUILD);
}
