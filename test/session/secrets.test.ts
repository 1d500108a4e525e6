import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Document } from '../../src/document/document.js';
import { MASK } from '../../src/executor/redact.js';
import type { ShellState } from '../../src/executor/state.js';
import { parseRunbook } from '../../src/parser/index.js';
import { Player } from '../../src/session/player.js';
import { askAgain, runbookSecrets, sessionSecrets } from '../../src/session/secrets.js';

const state = (vars: Record<string, string>): ShellState => ({ cwd: '/', vars: new Map(Object.entries(vars)) });

describe('which variables are secret', () => {
  const model = parseRunbook(`---
env:
  DBCRED:
    secret: true
---
| Knob | Default |
|---|---|
| \`REGION\` | eu |

\`\`\`bash { secret=OPTVAL }
echo "$REGION $API_TOKEN"
\`\`\`
`);

  it('takes every source: front matter, a secret= option, a name, and names blocks create', () => {
    const after = runbookSecrets(model, state({
      DBCRED: 'declare -x DBCRED="db-value"',
      OPTVAL: 'declare -- OPTVAL="opt-value"',
      API_TOKEN: 'declare -x API_TOKEN="api-value"',
      SESSION_TOKEN: 'declare -- SESSION_TOKEN="made-by-a-block"',
      KEYS: 'declare -a KEYS=([0]="key-one" [1]="key-two")',
      REGION: 'declare -x REGION="eu-west-1"',
    }));
    expect([...after.names].sort()).toEqual(['API_TOKEN', 'DBCRED', 'KEYS', 'OPTVAL', 'SESSION_TOKEN']);
    expect(after.values.sort()).toEqual(['api-value', 'db-value', 'key-one', 'key-two', 'made-by-a-block', 'opt-value']);
  });

  it('keeps values it knew, and masks a name-only secret only when its value looks like one', () => {
    const after = sessionSecrets(new Set(['DBCRED']), { DBCRED: 'abc', USE_KEYRING: 'true', KEY_ID: '123', GITHUB_TOKEN: 'ghp_123', OTHER: 'x' }, ['given-before']);
    expect([...after.names].sort()).toEqual(['DBCRED', 'GITHUB_TOKEN', 'KEY_ID', 'USE_KEYRING']);
    expect(after.values).toEqual(['given-before', 'ghp_123', 'abc']);
  });
});

describe('resuming', () => {
  it('asks again for what the state file withheld and no source gives now', () => {
    expect(askAgain({ withheld: ['DBCRED', 'SESSION_TOKEN', 'COPY'] }, { DBCRED: 'from-env', PATH: '/bin' })).toEqual(['SESSION_TOKEN', 'COPY']);
    expect(askAgain({}, {})).toEqual([]);
  });
});

describe('a session', () => {
  it('masks a declared secret whose value only the environment gives (a prompt\'s answer) from the first block', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'runbook-secrets-')));
    const path = join(dir, 'doc.md');
    writeFileSync(path, '---\nenv:\n  ANSWER:\n    secret: true\n---\n```bash\necho "it is $ANSWER"\n```\n\n```bash\nexport MINTED_TOKEN="$(echo "$ANSWER" | rev)"\n```\n\n```bash\necho "$MINTED_TOKEN"\n```\n');
    const doc = Document.open(path, { lock: 'test' });
    const player = await Player.open(doc, { env: { PATH: process.env.PATH!, ANSWER: 'typed-at-the-prompt' }, secrets: [], operator: 'op', version: 'test', timeoutMs: 10_000 });
    let out = '';
    const collect = (event: { type: string; text?: string }) => {
      if (event.type === 'output') out += event.text;
    };
    for (const index of [0, 1, 2]) await player.runBlock(index, collect);
    await player.close('done');
    expect(out).toBe(`it is ${MASK}\n${MASK}\n`);
    const state = readFileSync(join(dir, '.runbook', 'doc.md.state'), 'utf8');
    expect(state).not.toContain('prompt');
    expect(state).toContain('# withheld: ANSWER MINTED_TOKEN');
  });
});
