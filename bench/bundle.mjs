// Bundles the modules the benchmarks call directly (the CLI itself is measured as built).
import { build } from 'esbuild';

export async function bundleForBench() {
  await build({
    entryPoints: { parser: 'src/parser/index.ts', document: 'bench/document-entry.ts', sshd: 'test/support/sshd.ts' },
    outdir: 'bench/.out',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
  // The same modules as one CommonJS bundle, for measuring them as the CLI runs: from V8's code cache.
  await build({
    entryPoints: { document: 'bench/document-entry.ts' },
    outdir: 'bench/.out',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
}
