// Writes dist/runbook-<hash>-<command>.cache, one per command: in a fresh process per command,
// loads the bundle, runs that command once or twice on a small runbook in a temporary folder (so
// V8 has compiled what it uses), and saves V8's code for it. The CLI then starts each command
// from compiled code instead of compiling a megabyte of JavaScript, and deserializes only the code
// that command needs.
// Usage: node scripts/warm-cache.mjs <bundle hash> [command]   (no command: every command)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { cacheName, loadCached, setFlagsFor } = require('../dist/compile-cache.cjs');
const dist = (name) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
const [hash, command] = process.argv.slice(2);

/** What each command runs to warm up, given the warm-up runbook and its folder. */
const warmUps = {
  list: (doc) => [['list', doc], ['list', doc, '--json']],
  run: (doc, work) => [['run', doc, '--dry-run'], ['run', doc, '--yes', '--report', join(work, 'report.json'), '--junit', join(work, 'junit.xml')]],
  // play needs a terminal; what it shares with run (parser, document, session) warms the same way.
  play: (doc) => [['run', doc, '--dry-run'], ['run', doc, '--yes']],
  tick: (doc) => [['tick', doc, '--line', '22', '--column', 'Done'], ['tick', doc, '--line', '14']],
  fill: (doc) => [['fill', doc, '--line', '22', '--column', 'Started', '--now'], ['fill', doc, '--line', '22', '--column', 'Notes', '--value', 'ok']],
  check: (doc) => [['check', doc]],
  audit: (doc) => [['audit', doc], ['audit', doc, '--format', 'json']],
  reset: (doc) => [['tick', doc, '--line', '14'], ['reset', doc, '--cells']],
  new: (doc, work) => [['new', doc, join(work, 'session.md')]],
  other: () => [['--help']],
};

if (command === undefined) {
  // Two at a time: each is a process of its own.
  const queue = Object.keys(warmUps);
  const failures = [];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const name = next;
      const code = await new Promise((resolve) => {
        const child = spawn(process.execPath, [fileURLToPath(import.meta.url), hash, name], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('error', (error) => resolve(error.message));
        child.on('close', (status) => resolve(status === 0 ? 0 : `${name}: ${stderr.trim() || `exit ${status}`}`));
      });
      if (code !== 0) failures.push(code);
    }
  };
  await Promise.all([worker(), worker()]);
  if (failures.length > 0) {
    process.stderr.write(`${failures.join('\n')}\n`);
    process.exitCode = 1;
  }
} else {
  setFlagsFor(command);
  const loaded = loadCached(dist('runbook.cjs'), dist(cacheName(hash, command)), (specifier) => import(new URL(`../dist/${specifier}`, import.meta.url).href));
  const { main } = loaded.exports;
  const work = mkdtempSync(join(tmpdir(), 'runbook-warm-'));
  const doc = join(work, 'warm.md');
  writeFileSync(
    doc,
    [
      '---',
      'title: Warm-up',
      'vars:',
      '  GREETING: hello',
      '---',
      '# Warm-up',
      '',
      '| Knob | Default | Description |',
      '|---|---|---|',
      '| `TARGET` | world | who to greet |',
      '',
      '## Steps',
      '',
      '- [ ] Greet',
      '',
      '  ```bash { name=greet timeout=30s }',
      '  echo "$GREETING $TARGET" && export GREETED=1 && cd .',
      '  ```',
      '',
      '| Step | Started | Done | Notes |',
      '|---|---|---|---|',
      '| Greet | | ☐ | TBD |',
      '',
    ].join('\n'),
  );
  const sink = () => new Writable({ write: (_chunk, _enc, done) => done() });
  const io = { stdout: sink(), stderr: sink(), stdin: new PassThrough(), env: { ...process.env, RUNBOOK_OPERATOR: 'warm-up' }, cwd: work };
  try {
    for (const argv of warmUps[command](doc, work)) await main(argv, io);
    loaded.save();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
