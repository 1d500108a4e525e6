// Bundles the CLI into dist/ with esbuild; the package ships only this (its dependencies are all
// inside, so installing it installs nothing else):
//   dist/cli.cjs           the entry: answers --version, else loads the bundle below
//   dist/runbook.cjs       every command in one CommonJS bundle, loaded through V8's code cache,
//                          which is written on first use into the user's cache folder
//   dist/tui.js            the play screen (ink and react), an ES module only `play` imports
//   dist/chunks/           what the screen loads only on demand (React DevTools, never in use)
//   dist/audit-worker.cjs  one thread of `audit`'s worker pool, which loads the bundle above
//                          through its code cache, and dist/pool-worker.mjs, the pool's
//                          (tinypool's) side of that thread
//   dist/compile-cache.cjs the loader (also inside the entry), for the benchmarks
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

/** A hash of every source file: caches written by one build are never read by another. */
function sourceHash() {
  const hash = createHash('sha256').update(pkg.version);
  const src = new URL('../src/', import.meta.url);
  for (const file of readdirSync(src, { recursive: true }).sort()) {
    if (/\.tsx?$/.test(file)) hash.update(file).update(readFileSync(new URL(file, src)));
  }
  hash.update(readFileSync(new URL('../package-lock.json', import.meta.url)));
  // This file too: the patches below change how the bundled parser runs.
  hash.update(readFileSync(new URL(import.meta.url)));
  return hash.digest('hex').slice(0, 16);
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  // Short names make a third less source to read and a smaller code cache to load at each start
  // (about 3 % of a short run). Nothing in the tool reads a function's or class's name (errors
  // name themselves); a stack trace under RUNBOOK_DEBUG names places in the bundle by line and column.
  minifyIdentifiers: true,
  metafile: true,
  define: { __VERSION__: JSON.stringify(pkg.version), __BUILD__: JSON.stringify(`${pkg.version}-${sourceHash()}`), 'process.env.NODE_ENV': '"production"' },
};
// Some bundled CommonJS packages call require(); give the ES modules one.
const esmRequire = { js: "import { createRequire as __runbookRequire } from 'node:module'; const require = __runbookRequire(import.meta.url);" };

/** Every file each build took in: the packages among them are what THIRD-PARTY lists. */
const inputs = new Set();
const bundle = async (options) => {
  const result = await build(options);
  for (const input of Object.keys(result.metafile.inputs)) inputs.add(input);
};

// The play screen stays an ES module: yoga-layout, under ink, uses top-level await.
await bundle({
  ...common,
  entryPoints: { tui: 'src/tui/mount.tsx' },
  outdir: 'dist',
  format: 'esm',
  banner: esmRequire,
  // Ink loads React DevTools only when DEV=true, through import(); it is not a dependency, and
  // splitting keeps its import in a chunk that is never loaded.
  external: ['react-devtools-core'],
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

/**
 * The play command imports the screen at run time, from beside the bundle, through the importer
 * the entry hands the bundle (code V8 runs from its cache has no import() of its own).
 */
const screenBesideBundle = {
  name: 'screen-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]tui[\\/]load\.ts$/ }, () => ({ contents: "export const loadScreen = () => __runbookImport('./tui.js');", loader: 'js' }));
  },
};

/**
 * tinypool starts its threads from its own entry file, found beside its module; bundled, that
 * file is dist/pool-worker.mjs, beside the bundle.
 */
const poolWorkerBesideBundle = {
  name: 'pool-worker-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]tinypool[\\/]dist[\\/]index\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const contents = source
        .replace('fileURLToPath(import.meta.url + "/../entry/worker.js")', 'require("node:path").join(__dirname, "pool-worker.mjs")')
        .replace('fileURLToPath(import.meta.url + "/../entry/process.js")', 'require("node:path").join(__dirname, "pool-process.mjs")')
        .replace('new URL("../package.json", import.meta.url)', 'require("node:path").join(__dirname, "..", "package.json")');
      if (contents.includes('import.meta.url')) throw new Error(`${path}: tinypool finds its files in a way this build does not know`);
      return { contents, loader: 'js' };
    });
  },
};
/**
 * An esbuild plugin that rewrites one file of a package as it is bundled: `patch` gets the file's
 * text and returns the new text, and throws (failing the build) when the text it means to change
 * is not there, so a new version of the package is never bundled half patched.
 */
function patchSource(name, filter, patch) {
  return { name, setup: (b) => b.onLoad({ filter }, ({ path }) => ({ contents: patch(readFileSync(path, 'utf8'), path), loader: 'js' })) };
}
/** `source` with `from` replaced by `to` (every one of `count`), or a failed build. */
function replaced(source, path, from, to, count = 1) {
  if (source.split(from).length !== count + 1) throw new Error(`${path}: this build's patch no longer fits (the package changed)`);
  return source.replaceAll(from, to);
}
/**
 * execa lists the standard streams when it is loaded, and `process.stdin` is a getter that opens
 * standard input (a stream, a non-blocking pipe). Every command that runs a process would pay for
 * it, and change its standard input, without ever reading it: the list's first entry is made a
 * getter too, so standard input is opened only if execa is handed it.
 */
const execaStdinOnDemand = patchSource('execa-stdin-on-demand', /[\\/]execa[\\/]lib[\\/]utils[\\/]standard-stream\.js$/, (source, path) =>
  replaced(source, path, 'export const STANDARD_STREAMS = [process.stdin, process.stdout, process.stderr];', 'export const STANDARD_STREAMS = Object.defineProperty([undefined, process.stdout, process.stderr], 0, { get: () => process.stdin, enumerable: true });'),
);
/**
 * micromark's `parse` combines its own constructs with the extensions (GFM) into one table for
 * every text it parses: about 50 µs and 100 KB of garbage each time, and the parser reads a
 * document a piece at a time (a piece per fence or heading), so on a runbook of many blocks this
 * was a tenth of the parse. The table depends only on the extensions, the same array for every
 * parse of the one processor (frozen once it has parsed), and nothing writes to it: it is made
 * once per array. Each parse still gets a context of its own (its definitions, lazy lines).
 */
