// Bundles the CLI into dist/ with esbuild:
//   dist/cli.cjs           the entry: answers --version, else loads the bundle below
//   dist/runbook.cjs       every command in one CommonJS bundle, loaded through V8's code cache
//   dist/runbook-*-<command>.cache  that cache, one per command, written here by warm-up runs
//   dist/tui.js            the play screen (ink and react), an ES module only `play` imports
//   dist/chunks/           what the screen loads only on demand (React DevTools, never in use)
//   dist/compile-cache.cjs the loader (also inside the entry) for the warm-up and the benchmarks
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  logLevel: 'warning',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  define: { __VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
};
// Some bundled CommonJS packages call require(); give the ES modules one.
const esmRequire = { js: "import { createRequire as __runbookRequire } from 'node:module'; const require = __runbookRequire(import.meta.url);" };

// The play screen stays an ES module: yoga-layout, under ink, uses top-level await.
await build({
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
await build({ ...common, entryPoints: { runbook: 'src/main.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' }, format: 'cjs', plugins: [screenBesideBundle] });

const bundleHash = createHash('sha256').update(readFileSync(new URL('../dist/runbook.cjs', import.meta.url))).digest('hex').slice(0, 12);
const cjs = { ...common, outdir: 'dist', outExtension: { '.js': '.cjs' }, format: 'cjs' };
await build({ ...cjs, entryPoints: { 'compile-cache': 'src/compile-cache.ts' } });
// CommonJS: Node starts a CommonJS entry sooner than an ES module.
await build({ ...cjs, entryPoints: { cli: 'src/cli.ts' }, define: { ...common.define, __BUNDLE__: JSON.stringify(bundleHash) } });

// The warm-up is only a speed-up: a machine where it cannot run still gets a working CLI.
const warm = spawnSync(process.execPath, ['scripts/warm-cache.mjs', bundleHash], { encoding: 'utf8' });
if (warm.status !== 0) process.stderr.write(`build: no code cache written (${(warm.stderr || warm.error?.message || '').trim()})\n`);
