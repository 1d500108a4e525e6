// Writes dist/runbook-<hash>.cache: loads the bundle, runs the everyday commands once on a small
// runbook in a temporary folder (so V8 has compiled what they use), and saves V8's code for all of
// it. The CLI then starts from compiled code instead of compiling a megabyte of JavaScript.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadCached } from '../dist/compile-cache.js';

const dist = (name) => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));
const loaded = loadCached(dist('runbook.cjs'), dist(`runbook-${process.argv[2]}.cache`), (specifier) => import(new URL(`../dist/${specifier}`, import.meta.url).href));
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
  for (const argv of [
    ['list', doc],
    ['list', doc, '--json'],
    ['run', doc, '--dry-run'],
    ['run', doc, '--yes', '--report', join(work, 'report.json'), '--junit', join(work, 'junit.xml')],
    ['tick', doc, '--line', '22', '--column', 'Done'],
    ['fill', doc, '--line', '22', '--column', 'Started', '--now'],
    ['check', doc],
    ['audit', doc, '--format', 'json'],
    ['reset', doc, '--cells'],
    ['--help'],
  ]) {
    await main(argv, io);
  }
  loaded.save();
} finally {
  rmSync(work, { recursive: true, force: true });
}
