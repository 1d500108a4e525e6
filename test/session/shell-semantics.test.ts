import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { BIN, runCli } from '../support/cli.js';

// What a runbook's blocks mean, as bash run with `set -e -o pipefail` from one prompt would
// have it, and what the session keeps of a run that went wrong.
const env = { RUNBOOK_OPERATOR: 'ci' };

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'runbook-semantics-'));
}

function runDoc(text: string, args: string[] = [], dir = folder()) {
  writeFileSync(join(dir, 'r.md'), text);
  const result = runCli(['run', 'r.md', '--yes', '--no-timeline', ...args], { cwd: dir, env });
  return { ...result, dir, text: readFileSync(join(dir, 'r.md'), 'utf8') };
}

const fence = (body: string, info = 'bash') => `\`\`\`${info}\n${body}\n\`\`\`\n\n`;
const outcomes = (text: string) => parseRunbook(text).blocks.map((b) => b.result?.outcome ?? null);

describe('a failing command stops its block wherever it runs', () => {
  it('inside a function an earlier block defined', () => {
    const { code, stdout, text } = runDoc(`# F\n\n${fence('drain() {\n  echo "cordon $1"\n  false\n  echo "DELETING $1"\n}')}${fence('drain node-7\necho "after the call"')}`);
    expect(stdout).toContain('cordon node-7');
    expect(stdout).not.toContain('DELETING');
    expect(stdout).not.toContain('after the call');
    expect(outcomes(text)).toEqual(['passed', 'failed']);
    expect(code).toBe(1);
  });

  it('inside a file the block sources', () => {
    const dir = folder();
    writeFileSync(join(dir, 'lib.sh'), 'rotate() { echo "revoking old key"; false; echo "issuing new key anyway"; }\n');
    const { code, stdout, text } = runDoc(`# S\n\n${fence('source ./lib.sh\nrotate')}`, [], dir);
    expect(stdout).toContain('revoking old key');
    expect(stdout).not.toContain('issuing new key anyway');
    expect(outcomes(text)).toEqual(['failed']);
    expect(code).toBe(1);
  });

  it('after a trap the block sets on ERR, which runs once, as under bash -e', () => {
    const body = "trap 'echo \"trapped status $?\" >&2' ERR\nf() { echo in-f; false; echo after-false; }\nf\necho 'DROP TABLE'";
    const { code, stdout, stderr, text } = runDoc(`# T\n\n${fence(body)}${fence("trap - ERR\ntrap 'echo int' INT\nfalse\necho not-here")}`, ['--keep-going']);
    const bash = spawnSync('bash', ['-eE', '-c', body], { encoding: 'utf8' });
    expect(bash.stdout).toBe('in-f\n');
    expect(bash.stderr).toBe('trapped status 1\n');
    expect(stdout).toContain('in-f');
    expect(stdout).not.toMatch(/after-false|DROP TABLE|not-here/);
    expect(stderr.match(/trapped status 1/g)).toHaveLength(1);
    expect(outcomes(text)).toEqual(['failed', 'failed']);
    expect(code).toBe(1);
  });

  it('after a trap an earlier block set on ERR, which carries to later blocks as in a terminal, until one resets it', () => {
    const handler = "trap 'echo \"cleaning up after line $LINENO\" >&2' ERR";
    const { code, stdout, stderr, text } = runDoc(
      `# T\n\n${fence(`${handler}\necho armed`)}${fence('false\necho goes-on', 'bash { errexit=false }')}${fence('echo before\nfalse\necho not-here')}${fence('trap - ERR')}${fence('false')}`,
      ['--keep-going'],
    );
    // bash -eE running the same lines from one prompt: the handler of the first runs at each failure after it.
    const bash = spawnSync('bash', ['-E', '-c', `${handler}\nfalse\necho goes-on\nset -e\necho before\nfalse\necho not-here`], { encoding: 'utf8' });
    expect(bash.stderr.match(/cleaning up/g)).toHaveLength(2);
    expect(stdout).toContain('goes-on');
    expect(stdout).not.toContain('not-here');
    expect(stderr.match(/cleaning up after line \d+/g)).toHaveLength(2);
    expect(outcomes(text)).toEqual(['passed', 'passed', 'failed', 'passed', 'failed']);
    expect(code).toBe(1);
  });

  it('but not where bash -e goes on: a condition, a || list', () => {
    const { code, stdout } = runDoc(`# C\n\n${fence('check() { false; }')}${fence('if check; then echo yes; else echo no; fi\ncheck || echo recovered\necho end')}`);
    expect(stdout).toMatch(/no\n[\s\S]*recovered\n[\s\S]*end\n/);
    expect(code).toBe(0);
  });
});

