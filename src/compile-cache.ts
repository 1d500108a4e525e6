import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { cacheDir } from './cache-dir.js';

/** A CommonJS bundle loaded through V8's code cache, and how to refresh that cache. */
export interface CachedModule {
  exports: unknown;
  /** True when V8 had no usable cache and compiled the bundle from source. */
  compiled: boolean;
  /** Writes V8's code for everything compiled so far (call it late, so lazily compiled functions are in). */
  save(): void;
}

/** The commands that get a code cache of their own; anything else shares one. */
const COMMANDS = new Set(['list', 'audit', 'check', 'tick', 'fill', 'new', 'reset', 'play', 'run']);

/**
 * The file name of the code cache for `command` (the CLI's first argument) and the bundle whose
 * hash is `bundle`. Each command has its own cache, holding only the code that command compiled
 * when the build warmed it: V8 deserializes a whole cache whatever runs, so a smaller one starts
 * sooner.
 */
export function cacheName(bundle: string, command: string | undefined): string {
  return `runbook-${bundle}-${command !== undefined && COMMANDS.has(command) ? command : 'other'}.cache`;
}

/**
 * The CLI's bundle (`runbook.cjs` in `dir`, whose hash is `bundle`) loaded through the code cache
 * kept for `command` in the user's cache folder, or compiled from source when
 * RUNBOOK_NO_CODE_CACHE is set, as plain Node would. A cache fits one V8 (one Node version and
 * architecture): each has a folder of its own.
 */
export function loadBundle(dir: string, bundle: string, command: string | undefined): CachedModule {
  const cache = process.env.RUNBOOK_NO_CODE_CACHE ? null : join(cacheDir(process.env), 'code', `node-${process.version}-${process.arch}`, cacheName(bundle, command));
  return loadCached(join(dir, 'runbook.cjs'), cache, (specifier) => import(pathToFileURL(join(dir, specifier)).href));
}

/**
 * Removes the caches of other builds of the bundle for the same command: once a new build runs,
 * an older build's cache is never read again.
 */
function dropStale(folder: string, name: string): void {
  const command = name.slice(name.lastIndexOf('-'));
  for (const file of readdirSync(folder)) {
    if (file !== name && file.startsWith('runbook-') && file.endsWith(command)) unlinkSync(join(folder, file));
  }
}

/**
 * Sets the V8 flags `command` runs with. A session (`run`) makes a little garbage per block for as
 * long as it lasts: a heap kept small holds its memory flat however many blocks run. The young
 * generation starts at 1 MB and, by default, doubles whenever much of it survives (as while a
 * long document is parsed), up to 16 MB twice over; a growth factor of 1 keeps it at its start
 * (the size of the young generation itself cannot be set once V8 runs). A function is optimized
 * after about 250 times the usual work in it: the optimizing compiler runs on helper threads, each
 * keeping its own C heap afterwards (about 2 MB apiece here), and a session is mostly waiting. At
 * 30 times, a 1 000-block run took 15 % less CPU and 4–5 MB less memory than by default; at 250
 * times, 2 MB less again for 4 % more time (about 0.1 ms a block), and a block printing
 * 200 000 lines is as fast. Flags are part of what V8 checks a code cache against, so they are
 * set before the cache is read and before it is written, never in between (a cache written under
 * other flags is rejected on every start).
 */
export function setFlagsFor(command: string | undefined): void {
  if (command !== 'run') return;
  setFlagsFromString('--optimize-for-size');
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--interrupt-budget=32000000');
}

/**
 * What the bundle is wrapped in: a function of what a CommonJS module sees, and `__runbookImport`,
 * which stands in for import(), which code run from V8's cache cannot use here.
 */
export const BUNDLE_WRAPPER = ['(function (exports, require, module, __filename, __dirname, __runbookImport) {', '\n})'] as const;

/**
 * Loads the CommonJS bundle at `file` with V8's code cache from `cacheFile`. Node 20 has no
 * compile cache of its own (`module.enableCompileCache` came in Node 22), and compiling the
 * bundle is most of what a command costs before it does anything: the cache cuts that to a
 * deserialization. V8 checks that a cache fits its version, flags and source and rejects one
 * that does not; the bundle is then compiled from source as usual and `save` writes a fresh cache.
 * `importer` is the bundle's import(): code V8 runs from a cache cannot import on its own here.
 */
export function loadCached(file: string, cacheFile: string | null, importer: (specifier: string) => Promise<unknown>): CachedModule {
  // The build writes the bundle in ASCII: read as Latin-1, it needs no UTF-8 decoding (a file
  // that is not ASCII, such as another bundle, is decoded as UTF-8).
  const bytes = readFileSync(file);
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = cacheFile === null ? undefined : readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The build writes the bundle already wrapped in a function (`BUNDLE_WRAPPER`): joining it here
  // would copy a megabyte string twice, and each such string fills the young generation at once.
  const wrapper = source.startsWith(BUNDLE_WRAPPER[0]) ? source : `${BUNDLE_WRAPPER[0]}${source}${BUNDLE_WRAPPER[1]}`;
  const script = new Script(wrapper, { filename: file, cachedData });
  const compiled = cachedData === undefined || script.cachedDataRejected === true;
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importer);
  return {
    exports: module.exports,
    compiled,
    save() {
      if (cacheFile === null) return;
      // A temporary file renamed into place: a reader never sees half a cache.
      const folder = dirname(cacheFile);
      const temp = join(folder, `.${basename(cacheFile)}.${Date.now().toString(36)}${Math.random().toString(36).slice(2)}.tmp`);
      try {
        mkdirSync(folder, { recursive: true });
        dropStale(folder, basename(cacheFile));
        writeFileSync(temp, script.createCachedData());
        renameSync(temp, cacheFile);
      } catch {
        // A read-only or full disk: the cache is only a speed-up.
        try {
          unlinkSync(temp);
        } catch {
          // Nothing was written.
        }
      }
    },
  };
}
