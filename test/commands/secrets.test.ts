import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** Runs a line of bash with `V` set to `value`; returns what it printed on stdout and stderr. */
function bash(script: string, value: string): string {
  const result = spawnSync('bash', ['--noprofile', '--norc', '-c', script], { env: { PATH: process.env.PATH, V: value }, encoding: 'utf8' });
  return result.stdout + result.stderr;
}

/** `'…'` → `…`, `$'…'` → `…`, `"…"` → `…`: what a leak shows between the quotes. */
function unquote(text: string): string {
  const match = /^(?:\$'(.*)'|'(.*)'|"(.*)")$/s.exec(text);
  return match ? (match[1] ?? match[2] ?? match[3])! : text;
}

/**
 * A secret as it could reach a file: itself, and the forms bash prints it in (`printf %q`,
 * `declare -p`, `set -x`), asked of bash itself, plus the JSON and XML escapes of the journal,
 * the report and the JUnit file.
 */
function leakForms(value: string): string[] {
  const forms = [
    value,
    unquote(bash('printf %q "$V"', value)),
    unquote(bash('declare -p V', value).replace(/^declare -\S+ V=/, '').replace(/\n$/, '')),
    unquote(bash('set -x; : "$V"', value).replace(/^\+ : /, '').replace(/\n$/, '')),
    JSON.stringify(value).slice(1, -1),
    value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  ];
  return [...new Set(forms)];
}

/** Every file under a folder, with its text. */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path, text: readFileSync(path, 'utf8') };
    });
}

const DOC = `---
env:
  DBCRED:
    secret: true
---
# Secret drill

- [ ] Mint a session token

  \`\`\`bash { name=mint }
  export SESSION_TOKEN="$(printf '9z\\x24y\\\\x"w-ses' | rev)"
  \`\`\`

- [ ] Copy the credentials

  \`\`\`bash { name=copy secret=OPTVAL }
  export COPY="$DBCRED"
  URL="postgres://app:\${DBCRED}@db:5432/app"
  PLAIN=plain-value-kept
  \`\`\`

- [ ] Show them every way bash can

  \`\`\`bash { name=show }
  for v in DEPLOY_TOKEN DBCRED OPTVAL SESSION_TOKEN COPY URL CERT_KEY; do
    printf '%s\\n' "\${!v}"
    printf '%q\\n' "\${!v}"
  done
  declare -p DEPLOY_TOKEN DBCRED OPTVAL SESSION_TOKEN COPY URL CERT_KEY
  set -x
  : "$DEPLOY_TOKEN" "$DBCRED" "$OPTVAL" "$SESSION_TOKEN" "$COPY" "$CERT_KEY"
  echo "$URL"
  set +x
  \`\`\`

- [ ] Fail with them in the tail

  \`\`\`bash { name=fail }
  echo "$SESSION_TOKEN $DBCRED"
  declare -p COPY OPTVAL >&2
  exit 3
  \`\`\`
`;

describe('secrets never reach the disk or the output', () => {
  it('masks secrets from every source, in every form bash prints, everywhere run writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-secrets-'));
    writeFileSync(join(dir, 'drill.md'), DOC);
    const secrets = {
      // Secret by name, given with --set.
      DEPLOY_TOKEN: `dt-"q\\u$o\`te'd x`,
      // Secret by its front matter declaration, given by the environment.
      DBCRED: `db-pa"ss\\w0rd$x\`y'z`,
      // Secret by a block's secret= option.
      OPTVAL: `opt'v"al\\ue-77`,
      // Secret by name, with newlines (bash prints it as $'…').
      CERT_KEY: `line-one-abc\nline"two\\def\tend`,
      // Created by a block, under a name that marks it secret.
      SESSION_TOKEN: `ses-w"x\\y$z9`,
    };
    const { code, stdout, stderr } = runCli(['run', 'drill.md', '--yes', '--set', `DEPLOY_TOKEN=${secrets.DEPLOY_TOKEN}`, '--report', 'report.json', '--junit', 'junit.xml'], {
      cwd: dir,
      env: { RUNBOOK_OPERATOR: 'ci-bot', DBCRED: secrets.DBCRED, OPTVAL: secrets.OPTVAL, CERT_KEY: secrets.CERT_KEY },
    });
    expect(stdout).toContain('3 passed, 1 failed');
    expect(code).toBe(1);
    const places = [{ path: 'stdout', text: stdout }, { path: 'stderr', text: stderr }, ...filesUnder(dir)];
    const found: string[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      for (const form of leakForms(value)) {
        for (const place of places) if (place.text.includes(form)) found.push(`${name} as ${JSON.stringify(form)} in ${place.path}`);
      }
    }
    expect(found).toEqual([]);
    // The blocks did print what they were asked to, masked.
    expect(stdout).toContain('declare -x DBCRED="••••••"');
    expect(stdout).toContain('URL="postgres://app:••••••@db:5432/app"');
    // The state file keeps what is not secret, and names what it left out.
    const state = readFileSync(join(dir, '.runbook', 'drill.md.state'), 'utf8');
    expect(state).toContain('PLAIN="plain-value-kept"');
    for (const name of ['DEPLOY_TOKEN', 'DBCRED', 'OPTVAL', 'CERT_KEY', 'SESSION_TOKEN', 'COPY', 'URL']) {
      expect(state).not.toMatch(new RegExp(`^declare -\\S+ ${name}=`, 'm'));
    }
    expect(state).toMatch(/\0# withheld: .*\bCOPY\b.*\bSESSION_TOKEN\b/);
  });

  it('masks in the output log what the block that made a secret printed of it before its value was known', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-secrets-log-'));
    const value = 's3ss-generated-value-xyz';
    writeFileSync(join(dir, 'mint.md'), `# Mint\n\n\`\`\`bash\nexport SESSION_TOKEN="${value}"\necho "session token $SESSION_TOKEN and more"\n\`\`\`\n\n\`\`\`bash\necho "later: $SESSION_TOKEN"\n\`\`\`\n`);
    const { code, stdout } = runCli(['run', 'mint.md', '--yes'], { cwd: dir, env: { RUNBOOK_OPERATOR: 'ci-bot' } });
    expect(code).toBe(0);
    // The screen showed it as the block printed it (its value was not known yet), the next block masked.
    expect(stdout).toContain(`session token ${value} and more`);
    expect(stdout).toContain('later: ••••••');
    const log = readFileSync(join(dir, '.runbook', 'mint.md.log'), 'utf8');
    expect(log).not.toContain(value);
    expect(log).toContain('session token •••••• and more');
    expect(log).toContain('later: ••••••');
    expect(readFileSync(join(dir, '.runbook', 'mint.md.state'), 'utf8')).not.toContain(value);
  });

});
