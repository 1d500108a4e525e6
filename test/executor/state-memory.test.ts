import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/**
 * The heap a `runbook run` keeps at its end, after a full collection: a module loaded before the
 * CLI writes it to a file when the process exits.
 */
function heapKeptMb(dir: string, blocks: number, code: string, env: NodeJS.ProcessEnv = {}): number {
  const doc = join(dir, `doc-${blocks}.md`);
  const out = join(dir, `heap-${blocks}`);
  writeFileSync(doc, `# Blocks\n\n${`\`\`\`bash\n${code}\n\`\`\`\n\n`.repeat(blocks)}`);
  writeFileSync(
    join(dir, 'heap.mjs'),
    [
      "import { writeFileSync } from 'node:fs';",
      "import { setFlagsFromString } from 'node:v8';",
      "import { runInNewContext } from 'node:vm';",
      "setFlagsFromString('--expose-gc');",
      "const gc = runInNewContext('gc');",
      "process.on('exit', () => { gc(); writeFileSync(process.env.HEAP_OUT, String(process.memoryUsage().heapUsed)); });",
    ].join('\n'),
  );
  const result = runCli(['run', doc, '--yes'], { cwd: dir, env: { ...env, HEAP_OUT: out, NODE_OPTIONS: `--import ${join(dir, 'heap.mjs')}` } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return Number(readFileSync(out, 'utf8')) / 2 ** 20;
}

describe('what a session keeps of each block', () => {
  it('is its outcome, not the shell state it was read from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-state-memory-'));
    // Every state the shell writes after a block holds this 100 KB variable; 150 blocks' states
    // are 15 MB, which a session must not keep to know each block's directory.
    const env = { LARGE_SETTING: 'x'.repeat(100_000) };
    const few = heapKeptMb(dir, 2, 'true', env);
    const many = heapKeptMb(dir, 150, 'true', env);
    expect(many - few, `${few.toFixed(1)} MB kept after 2 blocks, ${many.toFixed(1)} MB after 150`).toBeLessThan(4);
  }, 120_000);

  it('is the end of its output, not the chunks that end was cut from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-state-memory-'));
    // Each block prints 60 KB; what is kept of it is its last 4 KB (for a failure's reason).
    const code = 'head -c 60000 /dev/zero | tr "\\0" x';
    const few = heapKeptMb(dir, 2, code);
    const many = heapKeptMb(dir, 150, code);
    expect(many - few, `${few.toFixed(1)} MB kept after 2 blocks, ${many.toFixed(1)} MB after 150`).toBeLessThan(4);
  }, 120_000);
});