describe('the session shell keeps what a prompt keeps', () => {
  it('set -u in one block carries to the next, whose failure is still told, without a new shell', () => {
    const { code, stdout, text } = runDoc(`# U\n\n${fence('set -u\necho "shell $$"')}${fence('echo "shell $$ with $-"\ntest -d /nope/dir')}${fence('echo "shell $$"')}`, ['--keep-going']);
    expect(code).toBe(1);
    const shells = [...stdout.matchAll(/shell (\d+)/g)].map((m) => m[1]);
    expect(new Set(shells).size).toBe(1);
    expect(stdout).toMatch(/shell \d+ with \w*u\w*/);
    expect(parseRunbook(text).blocks.map((b) => b.result?.reason ?? null)).toEqual([null, 'line 11: `test -d /nope/dir` exited 1', null]);
  });

  it('declare and typeset make globals that the next block sees', () => {
    const { code, stdout } = runDoc(`# D\n\n${fence('declare -A HOSTS=([db]=10.0.0.5)\ndeclare -i COUNT=5\ndeclare OWNER=alice\ntypeset -a LIST=(x y)')}${fence('echo "db=${HOSTS[db]} count=$COUNT owner=$OWNER list=${LIST[*]}"')}`);
    expect(stdout).toContain('db=10.0.0.5 count=5 owner=alice list=x y');
    expect(code).toBe(0);
  });

  it('read-only variables stay, read-only, in the new shell after a block ran exit', () => {
    const { code, stdout, text } = runDoc(`# R\n\n${fence('readonly RO=ro-value')}${fence('exit 3')}${fence('echo "RO=$RO"\n( RO=changed ) 2>/dev/null || echo still-read-only')}`, ['--keep-going']);
    expect(outcomes(text)).toEqual(['passed', 'failed', 'passed']);
    expect(stdout).toContain('RO=ro-value');
    expect(stdout).toContain('still-read-only');
    expect(code).toBe(1);
  });

  it("a block's own EXIT trap runs when the shell exits, and what the exiting block changed carries on", () => {
    const dir = folder();
    const { code, stdout, text } = runDoc(
      `# E\n\n${fence(`WORKDIR=$(mktemp -d ${dir}/w.XXXXXX); trap 'echo "exiting $?"; rm -rf "$WORKDIR"' EXIT; export STAGE=setup`)}${fence('export STAGE=fails; exit 3')}${fence('echo "STAGE=$STAGE"; [ -d "$WORKDIR" ] || echo workdir-removed; trap -p EXIT')}`,
      ['--keep-going'],
      dir,
    );
    expect(outcomes(text)).toEqual(['passed', 'failed', 'passed']);
    expect(stdout).toContain('exiting 3');
    expect(stdout).toContain('STAGE=fails');
    expect(stdout).toContain('workdir-removed');
    expect(code).toBe(1);
  });

  it('tracing left on shows the blocks, never the session\'s own commands or tokens', () => {
    const { code, stdout, stderr, text, dir } = runDoc(`# X\n\n${fence('set -x\necho on')}${fence('echo doing\nfalse')}`);
    expect(code).toBe(1);
    const traced = stderr.split('\n').filter((l) => l.startsWith('+'));
    expect(traced).toContain('++ echo doing');
    expect(traced).toContain('++ false');
    for (const line of [...traced, ...readFileSync(join(dir, '.runbook', 'r.md.log'), 'utf8').split('\n')]) {
      expect(line).not.toMatch(/__rb_|\\036|rb[0-9a-f]{16}|builtin source|runbook-session-/);
    }
    expect(stdout).toContain('on');
    expect(parseRunbook(text).blocks[1]!.result?.reason).toBe('++ false');
  });
});

