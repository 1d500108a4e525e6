// Issue 4 and 8 measurements in a fresh process: a block printing 200 000 lines through the player
// (log file, result line, journal), and 200 polls of a recovery check.
// Usage: node bench/executor-child.mjs output|poll|bare-output
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
// `cached` as the second argument loads the modules the way the CLI does: one CommonJS bundle
// through V8's code cache (written by the first such run), so compiling is not what is measured.
const cached = process.argv[3] === 'cached';
const { ShellSession, Player, Document, pollUntil } = cached ? await loadThroughCache() : await import('./.out/document.js');

async function loadThroughCache() {
  const { createRequire } = await import('node:module');
  const { loadCached } = createRequire(import.meta.url)('../dist/compile-cache.cjs');
  const file = new URL('./.out/document.cjs', import.meta.url).pathname;
  const loaded = loadCached(file, `${file}.cache`, (specifier) => import(specifier));
  if (loaded.compiled) process.once('exit', () => loaded.save());
  return loaded.exports;
}

const mode = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'runbook-exec-bench-'));
const env = { PATH: process.env.PATH, HOME: dir };
let ms;
var blockMs;
if (mode === 'poll') {
  // 200 polls of a check that counts its tries in a file, runs an external command and passes on
  // the 200th try, back to back.
  const session = await ShellSession.start({ cwd: dir, env });
  writeFileSync(join(dir, 'count'), '0\n');
  const start = performance.now();
  // The poll's own clock (monotonic milliseconds from process.hrtime).
  const startedAt = Number(process.hrtime.bigint()) / 1e6;
  const poll = await pollUntil(session, 'read -r n < count; n=$((n+1)); echo "$n" > count; /usr/bin/test "$n" -ge 200', { everyMs: 0, withinMs: 600_000, startedAt, stopped: () => false, onRun: () => {}, onPoll: () => {} });
  ms = performance.now() - start;
  if (!poll.passed || poll.polls !== 200) throw new Error(`poll ended after ${poll.polls} tries`);
  await session.close();
} else if (mode === 'output') {
  const path = join(dir, 'big.md');
  writeFileSync(path, '# Big\n\n```bash\nseq 1 200000\n```\n');
  const start = performance.now();
  const doc = Document.open(path, { lock: 'bench' });
  const player = await Player.open(doc, { env, secrets: ['hunter2-secret'], operator: 'bench', version: '0', timeoutMs: null });
  const sink = createWriteStream('/dev/null');
  const blockStart = performance.now();
  const record = await player.runBlock(0, (event) => event.type === 'output' && sink.write(event.text));
  var blockMs = performance.now() - blockStart;
  // The same block again in the running session: what every block after the first costs.
  const laterStart = performance.now();
  const later = await player.runBlock(0, (event) => event.type === 'output' && sink.write(event.text));
  var laterMs = performance.now() - laterStart;
  if (later.outcome !== 'passed') throw new Error('block failed');
  await player.close('done');
  ms = performance.now() - start;
  if (record.outcome !== 'passed') throw new Error('block failed');
} else {
  // The floor: spawn the same command and write its piped output to a file.
  const start = performance.now();
  await new Promise((resolve) => {
    const child = spawn('bash', ['-c', 'seq 1 200000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(createWriteStream(join(dir, 'out.log')));
    child.on('close', resolve);
  });
  ms = performance.now() - start;
}
console.log(JSON.stringify({ ms, blockMs: typeof blockMs === 'number' ? blockMs : null, laterMs: typeof laterMs === 'number' ? laterMs : null, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
