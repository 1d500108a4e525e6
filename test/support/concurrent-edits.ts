import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from './cli.js';
import { splitTimeline } from './timeline.js';

// Issue 16: while `runbook run` works through a document, another process edits the same file
// (an append, a write in place, a rewrite that truncates first, an editor's write-temp-and-rename)
// at random moments. Each of its edits must end up in the document, or in a `.conflict-` file
// beside it with `run` exiting non-zero; the document must always be whole. `npm test` runs a few
// trials (test/document/concurrent-run.test.ts); `npm run test:stress` runs RUNBOOK_STRESS_TRIALS
// of them (200) with a fixed seed (test/document/concurrent.stress.test.ts).
const BLOCKS = 30;
/** Each block takes this long, so the run writes the document every few tens of milliseconds for about 2 s. */
const BLOCK_SECONDS = 0.05;

/** Four notes at the top, each the target of one kind of edit; markers keep their length, so offsets never move. */
const NOTES = { inPlace: 'aaaaaaaaaaaaaaaa', rewrite: 'bbbbbbbbbbbbbbbb', rename: 'cccccccccccccccc' } as const;

const skeleton = [
  '# Stress drill',
  '',
  `Note A: ${NOTES.inPlace}.`,
  '',
  `Note B: ${NOTES.rewrite}.`,
  '',
  `Note C: ${NOTES.rename}.`,
  '',
  '## Steps',
  '',
  ...Array.from({ length: BLOCKS }, (_, i) => [`- [ ] step ${i + 1}`, '', '  ```bash', `  sleep ${BLOCK_SECONDS}`, '  ```', '']).flat(),
  'The end.',
  '',
].join('\n');

/** A small seeded generator (mulberry32), so a failing trial can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'append' | 'inPlace' | 'rewrite' | 'rename';

/** The bash that makes one edit, as the tools people use make it. */
function editCommand(kind: Kind, marker: string): string {
  switch (kind) {
    case 'append':
      // O_APPEND and one write(2).
      return `printf 'appended %s\\n' ${marker} >> doc.md`;
    case 'inPlace': {
      // One write(2) over the note's bytes, without truncating: the file keeps its inode.
      const offset = Buffer.byteLength(skeleton.slice(0, skeleton.indexOf(NOTES.inPlace)));
      return `printf %s ${marker} | dd of=doc.md bs=64 seek=${offset} oflag=seek_bytes conv=notrunc status=none`;
    }
    case 'rewrite':
      // Read, change a paragraph, truncate the same file and write it whole (one write(2)).
      return `new=$(sed 's/${NOTES.rewrite}/${marker}/' doc.md) && cat > doc.md <<< "$new"`;
    case 'rename':
      // An editor's save: a temporary file in the same folder renamed over the document.
      return `sed -i 's/${NOTES.rename}/${marker}/' doc.md`;
  }
}

/** The document with every engine and edit mark taken out: a whole document gives back the skeleton. */
function normalized(text: string, markers: Map<Kind, string>): string {
  // The session's timeline, written at its end, is the engine's too.
  let out = splitTimeline(text)
    .rest    .replace(/^ *\*runbook:\*.*\n/gm, '')
    .replace(/^- \[x\] /gm, '- [ ] ')
    .replace(/^appended .*\n/gm, '');
  for (const [kind, marker] of markers) if (kind !== 'append') out = out.replace(marker, NOTES[kind]);
  return out;
}

interface Trial {
  code: number | null;
  lost: string[];
  torn: string[];
  editFailed: string;
}

async function trial(n: number, next: () => number): Promise<Trial> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-concurrent-'));
  writeFileSync(join(dir, 'doc.md'), skeleton);
  const kinds: Kind[] = ['append', 'inPlace', 'rewrite', 'rename'];
  // A random order, at random moments over about the time the run takes.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const moments = kinds.map(() => next() * BLOCKS * BLOCK_SECONDS * 1.5).sort((a, b) => a - b);
  const markers = new Map(kinds.map((kind, i) => [kind, `e${String(n).padStart(5, '0')}${kind.slice(0, 4).padEnd(4, '-')}${i}x`.padEnd(16, 'x')]));
  let at = 0;
  const script = kinds
    .map((kind, i) => {
      const pause = moments[i]! - at;
      at = moments[i]!;
      return `sleep ${pause.toFixed(3)}\n${editCommand(kind, markers.get(kind)!)} || { echo "${kind} failed" >&2; exit 1; }`;
    })
    .join('\n');
  const run = spawn(process.execPath, [BIN, 'run', 'doc.md', '--yes'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', GITHUB_ACTIONS: '' } });
  const other = spawn('bash', ['-c', script], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let otherErr = '';
  other.stderr.on('data', (d: Buffer) => (otherErr += d.toString()));
  run.stderr.resume();
  const [code, otherCode] = await Promise.all([
    new Promise<number | null>((resolve) => run.once('exit', (c) => resolve(c))),
    new Promise<number | null>((resolve) => other.once('exit', (c) => resolve(c))),
  ]);
  const final = readFileSync(join(dir, 'doc.md'), 'utf8');
  const conflicts = readdirSync(dir)
    .filter((f) => f.startsWith('doc.md.conflict-'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  const lost = [...markers.entries()]
    .filter(([, marker]) => !final.includes(marker) && !(code !== 0 && conflicts.some((c) => c.includes(marker))))
    .map(([kind]) => `trial ${n} (${dir}): the ${kind} edit was lost (exit ${code})`);
  const torn = [final, ...conflicts]
    .filter((text) => normalized(text, markers) !== skeleton)
    .map(() => `trial ${n} (${dir}): a document is not whole`);
  return { code, lost, torn, editFailed: otherCode === 0 ? '' : `trial ${n}: ${otherErr.trim()}` };
}

/** The test: `trials` trials with a generator seeded with `seed`. */
export function describeConcurrentEdits(trials: number, seed: number): void {
  describe('a document edited by another process while `run` writes it', () => {
    it(`keeps every edit of the other process and never writes a torn document (${trials} trials, seed ${seed})`, async () => {
      const next = random(seed);
      const lost: string[] = [];
      const torn: string[] = [];
      const failedEdits: string[] = [];
      const codes = new Map<string, number>();
      for (let n = 0; n < trials; n++) {
        const result = await trial(n, next);
        lost.push(...result.lost);
        torn.push(...result.torn);
        if (result.editFailed) failedEdits.push(result.editFailed);
        codes.set(String(result.code), (codes.get(String(result.code)) ?? 0) + 1);
      }
      console.log(`${trials} trials (seed ${seed}): ${lost.length} lost edits, ${torn.length} torn documents, ${failedEdits.length} failed edits; exit codes ${JSON.stringify(Object.fromEntries(codes))}`);
      expect(lost).toEqual([]);
      expect(torn).toEqual([]);
      expect(failedEdits).toEqual([]);
    }, 600_000 + trials * 20_000);
  });
}
