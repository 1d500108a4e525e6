import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { startHosts, type TestHosts } from '../support/sshd.js';
import { Tmux } from '../support/tmux.js';

// Blocks on other hosts, end to end: the built CLI against real sshd instances on 127.0.0.1.
// Every host is this machine, so a block tells which one it is on by the port it came in on.

const NAMES = ['h1', 'h2', 'h3', 'h4', 'h5'];
let hosts: TestHosts;
const home = mkdtempSync(join(tmpdir(), 'runbook-home-'));
const env = { RUNBOOK_OPERATOR: 'ci', HOME: home, RUNBOOK_SSH_KEEPALIVE: '1' };

beforeAll(async () => {
  hosts = await startHosts(NAMES);
});
afterAll(async () => {
  await hosts?.stop();
});

const portOf = (name: string) => hosts.hosts.find((h) => h.name === name)!.port;

/** A folder with the runbook and the test's ssh config beside it, named in front matter. */
function workspace(body: string, frontMatter = '', config = hosts.config): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-hosts-'));
  writeFileSync(join(dir, 'ssh_config'), readFileSync(config));
  writeFileSync(join(dir, 'f.md'), `---\nssh-config: ssh_config\nhosts:\n  five: [h1, h2, h3, h4, h5]\n  three: [h1, h2, h3]\n${frontMatter}---\n# On hosts\n\n${body}`);
  return { dir, file: join(dir, 'f.md') };
}

