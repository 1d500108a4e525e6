// The only module that touches `process`: it hands argv and the streams to `main` and sets the
// exit code. `--version` is answered before anything else is loaded, so it costs a bare start.
// Everything else lives in one CommonJS bundle loaded through V8's code cache (see
// compile-cache.ts); the play screen is a separate ES module the bundle imports on demand.

declare const __VERSION__: string;
declare const __BUNDLE__: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${__VERSION__}\n`);
} else {
  const { fileURLToPath } = await import('node:url');
  const { loadCached } = await import('./compile-cache.js');
  const bundle = fileURLToPath(new URL('./runbook.cjs', import.meta.url));
  // RUNBOOK_NO_CODE_CACHE=1 compiles from source, as plain Node would.
  const cache = process.env.RUNBOOK_NO_CODE_CACHE ? null : fileURLToPath(new URL(`./runbook-${__BUNDLE__}.cache`, import.meta.url));
  const loaded = loadCached(bundle, cache, (specifier) => import(new URL(specifier, import.meta.url).href));
  if (loaded.compiled && cache) process.once('exit', () => loaded.save());
  const { main } = loaded.exports as typeof import('./main.js');
  process.exitCode = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
}
