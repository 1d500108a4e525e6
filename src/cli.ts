// The only module that touches `process`: it hands argv and the streams to `main` and sets the
// exit code. `--version` is answered before anything else is loaded, so it costs a bare start.
declare const __VERSION__: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${__VERSION__}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
}
