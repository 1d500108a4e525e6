import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';

// A real terminal: tmux runs `runbook play`, send-keys types, capture-pane reads the screen.
const socket = `runbook-secrets-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

afterAll(() => {
  tmux('kill-server');
});

const screen = () => tmux('capture-pane', '-p', '-t', 'prompted').stdout;

async function waitFor(text: string | RegExp): Promise<string> {
  let last = '';
  for (let i = 0; i < 300; i++) {
    last = screen();
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the screen never showed ${String(text)}:\n${last}`);
}

const DOC = `---
env:
  ANSWER:
    secret: true
---
# Prompted

- [ ] Use it

  \`\`\`bash { name=use }
  echo "plain $ANSWER"; declare -p ANSWER; printf 'quoted %q\\n' "$ANSWER"
  export COPY_OF="$ANSWER"
  \`\`\`

- [ ] Use the copy

  \`\`\`bash { name=again }
  echo "copy $COPY_OF"
  \`\`\`
`;

describe('a secret answered at a prompt', () => {
  it('is masked on the screen and reaches no file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-secrets-'));
    writeFileSync(join(dir, 'prompted.md'), DOC);
    const value = `an"sw\\er$x'y`;
    const started = tmux('new-session', '-d', '-s', 'prompted', '-x', '110', '-y', '32', '-c', dir, `env RUNBOOK_OPERATOR=tmux-op node ${BIN} play prompted.md; echo EXITED $?; sleep 600`);
    expect(started.status).toBe(0);
    await waitFor('ANSWER (used on line');
    tmux('send-keys', '-t', 'prompted', '-l', value);
    tmux('send-keys', '-t', 'prompted', 'Enter');
    await waitFor('echo "plain ••••••"');
    tmux('send-keys', '-t', 'prompted', 'Enter');
    await waitFor('Run this block? [y/N]');
    tmux('send-keys', '-t', 'prompted', 'y');
    await waitFor('✔ Use it');
    const shown = await waitFor('│ quoted ••••••');
    expect(shown).toContain('│ plain ••••••');
    expect(shown).toContain('│ declare -x ANSWER="••••••"');
    await waitFor(/› +○ Use the copy/);
    tmux('send-keys', '-t', 'prompted', 'Enter');
    await waitFor('Run this block? [y/N]');
    tmux('send-keys', '-t', 'prompted', 'y');
    expect(await waitFor('✔ Use the copy')).toContain('│ copy ••••••');
    tmux('send-keys', '-t', 'prompted', 'q');
    await waitFor('EXITED 0');

    const forms = [value, `an\\"sw\\\\er\\$x'y`, `an"sw\\er$x'\\''y`, `an\\"sw\\\\er\\$x\\'y`, JSON.stringify(value).slice(1, -1)];
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThanOrEqual(4);
    const found = files.flatMap((file) => forms.filter((form) => readFileSync(file, 'utf8').includes(form)).map((form) => `${form} in ${file}`));
    expect(found).toEqual([]);
    expect(readFileSync(join(dir, '.runbook', 'prompted.md.state'), 'utf8')).toMatch(/\0# withheld: ANSWER COPY_OF\b/);
  }, 60_000);
});
