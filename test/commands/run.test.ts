import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';
import { BIN, runCli } from '../support/cli.js';
import { alive } from '../support/process.js';
import { copyBundledRunbooks } from '../support/bundled.js';

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
  copyBundledRunbooks(dir);
  return dir;
}

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function journal(dir: string, name: string): Array<Record<string, unknown>> {
  return readFileSync(join(dir, '.runbook', `${name}.journal.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

const env = { RUNBOOK_OPERATOR: 'ci-bot', API_TOKEN: 'tok-0000', GITHUB_ACTIONS: '' };

describe('runbook run on the bundled runbooks', () => {
  it.each(['failover-drill.md', 'service-restart.md'])('runs %s end to end, recording every block', (name) => {
    const dir = workspace();
    const { code, stdout, stderr } = runCli(['run', name, '--yes', '--report', 'report.json', '--junit', 'junit.xml'], { cwd: dir, env });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const model = parseRunbook(readFileSync(join(dir, name), 'utf8'));
    const runnable = model.blocks.filter((b) => b.runnable);
    expect(runnable.every((b) => b.result?.outcome === 'passed' && b.result.operator === 'ci-bot')).toBe(true);
    // Every task that owns a block is ticked; a checklist item without one is the operator's.
    expect(model.tasks.map((t) => t.checked)).toEqual(model.tasks.map((t) => model.blocks.some((b) => b.task === t.index)));
    expect(stdout).toContain(`${runnable.length} passed, 0 failed`);
    const events = journal(dir, name);
    expect(events.map((e) => e.type)).toEqual(['session-start', 'variables', ...runnable.flatMap((b) => ['block-start', 'block-end', ...(b.task !== null ? ['tick'] : [])]), 'session-end']);
    expect(events[0]).toMatchObject({ document: name, operator: 'ci-bot' });
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.outcome).toBe('passed');
    expect(report.blocks).toHaveLength(runnable.length);
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(runnable.length);
    expect(junit).not.toContain('<failure');
  });
});

describe('runbook run', () => {
  const doc = [
    '# Deploy',
    '',
    '| Knob | Default |',
    '|---|---|',
    '| `STAGE` | `staging` |',
    '',
    '- [ ] Prepare',
    '',
    '  ```bash { name=prepare }',
    '  export BUILD=42',
    '  echo "prepare $STAGE token=$API_TOKEN"',
    '  ```',
    '',
    '- [ ] Ship',
    '',
    '  ```bash { name=ship }',
    '  echo "ship $BUILD"',
    '  test -f ok',
    '  ```',
    '',
    '- [ ] Verify',
    '',
    '  ```bash { name=verify }',
    '  echo "verify $BUILD"',
    '  ```',
    '',
  ].join('\n');

  it('stops at the first failure: failed result line, task left open, exit 1', () => {
    const dir = workspace();
    const path = write(dir, 'deploy.md', doc);
    const { code, stdout } = runCli(['run', 'deploy.md', '--yes', '--junit', 'j.xml'], { cwd: dir, env: { ...env, API_TOKEN: 'sekrit-value' } });
    expect(code).toBe(1);
    expect(stdout).toContain('prepare staging token=••••••');
    expect(stdout).not.toContain('sekrit-value');
    const model = parseRunbook(readFileSync(path, 'utf8'));
    expect(model.blocks.map((b) => b.result?.outcome ?? null)).toEqual(['passed', 'failed', null]);
    expect(model.blocks[1]!.result!.exitCode).toBe(1);
    expect(model.tasks.map((t) => t.checked)).toEqual([true, false, false]);
    expect(readFileSync(join(dir, '.runbook', 'deploy.md.log'), 'utf8')).not.toContain('sekrit-value');
    expect(readFileSync(join(dir, '.runbook', 'deploy.md.journal.jsonl'), 'utf8')).not.toContain('sekrit-value');
    const junit = readFileSync(join(dir, 'j.xml'), 'utf8');
    // The block printed "ship 42", then stopped at a check that printed nothing: the check is why.
    const check = readFileSync(path, 'utf8').split('\n').indexOf('  test -f ok') + 1;
    expect(junit).toContain(`<failure message="failed with exit code 1: line ${check}: \`test -f ok\` exited 1">`);
    expect(junit).toContain('<skipped message="not run');
  });

  it('resumes after the last block that passed, with the variables it had set', () => {
    const dir = workspace();
    const path = write(dir, 'deploy.md', doc);
    expect(runCli(['run', 'deploy.md', '--yes'], { cwd: dir, env }).code).toBe(1);
    writeFileSync(join(dir, 'ok'), '');
    const resumed = runCli(['run', 'deploy.md', '--yes', '--resume'], { cwd: dir, env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('1 step(s) already done, 2 to go');
    expect(resumed.stdout).not.toContain('prepare staging');
    expect(resumed.stdout).toContain('ship 42');
    const model = parseRunbook(readFileSync(path, 'utf8'));
    expect(model.blocks.map((b) => b.result?.outcome)).toEqual(['passed', 'passed', 'passed']);
    expect(model.tasks.every((t) => t.checked)).toBe(true);
  });

  it('keeps going when asked, and runs only the named blocks', () => {
    const dir = workspace();
    write(dir, 'deploy.md', doc);
    const going = runCli(['run', 'deploy.md', '--yes', '--keep-going'], { cwd: dir, env });
    expect(going.code).toBe(1);
    expect(going.stdout).toContain('2 passed, 1 failed');
    const only = runCli(['run', 'deploy.md', '--yes', '--only', 'verify', '--set', 'BUILD=7'], { cwd: dir, env });
    expect(only.code).toBe(0);
    expect(only.stdout).toContain('verify 7');
    expect(only.stdout).toContain('1 passed, 0 failed');
  });

  it('refuses without a terminal unless --yes, and changes nothing', () => {
    const dir = workspace();
    const path = write(dir, 'deploy.md', doc);
    const { code, stderr } = runCli(['run', 'deploy.md'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/without a terminal to confirm; pass --yes/);
    expect(readFileSync(path, 'utf8')).toBe(doc);
    expect(existsSync(join(dir, '.runbook'))).toBe(false);
  });

  it('refuses a report or JUnit path in a folder that does not exist, before running anything', () => {
    const dir = workspace();
    const path = write(dir, 'deploy.md', doc);
    for (const option of ['--report', '--junit']) {
      const { code, stderr } = runCli(['run', 'deploy.md', '--yes', option, 'out/missing/r.xml'], { cwd: dir, env });
      expect(code).toBe(2);
      expect(stderr).toMatch(new RegExp(`^runbook: ${option} out/missing/r.xml: the folder .*out/missing does not exist`));
      expect(stderr).not.toMatch(/internal error/);
    }
    expect(readFileSync(path, 'utf8')).toBe(doc);
    expect(existsSync(join(dir, '.runbook'))).toBe(false);
  });

  it('refuses a block holding a bare <placeholder> before running anything, naming it and its line', () => {
    const dir = workspace();
    const text = '# Restart\n\n```bash\necho first > ran.txt\n```\n\n```bash\nkubectl -n <namespace> get pods\n```\n';
    const path = write(dir, 'restart.md', text);
    const { code, stderr } = runCli(['run', 'restart.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/restart\.md:8: <namespace> is a placeholder to replace by hand/);
    expect(existsSync(join(dir, 'ran.txt'))).toBe(false);
    expect(existsSync(join(dir, 'get'))).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(text);
    // The dry run shows the plan and lists it; --only another block runs that one.
    expect(runCli(['run', 'restart.md', '--dry-run'], { cwd: dir, env }).stdout).toMatch(/before this can run:\n {2}restart\.md:8: <namespace> is a placeholder/);
    expect(runCli(['run', 'restart.md', '--yes', '--only', '1'], { cwd: dir, env }).code).toBe(0);
    expect(readFileSync(join(dir, 'ran.txt'), 'utf8')).toBe('first\n');
  });

  it('says a runbook has nothing to run instead of reporting 0 passed', () => {
    const dir = workspace();
    write(dir, 'checklist.md', '# Checklist\n\n- [ ] Announce\n\n```python\nprint("not a shell")\n```\n');
    const { code, stdout, stderr } = runCli(['run', 'checklist.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('runbook: checklist.md has nothing to run: no fenced block in bash, sh, shell or zsh and no scenario table (1 other block: another language, a transcript or marked to skip); `runbook play` steps through its tasks\n');
    const dry = runCli(['run', 'checklist.md', '--dry-run'], { cwd: dir, env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^checklist\.md has nothing to run/);
  });

  it('names a variable with no value before running anything', () => {
    const dir = workspace();
    const path = write(dir, 'v.md', '```bash\necho first\n```\n\n```bash\necho "$REGION"\n```\n');
    const { code, stderr } = runCli(['run', 'v.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toBe('runbook: v.md:6: no value for REGION; give one with --set REGION=VALUE, the environment, front matter or a knob table; nothing was run\n');
    expect(readFileSync(path, 'utf8')).not.toContain('*runbook:*');
  });

  it('needs --confirm for a block marked confirm=WORD', () => {
    const dir = workspace();
    write(dir, 'c.md', '```bash { confirm=production }\necho ok\n```\n');
    const refused = runCli(['run', 'c.md', '--yes'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/asks to confirm "production"; pass --confirm production/);
    expect(runCli(['run', 'c.md', '--yes', '--confirm', 'production'], { cwd: dir, env }).code).toBe(0);
  });

  it('prints every block with variables resolved and secrets masked in a dry run', () => {
    const dir = workspace();
    write(dir, 'deploy.md', doc);
    const { code, stdout } = runCli(['run', 'deploy.md', '--dry-run'], { cwd: dir, env: { ...env, API_TOKEN: 'sekrit-value' } });
    expect(code).toBe(0);
    expect(stdout).toContain('── block 1 · prepare · line 9 · bash');
    expect(stdout).toContain('   with STAGE=staging  API_TOKEN=••••••');
    expect(stdout).toContain('   echo "prepare staging token=••••••"');
    expect(stdout).not.toContain('sekrit-value');
    expect(existsSync(join(dir, '.runbook'))).toBe(false);
  });

  it('stops the running block on Ctrl-C, records it, and leaves no process behind', async () => {
    const dir = workspace();
    const path = write(dir, 'slow.md', '- [ ] Wait\n\n  ```bash { name=wait }\n  sleep 60 & echo $! > child.pid\n  echo waiting\n  sleep 60\n  ```\n');
    const child = spawn(process.execPath, [BIN, 'run', 'slow.md', '--yes'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await expect.poll(() => out.includes('waiting'), { timeout: 10_000 }).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const model = parseRunbook(readFileSync(path, 'utf8'));
    expect(model.blocks[0]!.result).toMatchObject({ outcome: 'canceled', exitCode: null });
    expect(model.tasks[0]!.checked).toBe(false);
    const pid = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
    const types = journal(dir, 'slow.md').map((e) => e.type);
    expect(types).toContain('abort');
    expect(types[types.length - 1]).toBe('session-end');
  });

  it('refuses to resume from a journal that does not exist', () => {
    const dir = workspace();
    write(dir, 'deploy.md', doc);
    const { code, stderr } = runCli(['run', 'deploy.md', '--yes', '--resume'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toMatch(/no journal to resume from/);
  });

  it("names the document's line in a failure's reason, never the shell's temporary file", () => {
    const dir = workspace();
    const text = [
      '# Errors',
      '',
      '- [ ] Missing tool',
      '',
      '  ```bash',
      '  echo checking',
      '  no-such-tool-here --version',
      '  ```',
      '',
      '```bash',
      'echo start',
      'if true; then',
      '  echo never closed',
      '```',
      '',
      '| ID | Inject | Gate | Outcome |',
      '|---|---|---|---|',
      '| A | `no-such-tool-either` | < 5 s | |',
      '',
    ].join('\n');
    const path = write(dir, 'errors.md', text);
    const { code, stdout } = runCli(['run', 'errors.md', '--yes', '--keep-going'], { cwd: dir, env });
    expect(code).toBe(1);
    const written = readFileSync(path, 'utf8');
    expect(written).not.toContain('runbook-session-');
    expect(stdout).not.toMatch(/✘.*runbook-session-/);
    const model = parseRunbook(written);
    // Line 7 of the document is the block's second line; bash ran it as line 2 of its file.
    expect(model.blocks[0]!.result!.reason).toBe('line 7: no-such-tool-here: command not found');
    // The unclosed `if` runs to the end of the block: bash reports the line after its last, the
    // closing fence (one line lower than first written: the first block's result line is above).
    expect(model.blocks[1]!.line).toBe(11);
    expect(model.blocks[1]!.result!.reason).toBe('line 15: syntax error: unexpected end of file');
    // A command in a table cell has no line of its own to name.
    expect(written).toContain('| ❌ failed: no-such-tool-either: command not found |');
  });

  it('hands a slow reader every line printed before a SIGTERM, then exits 1', async () => {
    const dir = workspace();
    write(dir, 'stop.md', '# Stop\n\n```bash\nseq 1 100000\nsleep 30\n```\n');
    const child = spawn(process.execPath, [BIN, 'run', 'stop.md', '--yes'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const closed = new Promise((resolve) => child.stdout.once('close', resolve));
    // Nothing is read for a while: the tool's writes queue up behind a full pipe.
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGTERM');
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stdout.resume();
    expect(await exited).toBe(1);
    await closed;
    expect(out.split('\n').filter((line) => /^\d+$/.test(line))).toHaveLength(100000);
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`ends at a ${signal} under --keep-going: the stopped block recorded, no later block started, no internal error`, async () => {
      const dir = workspace();
      write(dir, 'keep.md', '# Keep going\n\n```bash\nsleep 301 & sleep 302\n```\n\n```bash\ntouch after-ran\n```\n');
      const child = spawn(process.execPath, [BIN, 'run', 'keep.md', '--yes', '--keep-going'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let [out, err] = ['', ''];
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      for (let i = 0; i < 100 && !out.includes('▶ block 1'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill(signal);
      expect(await exited).toBe(1);
      expect(err).toBe('');
      expect(out).toMatch(/✘ canceled/);
      expect(out).not.toContain('▶ block 2');
      expect(out).toContain('0 passed, 1 failed, 1 not run');
      expect(existsSync(join(dir, 'after-ran'))).toBe(false);
      expect(parseRunbook(readFileSync(join(dir, 'keep.md'), 'utf8')).blocks.map((b) => b.result?.outcome ?? null)).toEqual(['canceled', null]);
    });
  }

  it('hands a slow reader of its output every line a block printed before it ends', () => {
    const dir = workspace();
    write(dir, 'big.md', '# Big\n\n```bash\nseq 1 100000\n```\n');
    // The reader starts reading only after a pause: the tool's writes to the pipe queue up meanwhile.
    const result = spawnSync('bash', ['-c', `"$0" "$1" run big.md --yes | { sleep 0.5; cat; } > out.txt; echo "\${PIPESTATUS[0]}"`, process.execPath, BIN], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe('0');
    const lines = readFileSync(join(dir, 'out.txt'), 'utf8').split('\n');
    expect(lines.filter((line) => /^\d+$/.test(line))).toHaveLength(100000);
    expect(lines.at(-2)).toMatch(/1 passed, 0 failed/);
  });
});

describe('in GitHub Actions', () => {
  it('folds each block into a group and annotates a failed block on its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    write(dir, 'ci.md', '# CI\n\n```bash\nprintf "no newline"\n```\n\n```bash { name=fails }\necho "50%, then: fail"; exit 3\n```\n');
    const { code, stdout } = runCli(['run', 'ci.md', '--yes'], { cwd: dir, env: { ...env, GITHUB_ACTIONS: 'true' } });
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['::group::▶ block 1 — line 3 (1/2)', 'no newline', '::endgroup::', expect.stringMatching(/^✔ passed in /)]);
    expect(lines.slice(4, 8)).toEqual(['::group::▶ fails — line 7 (2/2)', '50%, then: fail', '::endgroup::', expect.stringMatching(/^✘ failed \(exit 3\) in /)]);
    expect(lines[8]).toMatch(/^::error file=ci\.md,line=7::fails failed \(exit 3\) in \d+\.\d\d s · cwd /);
    // Elsewhere, the same run prints plain lines.
    const plain = runCli(['run', 'ci.md', '--yes'], { cwd: dir, env });
    expect(plain.stdout).not.toContain('::');
    expect(plain.stdout.split('\n').slice(0, 3)).toEqual(['▶ block 1 — line 3 (1/2)', 'no newline', expect.stringMatching(/^✔ passed in /)]);
  });
});

describe('where the session starts', () => {
  function repo(frontMatter: string): string {
    const root = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    mkdirSync(join(root, 'docs', 'runbooks'), { recursive: true });
    mkdirSync(join(root, 'scripts'));
    writeFileSync(join(root, 'scripts', 'hello.sh'), 'echo "hello from $(basename "$PWD")"\n');
    write(join(root, 'docs', 'runbooks'), 'deploy.md', `${frontMatter}# Deploy\n\n\`\`\`bash\nbash scripts/hello.sh\n\`\`\`\n`);
    return root;
  }

  it('starts in the folder front matter names, relative to the document', () => {
    const root = repo('---\ncwd: ../..\n---\n');
    const { code, stdout } = runCli(['run', 'docs/runbooks/deploy.md', '--yes'], { cwd: root, env });
    expect(code).toBe(0);
    expect(stdout).toContain(`hello from ${root.split('/').pop()}`);
    expect(runCli(['check', 'docs/runbooks/deploy.md'], { cwd: root, env }).stdout).toContain('0 errors');
  });

  it('starts where --cwd says, relative to where the tool runs; the document folder by default', () => {
    const root = repo('');
    const inDocs = runCli(['run', 'docs/runbooks/deploy.md', '--yes'], { cwd: root, env });
    expect(inDocs.code).toBe(1);
    expect(runCli(['check', 'docs/runbooks/deploy.md'], { cwd: root, env }).stdout).toContain('the block uses scripts/hello.sh, which does not exist');
    const { code, stdout } = runCli(['run', 'docs/runbooks/deploy.md', '--yes', '--cwd', '.'], { cwd: root, env });
    expect(code).toBe(0);
    expect(stdout).toContain(`hello from ${root.split('/').pop()}`);
  });

  it('refuses a start folder that does not exist before running anything', () => {
    const root = repo('---\ncwd: ../../missing\n---\n');
    const text = readFileSync(join(root, 'docs', 'runbooks', 'deploy.md'), 'utf8');
    const { code, stderr } = runCli(['run', 'docs/runbooks/deploy.md', '--yes'], { cwd: root, env });
    expect(code).toBe(2);
    expect(stderr).toBe(`runbook: docs/runbooks/deploy.md: front matter \`cwd:\` ${join(root, 'missing')} is not a folder; nothing was run\n`);
    expect(readFileSync(join(root, 'docs', 'runbooks', 'deploy.md'), 'utf8')).toBe(text);
    expect(runCli(['run', 'docs/runbooks/deploy.md', '--yes', '--cwd', 'nope'], { cwd: root, env }).stderr).toMatch(/--cwd .*nope is not a folder; nothing was run/);
    expect(runCli(['check', 'docs/runbooks/deploy.md'], { cwd: root, env }).stdout).toContain('is not a folder');
  });
});

describe('a fence that is never closed', () => {
  it('runs nothing and says which fence to close, leaving the file as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    const text = '# Restart\n\n```bash\ntouch first-ran\n```\n\n## Drain\n\n```bash\ntouch second-ran\n\n## Afterwards\n\nrm -rf / is prose here, but code to GitHub.\n';
    write(dir, 'open.md', text);
    expect(execFileSync('cmark-gfm', { input: text, encoding: 'utf8' })).toContain('<code class="language-bash">touch second-ran\n\n## Afterwards\n\nrm -rf /');
    const { code, stdout, stderr } = runCli(['run', 'open.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toBe('runbook: open.md:9: this code fence is never closed, so the block would run everything after it; close it (```) and run again; nothing was run\n');
    expect(stdout).toBe('');
    expect(existsSync(join(dir, 'first-ran'))).toBe(false);
    expect(readFileSync(join(dir, 'open.md'), 'utf8')).toBe(text);
    // The plan can still be read (exiting 2, as the run would), and the block before it can still
    // be run on its own.
    const dry = runCli(['run', 'open.md', '--dry-run'], { cwd: dir, env });
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain('touch first-ran');
    expect(dry.stdout).toContain('before this can run:\n  open.md:9: this code fence is never closed');
    expect(runCli(['run', 'open.md', '--yes', '--only', '1'], { cwd: dir, env }).code).toBe(0);
    expect(existsSync(join(dir, 'first-ran'))).toBe(true);
    expect(existsSync(join(dir, 'second-ran'))).toBe(false);
  });

  it('says so of a fence the end of its list item ends, which GitHub closes there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    const text = '# Restart\n\n- [ ] Drain\n\n  ```bash\n  touch drained\n\n## Afterwards\n\nProse, on GitHub too.\n';
    write(dir, 'item.md', text);
    expect(execFileSync('cmark-gfm', { input: text, encoding: 'utf8' })).toContain('<h2>Afterwards</h2>');
    const { code, stderr } = runCli(['run', 'item.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(2);
    expect(stderr).toBe('runbook: item.md:5: this code fence is never closed (the end of its list item or block quote ends it), so its result would have no closing fence to follow; close it (```) and run again; nothing was run\n');
    expect(readFileSync(join(dir, 'item.md'), 'utf8')).toBe(text);
    expect(existsSync(join(dir, 'drained'))).toBe(false);
  });
});

describe('blocks written with `$ ` prompts', () => {
  it('runs a block whose every command has a prompt, and shows a transcript without running it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    const text = '# Pods\n\n```bash\n$ export WHO=ops\n$ touch "made-by-$WHO"\n```\n\n```bash\n$ touch transcript-ran\nNAME   READY\n```\n';
    write(dir, 'prompts.md', text);
    const dry = runCli(['run', 'prompts.md', '--dry-run'], { cwd: dir, env });
    expect(dry.stdout).toContain('   export WHO=ops\n   touch "made-by-$WHO"');
    const { code, stdout } = runCli(['run', 'prompts.md', '--yes'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(stdout).toContain('1 passed, 0 failed');
    expect(existsSync(join(dir, 'made-by-ops'))).toBe(true);
    expect(existsSync(join(dir, 'transcript-ran'))).toBe(false);
    // The file keeps its prompts; only the result line is new.
    expect(readFileSync(join(dir, 'prompts.md'), 'utf8')).toMatch(/^\$ touch "made-by-\$WHO"\n```\n\*runbook:\* ✅ passed/m);
    expect(journal(dir, 'prompts.md').find((e) => e.type === 'block-start')!.command).toBe('export WHO=ops\ntouch "made-by-$WHO"');
    const list = JSON.parse(runCli(['list', 'prompts.md', '--json'], { cwd: dir, env }).stdout);
    expect(list.blocks[1].runnable).toBe(false);
    expect(list.blocks[1].skipReason).toMatch(/^a terminal transcript/);
  });
});

describe('blocks in other shells', () => {
  const zshDoc = '```zsh\necho "hi from zsh ${ZSH_VERSION:-missing}"\n```\n\n```bash\necho bash ok\n```\n';

  /** A PATH holding only the named commands, linked from where this machine has them. */
  function pathWith(...commands: string[]): string {
    const bin = mkdtempSync(join(tmpdir(), 'runbook-bin-'));
    for (const command of commands) {
      const found = spawnSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
      expect(found, `${command} must be installed for this test`).not.toBe('');
      symlinkSync(found, join(bin, command));
    }
    return bin;
  }

  it('runs a zsh block in zsh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    writeFileSync(join(dir, 'z.md'), zshDoc);
    const { code, stdout } = runCli(['run', 'z.md', '--yes'], { cwd: dir, env: { ...env, PATH: pathWith('bash', 'zsh') } });
    expect(code).toBe(0);
    expect(stdout).toMatch(/hi from zsh \d/);
    expect(stdout).toContain('bash ok');
  });

  it('skips a zsh block with the reason where zsh is not installed, and runs the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    writeFileSync(join(dir, 'z.md'), zshDoc);
    const { code, stdout } = runCli(['run', 'z.md', '--yes', '--junit', 'j.xml'], { cwd: dir, env: { ...env, PATH: pathWith('bash') } });
    expect(code).toBe(0);
    expect(stdout).toContain('↷ skipped: zsh is not installed');
    expect(stdout).toContain('bash ok');
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toContain('<skipped message="zsh is not installed"/>');
  });

  it('refuses to start without bash on PATH, before writing anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    writeFileSync(join(dir, 'z.md'), zshDoc);
    const { code, stderr } = runCli(['run', 'z.md', '--yes'], { cwd: dir, env: { ...env, PATH: pathWith('zsh') } });
    expect(code).toBe(2);
    expect(stderr).toBe('runbook: bash is not on PATH; runbook runs shell blocks with bash; nothing was run\n');
    expect(readFileSync(join(dir, 'z.md'), 'utf8')).toBe(zshDoc);
    expect(existsSync(join(dir, '.runbook'))).toBe(false);
  });
});

describe('waiting for recovery', () => {
  it('polls a check until it passes and records the time from the block start, to one poll interval', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    writeFileSync(join(dir, 'wait.md'), '- [ ] Break it and wait\n\n  ```bash { name=wait until="test -f ready" every=200ms within=20s }\n  (sleep 1; touch ready) &\n  ```\n');
    const { code, stdout } = runCli(['run', 'wait.md', '--yes', '--report', 'r.json'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(stdout).toMatch(/recovered in \d+\.\d\d s/);
    const block = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).blocks[0];
    // The check flips after 1 s; polls every 200 ms. Wide margins: a loaded machine is slow, never early.
    expect(block.recoveredMs).toBeGreaterThanOrEqual(1000);
    expect(block.recoveredMs).toBeLessThan(1000 + 200 + 3000);
    const events = readFileSync(join(dir, '.runbook', 'wait.md.journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.type === 'poll')).toMatchObject({ check: 'test -f ready', passed: true });
    expect(parseRunbook(readFileSync(join(dir, 'wait.md'), 'utf8')).tasks[0]!.checked).toBe(true);
  });

  it('fails the block, with the reason, when the check never passes in time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    writeFileSync(join(dir, 'never.md'), '- [ ] Wait for nothing\n\n  ```bash { until=false every=100ms within=600ms }\n  echo injected\n  ```\n');
    const { code, stdout } = runCli(['run', 'never.md', '--yes', '--report', 'r.json'], { cwd: dir, env });
    expect(code).toBe(1);
    expect(stdout).toContain('the check `false` did not pass within 0.60 s');
    const block = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).blocks[0];
    expect(block).toMatchObject({ outcome: 'failed', recoveredMs: null, exitCode: 1 });
    const model = parseRunbook(readFileSync(join(dir, 'never.md'), 'utf8'));
    expect(model.blocks[0]!.result?.outcome).toBe('failed');
    expect(model.tasks[0]!.checked).toBe(false);
  });
});

describe('--dry-run', () => {
  it('exits as the run would, and lists every problem at once when it cannot even plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-run-'));
    write(dir, 'v.md', '# V\n\n```bash\necho $NEEDED\n```\n');
    const missing = runCli(['run', 'v.md', '--dry-run'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('no value for NEEDED');
    expect(runCli(['run', 'v.md', '--dry-run', '--set', 'NEEDED=1'], { cwd: dir, env }).code).toBe(0);
    write(dir, 'bad.md', '# U\n\n```bash { timeout=abc }\necho $MISSING_VAR\n```\n\n```bash\necho unclosed\n');
    const bad = runCli(['run', 'bad.md', '--dry-run'], { cwd: dir, env });
    const real = runCli(['run', 'bad.md', '--yes'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(real.stderr);
    expect(bad.stderr).toMatch(/^runbook: 3 problems stop this session/);
  });
});

describe('what a block did to the variables', () => {
  it('says which names it set and which it unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-unset-'));
    writeFileSync(join(dir, 'u.md'), '# U\n\n```bash\nexport REGION=eu\nSCRATCH=/tmp/x\n```\n\n```bash\nunset SCRATCH\nREGION=us\n```\n\n```bash\nunset REGION\n```\n');
    const { code, stdout } = runCli(['run', 'u.md', '--yes'], { cwd: dir });
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.startsWith('✔ passed'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('· set REGION, SCRATCH ·');
    expect(lines[1]).toContain('· set REGION · unset SCRATCH ·');
    expect(lines[2]).toContain('· unset REGION ·');
    expect(lines[2]).not.toContain('· set ');
  });
});

describe('a shell block run does not run', () => {
  it('is named with its line and why, by run and by a dry run; a block marked skip or in another language is not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-not-run-'));
    writeFileSync(join(dir, 't.md'), '# T\n\n```bash\n$ ls /srv\napp\nlogs\n```\n\n```bash { skip }\nrm -rf /srv/cache\n```\n\n```yaml\nkey: value\n```\n\n```bash\necho ran\n```\n');
    for (const args of [['--yes'], ['--dry-run']]) {
      const { code, stderr, stdout } = runCli(['run', 't.md', ...args], { cwd: dir });
      expect(code).toBe(0);
      expect(stderr).toBe('runbook: warning: t.md:3: not run: a terminal transcript: `$ ` lines are commands and the others their output (keep only the commands, or mark it `console`)\n');
      expect(stdout).toContain(args[0] === '--yes' ? '\nran\n' : 'echo ran');
    }
  });
});