const micromarkConstructsOnce = patchSource('micromark-constructs-once', /[\\/]micromark[\\/]lib[\\/]parse\.js$/, (source, path) => {
  const helper = '\nconst combined = new WeakMap();\nfunction constructsOf(extensions) {\n  let constructs = combined.get(extensions);\n  if (!constructs) combined.set(extensions, (constructs = combineExtensions([defaultConstructs, ...extensions])));\n  return constructs;\n}\n';
  return replaced(source, path, 'combineExtensions([defaultConstructs, ...(settings.extensions || [])]);', 'constructsOf(settings.extensions || []);') + helper;
});
/**
 * mdast-util-from-markdown's `fromMarkdown` builds its compiler for every text it turns into a
 * tree: a function of 1 000 lines holding a hundred handlers, made anew for every piece of every
 * document. Called that often it counts as hot, and V8's optimizing compiler spent half a second
 * on it alone in an audit of 1 000 session docs (an eighth of all its work there), on a core a
 * second thread of the audit needs. The compiler depends only on the mdast extensions (GFM's),
 * the same array for every parse of the one processor: it is made once per array. What a compile
 * keeps between events (`data`: inside a reference, a list's first value…) is still its own.
 */
function compilerOnce(source, path) {
  const helper = '\nconst compilers = new WeakMap();\nfunction compilerOf(options) {\n  const extensions = options && options.mdastExtensions;\n  if (!extensions) return compiler(options);\n  let compile = compilers.get(extensions);\n  if (!compile) compilers.set(extensions, (compile = compiler(options)));\n  return compile;\n}\n';
  const once = replaced(source, path, '  return compiler(options)(postprocess(', '  return compilerOf(options)(postprocess(');
  return replaced(once, path, '      resume,\n      data\n    };', '      resume,\n      data: {}\n    };') + helper;
}
/**
 * mdast-util-from-markdown hands each of a document's events to its handler with `this` a fresh
 * copy of the compile context (`{ ...context, sliceSerialize }`): one object per event, tens of
 * thousands for a session doc, a fifth of the parse's garbage. No handler (its own, GFM's) keeps
 * `this` or writes to it (they write to `this.data` and `this.stack`, which every copy shares), so
 * one copy, its `sliceSerialize` set before each call, serves every event. A fifth less time for
 * `audit` on generated session docs.
 */
function compileContextOnce(source, path) {
  const copy = '{\n          ...context,\n          sliceSerialize: events[index][2].sliceSerialize\n        }';
  const loop = '    index = -1;\n    while (++index < events.length) {\n      const handler = config[events[index][0]];';
  const once = '    index = -1;\n    const self = { ...context, sliceSerialize: undefined };\n    while (++index < events.length) {\n      self.sliceSerialize = events[index][2].sliceSerialize;\n      const handler = config[events[index][0]];';
  return replaced(replaced(source, path, loop, once), path, copy, 'self', 3);
}
const fromMarkdownOnce = patchSource('from-markdown-once', /[\\/]mdast-util-from-markdown[\\/]lib[\\/]index\.js$/, (source, path) => compilerOnce(compileContextOnce(source, path), path));
await bundle({ ...common, entryPoints: { runbook: 'src/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, format: 'cjs', plugins: [screenBesideBundle, poolWorkerBesideBundle, execaStdinOnDemand, micromarkConstructsOnce, fromMarkdownOnce] });
await bundle({
  ...common,
  entryPoints: { 'pool-worker': join('node_modules', 'tinypool', 'dist', 'entry', 'worker.js') },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  banner: esmRequire,
});

const cjs = { ...common, outdir: 'dist', outExtension: { '.js': '.cjs' }, format: 'cjs' };
await build({ ...cjs, entryPoints: { 'compile-cache': 'src/compile-cache.ts' } });

// The bundle is read as Latin-1 (see compile-cache.ts): a one-byte string V8 takes in without
// decoding UTF-8. What esbuild leaves outside ASCII (characters in regular expressions) is
// written as \u escapes, which mean the same there and in strings. It is also written wrapped in
// the function the loader calls (its BUNDLE_WRAPPER), so the loader hands V8 the file as it reads it.
{
  const { BUNDLE_WRAPPER } = createRequire(import.meta.url)('../dist/compile-cache.cjs');
  const file = new URL('../dist/runbook.cjs', import.meta.url);
  const text = readFileSync(file, 'utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(file, `${BUNDLE_WRAPPER[0]}${text}${BUNDLE_WRAPPER[1]}`);
}
const bundleHash = createHash('sha256').update(readFileSync(new URL('../dist/runbook.cjs', import.meta.url))).digest('hex').slice(0, 12);
// CommonJS: Node starts a CommonJS entry sooner than an ES module.
await build({ ...cjs, entryPoints: { cli: 'src/cli.ts', 'audit-worker': 'src/audit-worker.ts' }, define: { ...common.define, __BUNDLE__: JSON.stringify(bundleHash) } });

// The folders of the packages inside the bundles, for scripts/third-party.mjs.
const packages = new Set([...inputs].map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter(Boolean));
mkdirSync(new URL('../node_modules/.cache/runbook/', import.meta.url), { recursive: true });
writeFileSync(new URL('../node_modules/.cache/runbook/bundled-packages.json', import.meta.url), `${JSON.stringify([...packages].sort(), null, 2)}\n`);