const block = (info: string, body: string) => `\`\`\`bash${info ? ` { ${info} }` : ''}\n${body}\n\`\`\`\n\n`;
/** The port a block came in on: `${SSH_CONNECTION##* }`, which tells the test's hosts apart. */
const PORT = '${SSH_CONNECTION##* }';
const run = (dir: string, args: string[] = []) => runCli(['run', 'f.md', '--yes', ...args], { cwd: dir, env });
const doc = (dir: string) => readFileSync(join(dir, 'f.md'), 'utf8');
const records = (dir: string) => readdirSync(join(dir, '.runbook')).map((f) => readFileSync(join(dir, '.runbook', f), 'utf8')).join('\n');
const journal = (dir: string) => readFileSync(join(dir, '.runbook', 'f.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('blocks on other hosts', () => {
  it('keeps environment and directory per host from block to block, and sends variables as values', () => {
    const { dir } = workspace(
      block('host=h1', 'cd /tmp && export STAGE=one-on-h1') +
        block('host=h2', 'export STAGE=two-on-h2') +
        block('host=h1', 'echo "h1: $STAGE in $PWD"; printf "%s\\n" "$GREETING"') +
        block('host=h2', 'echo "h2: $STAGE"') +
        block('', 'echo "here: ${STAGE:-unset}"'),
    );
    const { code, stdout, stderr } = run(dir, ['--set', "GREETING=it's $(not run) `x`"]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('[h1] h1: one-on-h1 in /tmp\n');
    expect(stdout).toContain("[h1] it's $(not run) `x`\n");
    expect(stdout).toContain('[h2] h2: two-on-h2\n');
    expect(stdout).toContain('here: unset\n');
    expect(doc(dir).match(/✅ passed on 1\/1 host ·/g)).toHaveLength(4);
  });

  it('runs a group of 5 one host after another (rolling) and 5 at once with parallel=5', () => {
    // Each host appends to a log on this machine; with parallel=5, a host waits until all 5 started.
    const { dir } = workspace(
      block('hosts=five', `echo "start ${PORT}" >> "$LOG"; sleep 0.1; echo "end ${PORT}" >> "$LOG"`) +
        block('hosts=five parallel=5 timeout=30s', `echo "start ${PORT}" >> "$LOG2"; until [ "$(grep -c start "$LOG2")" = 5 ]; do sleep 0.05; done; echo "end ${PORT}" >> "$LOG2"`),
    );
    const log = join(dir, 'rolling.log');
    const log2 = join(dir, 'parallel.log');
    const { code, stdout } = run(dir, ['--set', `LOG=${log}`, '--set', `LOG2=${log2}`]);
    expect(code).toBe(0);
    const ports = NAMES.map(portOf);
    expect(readFileSync(log, 'utf8')).toBe(ports.map((p) => `start ${p}\nend ${p}\n`).join(''));
    const parallel = readFileSync(log2, 'utf8').trim().split('\n');
    expect(parallel.slice(0, 5).every((l) => l.startsWith('start'))).toBe(true);
    expect(new Set(parallel.slice(5))).toEqual(new Set(ports.map((p) => `end ${p}`)));
    expect(stdout).toContain('✅ passed on 5/5 hosts');
    expect(doc(dir).match(/\*runbook:\* ✅ passed on 5\/5 hosts · exit 0 ·/g)).toHaveLength(2);
    const ends = journal(dir).filter((e) => e.type === 'host-end');
    expect(ends).toHaveLength(10);
    expect(new Set(ends.map((e) => e.host))).toEqual(new Set(NAMES));
  });

  it('stops a rolling group at a failing host in the middle, and --keep-going runs the rest; the result line names it', () => {
    const body = `echo "${PORT}" >> "$LOG"; test "${PORT}" != "${'$'}BAD" || { echo "h2 is not ready" >&2; exit 3; }`;
    const ports = ['h1', 'h2', 'h3'].map(portOf);
    const { dir } = workspace(block('hosts=three', body) + block('', 'echo after'));
    const log = join(dir, 'ran.log');
    const rolling = run(dir, ['--set', `LOG=${log}`, '--set', `BAD=${portOf('h2')}`]);
    expect(rolling.code).toBe(1);
    expect(readFileSync(log, 'utf8')).toBe(`${ports[0]}\n${ports[1]}\n`);
    expect(rolling.stdout).toContain('❌ failed on h2 (1 of 3): h2 is not ready');
    expect(rolling.stdout).not.toContain('after');
    expect(doc(dir)).toMatch(/\*runbook:\* ❌ failed on h2 \(1 of 3\) · exit 3 · .* · h2 is not ready\n/);

    const again = workspace(block('hosts=three', body) + block('', 'echo after'));
    const log2 = join(again.dir, 'ran.log');
    const going = run(again.dir, ['--set', `LOG=${log2}`, '--set', `BAD=${portOf('h2')}`, '--keep-going']);
    expect(going.code).toBe(1);
    expect(readFileSync(log2, 'utf8')).toBe(ports.map((p) => `${p}\n`).join(''));
    expect(going.stdout).toContain('❌ failed on h2 (1 of 3): h2 is not ready');
    expect(going.stdout).toContain('after\n');
    const ends = journal(again.dir).filter((e) => e.type === 'host-end');
    expect(ends.map((e) => [e.host, e.outcome])).toEqual([['h1', 'passed'], ['h2', 'failed'], ['h3', 'passed']]);
  });

  it('waits for recovery on each host of a group, the check run there', () => {
    const { dir } = workspace(block(`hosts=three until="test -f $DIR/up.${PORT}" every=100ms within=10s`, `(sleep 0.3; touch "$DIR/up.${PORT}") &`));
    const { code, stdout } = run(dir, ['--set', `DIR=${dir}`]);
    expect(code).toBe(0);
    expect(stdout).toContain('✅ passed on 3/3 hosts');
    for (const name of ['h1', 'h2', 'h3']) expect(existsSync(join(dir, `up.${portOf(name)}`))).toBe(true);
  });

  it('prints and lists the hosts each block would touch, without connecting', () => {
    const { dir } = workspace(block('host=h1', 'true') + block('hosts=three parallel=2', 'true') + block('', 'true'));
    const dry = run(dir, ['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('── block 1 · line 9 · bash · on host=h1\n');
    expect(dry.stdout).toContain('── block 2 · line 13 · bash · on hosts=three (h1, h2, h3), 2 at a time\n');
    const list = runCli(['list', 'f.md'], { cwd: dir, env });
    expect(list.stdout).toContain('· on hosts=three (h1, h2, h3), 2 at a time — not run');
    expect(existsSync(join(dir, '.runbook'))).toBe(false);
  });

  it('masks a secret printed on a host in the output, the document, the log and the journal', () => {
    const secret = `s3cr3t-${process.pid}`;
    const { dir } = workspace(block('host=h3 secret=TOKEN', 'echo "token is $TOKEN"; echo "still $TOKEN" >&2; exit 4'));
    const { code, stdout, stderr } = run(dir, ['--set', `TOKEN=${secret}`]);
    expect(code).toBe(1);
    expect(stdout + stderr).toContain('[h3] token is ••••');
    for (const text of [stdout, stderr, doc(dir), records(dir)]) expect(text).not.toContain(secret);
    expect(doc(dir)).toContain('still ••••');
    expect(records(dir)).toContain('token is ••••');
  });
});

describe('before anything runs', () => {
  let bad: TestHosts;
  beforeAll(async () => {
    bad = await startHosts(['good', 'stranger', 'locked'], { unknownKey: ['stranger'], refuseKey: ['locked'] });
  });
  afterAll(async () => {
    await bad?.stop();
  });

  it('connects to every host first and stops with one list of those it cannot use: exit 2, nothing run', () => {
    const closed = execFileSync(process.execPath, ['-e', 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'], { encoding: 'utf8' }).trim();
    const config = join(mkdtempSync(join(tmpdir(), 'runbook-cfg-')), 'ssh_config');
    writeFileSync(config, `Host gone\n  HostName 127.0.0.1\n  Port ${closed}\n\n${readFileSync(bad.config, 'utf8')}`);
    const { dir } = workspace(block('', 'touch ran-here') + block('host=good', 'touch "$DIR/ran-good"') + block('host=stranger', 'true') + block('host=locked', 'true') + block('host=gone', 'true'), '', config);
    const before = doc(dir);
    const { code, stdout, stderr } = run(dir, ['--set', `DIR=${dir}`]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe(`runbook: f.md: cannot reach 3 of 4 hosts (nothing was run):`);
    expect(lines.slice(1).map((l) => l.trim().split(':')[0]).sort()).toEqual(['gone', 'locked', 'stranger']);
    expect(stderr).toMatch(/stranger: .*Host key verification failed/);
    expect(stderr).toMatch(/locked: .*Permission denied/);
    expect(stderr).toMatch(/gone: .*Connection refused/);
    expect(existsSync(join(dir, 'ran-here'))).toBe(false);
    expect(existsSync(join(dir, 'ran-good'))).toBe(false);
    expect(doc(dir)).toBe(before);
    expect(existsSync(join(dir, 'f.md.lock'))).toBe(false);
  });

  it('reads an Ansible YAML inventory: groups, children, ansible_host, ansible_port, ansible_user; other keys ignored with a note', () => {
    const user = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    const { dir } = workspace(block('hosts=db', `echo "on ${PORT} as $(id -un)"`) + block('host=db-2', 'echo "second alone"'));
    writeFileSync(
      join(dir, 'inventory.yml'),
      `all:\n  vars:\n    ansible_user: ${user}\n    ansible_python_interpreter: /usr/bin/python3\n  children:\n    db:\n      hosts:\n        db-1:\n          ansible_host: 127.0.0.1\n          ansible_port: ${portOf('h3')}\n        db-2:\n          ansible_host: 127.0.0.1\n          ansible_port: ${portOf('h4')}\n          backup: nightly\n`,
    );
    const { code, stdout, stderr } = run(dir, ['--inventory', 'inventory.yml']);
    expect(stderr).toBe('runbook: note: --inventory inventory.yml: ignored ansible_python_interpreter, backup (runbook reads ansible_host, ansible_port and ansible_user)\n');
    expect(code).toBe(0);
    expect(stdout).toContain(`[db-1] on ${portOf('h3')} as ${user}\n`);
    expect(stdout).toContain(`[db-2] on ${portOf('h4')} as ${user}\n`);
    expect(stdout).toContain('[db-2] second alone\n');
    expect(stdout).toContain('✅ passed on 2/2 hosts');
  });

  it('--hosts GROUP=a,b gives a group its hosts in place of the inventory', () => {
    const { dir } = workspace(block('hosts=three', `echo "${PORT}"`));
    const { code, stdout } = run(dir, ['--hosts', 'three=h4,h5']);
    expect(code).toBe(0);
    expect(stdout).toContain(`[h4] ${portOf('h4')}\n`);
    expect(stdout).toContain(`[h5] ${portOf('h5')}\n`);
    expect(stdout).not.toContain('[h1]');
  });
});

/** Starts `runbook run` in the background; `output()` is what it printed so far, `exited` its exit code. */
async function started(dir: string, args: string[], until: (out: string) => boolean | Promise<boolean>) {
  const child = spawn(process.execPath, [BIN, 'run', 'f.md', '--yes', ...args], { cwd: dir, env: { ...process.env, ...env, FORCE_COLOR: '0' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 200 && !(await until(out)); i++) await new Promise((r) => setTimeout(r, 50));
  return { child, exited, output: () => out };
}

describe('a host that goes away, and a cancel', () => {
  let own: TestHosts;
  beforeAll(async () => {
    own = await startHosts(['lost', 'calm', 'silent']);
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('fails the step with "connection to HOST lost" within the keep-alive window when its sshd dies, and goes on', async () => {
    const { dir } = workspace(block('host=lost', 'echo started; sleep 600') + block('', 'echo next-decision'), '', own.config);
    const { exited, output } = await started(dir, ['--keep-going'], (out) => out.includes('started'));
    expect(output()).toContain('[lost] started');
    const killedAt = Date.now();
    own.kill('lost');
    const code = await exited;
    const out = output();
    // Three keep-alives of 1 s, with room for a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(3 * 1000 + 6000);
    expect(code).toBe(1);
    expect(out).toContain('❌ failed on lost (1 of 1): connection to lost lost');
    expect(out).toContain('next-decision');
    expect(doc(dir)).toMatch(/❌ failed on lost \(1 of 1\) · exit — · .* · connection to lost lost\n/);
  }, 30_000);

  it('notices a link gone silent (the host frozen, nothing closed) by its keep-alives, within their window', async () => {
    const { dir } = workspace(block('host=silent', 'echo started; sleep 600'), '', own.config);
    const { exited, output } = await started(dir, [], (out) => out.includes('started'));
    expect(output()).toContain('[silent] started');
    const frozenAt = Date.now();
    own.freeze('silent');
    const code = await exited;
    const out = output();
    expect(Date.now() - frozenAt).toBeLessThan(3 * 1000 + 8000);
    expect(code).toBe(1);
    expect(out).toContain('❌ failed on silent (1 of 1): connection to silent lost');
  }, 40_000);

  it('a time limit on a host ends the block and everything it started there', () => {
    const marker = `600.${process.pid}${(Date.now() % 100000) + 3}`;
    const { dir } = workspace(block('host=calm timeout=1s', `sleep ${marker} &\nsleep ${marker}`), '', own.config);
    const { code, stdout } = run(dir);
    expect(code).toBe(1);
    expect(stdout).toContain('⏱️ timed out on calm (1 of 1)');
    const count = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`sleep ${marker}`)).length;
    for (let i = 0; i < 10 && count() > 0; i++) execFileSync('sleep', ['0.2']);
    expect(count()).toBe(0);
    expect(doc(dir)).toMatch(/⏱️ timed out on calm \(1 of 1\) · exit SIGINT ·/);
  });

  it('Ctrl-C during a group\'s wait for recovery stops the group, --keep-going or not', async () => {
    const { dir } = workspace(block('hosts=three until=false every=100ms within=60s', 'echo waiting'));
    const { child, exited } = await started(dir, ['--keep-going'], (out) => out.includes('[h1] waiting'));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    expect(await exited).not.toBe(0);
    expect(journal(dir).filter((e) => e.type === 'host-start').map((e) => e.host)).toEqual(['h1']);
    expect(doc(dir)).toMatch(/⛔ canceled on h1 \(1 of 3\)/);
  }, 30_000);

  it('Ctrl-C during a remote `sleep 600 &` and `sleep 600` leaves no process on the host', async () => {
    const marker = `600.${process.pid}${Date.now() % 100000}`;
    const { dir } = workspace(block('host=calm', `sleep ${marker} &\necho started\nsleep ${marker}`), '', own.config);
    // The hosts are this machine: the marker is looked for in its own process list.
    const count = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`sleep ${marker}`)).length;
    const { child, exited } = await started(dir, [], () => count() >= 2);
    expect(count()).toBe(2);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).not.toBe(0);
    for (let i = 0; i < 100 && count() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(count()).toBe(0);
    expect(doc(dir)).toMatch(/⛔ canceled on calm \(1 of 1\)/);
  }, 30_000);
});

describe('the end of a session', () => {
  it('ends what blocks left running on a host, and removes the control sockets', () => {
    const marker = `600.${process.pid}${(Date.now() % 100000) + 7}`;
    const { dir } = workspace(block('host=h5', `sleep ${marker} &\necho left`));
    const temp = mkdtempSync(join(tmpdir(), 'runbook-tmp-'));
    const { code, stdout } = runCli(['run', 'f.md', '--yes'], { cwd: dir, env: { ...env, TMPDIR: temp } });
    expect(code).toBe(0);
    expect(stdout).toContain('[h5] left');
    const count = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`sleep ${marker}`)).length;
    for (let i = 0; i < 5 && count() > 0; i++) execFileSync('sleep', ['0.2']);
    expect(count()).toBe(0);
    expect(readdirSync(temp).filter((f) => f.startsWith('runbook-ssh-'))).toEqual([]);
  });
});

describe('play on a group', () => {
  const terminal = new Tmux('hosts');
  afterAll(() => terminal.kill());

  it('shows a row per host, each host\'s lines under its name, and the group\'s result in one line', async () => {
    const { dir } = workspace(block('hosts=three', `echo "here on ${PORT}"; test "${PORT}" != "$BAD"`));
    terminal.start('group', dir, `env HOME=${home} node ${BIN} play f.md --set BAD=${portOf('h2')}`);
    await terminal.waitFor('group', 'hosts=three');
    terminal.keys('group', 'Enter');
    await terminal.waitFor('group', 'Run this block? [y/N]');
    terminal.keys('group', 'y');
    const screen = await terminal.waitFor('group', '❌ failed on h2 (1 of 3)');
    expect(screen).toContain(`[h1] here on ${portOf('h1')}`);
    expect(screen).toContain(`[h2] here on ${portOf('h2')}`);
    expect(screen).not.toContain('[h3]');
    // One row per host that ran, with how it went there.
    expect(screen).toMatch(/^ {2}✔ h1 \d+\.\d\d s$/m);
    expect(screen).toMatch(new RegExp(`^ {2}✘ h2 failed \\d+\\.\\d\\d s: here on ${portOf('h2')}$`, 'm'));
    expect(screen).not.toMatch(/^ {2}\S h3 /m);
    terminal.keys('group', 'q');
    await terminal.waitFor('group', /EXITED \d/);
    expect(doc(dir)).toMatch(/\*runbook:\* ❌ failed on h2 \(1 of 3\) · exit 1 ·/);
  }, 40_000);

  it('shows a host\'s wait for recovery as it goes, and Ctrl-C stops it', async () => {
    const { dir } = workspace(block('host=h2 until=false every=200ms within=60s', 'echo injected'));
    terminal.start('wait', dir, `env HOME=${home} node ${BIN} play f.md`);
    await terminal.waitFor('wait', 'host=h2');
    terminal.keys('wait', 'Enter');
    await terminal.waitFor('wait', 'Run this block? [y/N]');
    terminal.keys('wait', 'y');
    await terminal.waitFor('wait', /◐ waiting .* polls? .* left · Ctrl-C stops it/);
    terminal.keys('wait', 'C-c');
    await terminal.waitFor('wait', '⛔ canceled on h2 (1 of 1)');
    terminal.keys('wait', 'q');
    await terminal.waitFor('wait', /EXITED \d/);
  }, 40_000);
});