describe('a session that cannot go on says so', () => {
  it('a resume whose folder is gone stops before anything runs, exit 2, no lock left', () => {
    const dir = folder();
    const work = join(dir, 'ws');
    const doc = `# R\n\n${fence(`mkdir -p ${work} && cd ${work}`)}${fence('false')}${fence('echo fixed')}`;
    expect(runDoc(doc, [], dir).code).toBe(1);
    rmSync(work, { recursive: true });
    const journal = readFileSync(join(dir, '.runbook', 'r.md.journal.jsonl'), 'utf8');
    const again = runCli(['run', 'r.md', '--yes', '--no-timeline', '--resume'], { cwd: dir, env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`the folder the session was in, ${work}, no longer exists`);
    expect(again.stdout).not.toContain('fixed');
    expect(existsSync(join(dir, 'r.md.lock'))).toBe(false);
    expect(readFileSync(join(dir, '.runbook', 'r.md.journal.jsonl'), 'utf8')).toBe(journal);
  });

  it('a new shell in a folder that is gone fails the block instead of waiting for ever', () => {
    const dir = folder();
    const work = join(dir, 'build');
    const { code, stdout, text } = runDoc(`# G\n\n${fence(`mkdir -p ${work} && cd ${work}`)}${fence(`rm -rf ${work}\nexit 0`)}${fence('echo next')}`, ['--keep-going'], dir);
    expect(code).toBe(1);
    expect(stdout).not.toContain('next\n');
    expect(outcomes(text)).toEqual(['passed', 'passed', 'failed']);
    expect(parseRunbook(text).blocks[2]!.result?.reason).toMatch(/^the session's working directory \//);
    expect(stdout).toContain('no longer exists');
    expect(existsSync(join(dir, 'r.md.lock'))).toBe(false);
  });
});

describe('a stopped block', () => {
  it('leaves nothing running that made a process group of its own (GNU timeout)', () => {
    const mark = `300.${process.pid}${Date.now() % 100000}`;
    const { stdout, text } = runDoc(`# T\n\n${fence(`timeout 300 sleep ${mark}`, 'bash { timeout=1s }')}${fence(`sleep 0.5; if pgrep -f "sleep ${mark}" >/dev/null; then echo ALIVE; else echo GONE; fi`)}`, ['--keep-going']);
    expect(outcomes(text)).toEqual(['timed out', 'passed']);
    expect(stdout).toContain('GONE');
    expect(stdout).not.toContain('ALIVE');
  });
});

describe('secrets a block creates', () => {
  it('are masked in the journal and reports as in the document', () => {
    const dir = folder();
    writeFileSync(join(dir, 'vault.txt'), 'k3y-val-FROMVAULT\n');
    const doc = `# S\n\n${fence('export DEPLOY_KEY="$(cat vault.txt)"\necho "auth failed with key $DEPLOY_KEY" >&2\nfalse')}`;
    const { code, text } = runDoc(doc, ['--report', 'r.json', '--junit', 'j.xml'], dir);
    expect(code).toBe(1);
    expect(parseRunbook(text).blocks[0]!.result?.reason).toBe('auth failed with key ••••••');
    for (const file of ['.runbook/r.md.journal.jsonl', 'r.json', 'j.xml']) {
      const written = readFileSync(join(dir, file), 'utf8');
      expect(written).toContain('auth failed with key ••••••');
      expect(written).not.toContain('FROMVAULT');
    }
  });
});

describe('an output file it could not write', () => {
  it('is refused before anything runs, with exit 2', () => {
    const dir = folder();
    chmodSync(dir, 0o777);
    mkdirSync(join(dir, 'ro'), { mode: 0o555 });
    chmodSync(join(dir, 'ro'), 0o555);
    const doc = `# O\n\n${fence('echo ran > ran.txt')}`;
    writeFileSync(join(dir, 'r.md'), doc);
    chmodSync(join(dir, 'r.md'), 0o666);
    // Root writes anywhere: the command runs as nobody there.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const cache = mkdtempSync(join(tmpdir(), 'runbook-semantics-cache-'));
    chmodSync(cache, 0o777);
    const result = spawnSync(process.execPath, [BIN, 'run', 'r.md', '--yes', '--junit', 'ro/j.xml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env, RUNBOOK_CACHE_DIR: cache, HOME: cache }, ...asUser });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--junit ro/j.xml: the folder');
    expect(result.stderr).toContain('cannot be written');
    expect(existsSync(join(dir, 'ran.txt'))).toBe(false);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe(doc);
  });
});

describe('Ctrl-C twice', () => {
  it('quits after recording the stopped step and closing the session', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'r.md'), `# C\n\n${fence('echo started')}${fence("trap '' INT TERM; echo stubborn; sleep 30")}`);
    const child = spawn(process.execPath, [BIN, 'run', 'r.md', '--yes', '--no-timeline'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!out.includes('stubborn')) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGINT');
    expect(await code).toBe(1);
    expect(err).toContain('quitting');
    const text = readFileSync(join(dir, 'r.md'), 'utf8');
    expect(outcomes(text)).toEqual(['passed', 'canceled']);
    const events = readFileSync(join(dir, '.runbook', 'r.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.map((e) => e.type).slice(-2)).toEqual(['block-end', 'session-end']);
    expect(existsSync(join(dir, 'r.md.lock'))).toBe(false);
  }, 30_000);
});
