import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

type F = { line: number; column: number; severity: string; ruleId: string; message: string };
/** A folder holding `app/bin/health` and the document `moves.md`: its path. */
function withApp(doc: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-check-'));
  mkdirSync(join(dir, 'app', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'app', 'bin', 'health'), '');
  writeFileSync(join(dir, 'moves.md'), doc);
  return join(dir, 'moves.md');
}

const check = (file: string) => {
  const result = runCli(['check', file, '--format', 'json']);
  return { code: result.code, findings: JSON.parse(result.stdout) as F[] };
};
const at = (findings: F[], rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => `${f.line}:${f.column}`);
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

describe('runbook check', () => {
  it('reports shell syntax errors, checked by the shell without running anything', () => {
    const { code, findings } = check('fixtures/check/syntax.md');
    expect(code).toBe(1);
    expect(findings.filter((f) => f.ruleId === 'shell-syntax')).toEqual([
      expect.objectContaining({ line: 6, column: 1, severity: 'error', message: 'shell syntax: syntax error: unexpected end of file' }),
    ]);
  });

  it('reports <placeholders> where they stand, instead of the syntax errors they cause', () => {
    const { code, findings } = check('fixtures/check/placeholders.md');
    expect(code).toBe(1);
    const lines = readFileSync('fixtures/check/placeholders.md', 'utf8').split('\n');
    const placed = (rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => lines[f.line - 1]!.slice(f.column - 1).split(/[\s"]/)[0]);
    expect(placed('placeholder')).toEqual(['<namespace>', 'deploy/<deployment-name>'.slice('deploy/'.length)]);
    expect(findings.find((f) => f.ruleId === 'placeholder')!.message).toContain('write it as a variable ($NAMESPACE');
    expect(placed('quoted-placeholder')).toEqual(['<API-TOKEN>']);
    expect(findings.find((f) => f.ruleId === 'quoted-placeholder')!.severity).toBe('warning');
    // Not the shell's "syntax error near newline" or ShellCheck's parse errors for the same thing.
    expect(findings.filter((f) => f.ruleId === 'shell-syntax' || f.ruleId === 'shellcheck')).toEqual([]);
  });

  it('places ShellCheck findings on the runbook line and column, inside a list item', () => {
    expect(hasShellcheck).toBe(true);
    const { findings } = check('fixtures/check/shellcheck.md');
    const lines = readFileSync('fixtures/check/shellcheck.md', 'utf8').split('\n');
    const sc = findings.filter((f) => f.ruleId === 'shellcheck');
    expect(sc.map((f) => f.message.slice(0, 6))).toEqual(['SC2045', 'SC2035', 'SC2086']);
    // Each position points at what ShellCheck complains about, in the runbook itself.
    expect(lines[sc[0]!.line - 1]!.slice(sc[0]!.column - 1)).toMatch(/^\$\(ls/);
    expect(lines[sc[1]!.line - 1]!.slice(sc[1]!.column - 1)).toMatch(/^\*\.log/);
    expect(lines[sc[2]!.line - 1]!.slice(sc[2]!.column - 1)).toMatch(/^\$f;/);
    // And they match a direct ShellCheck run on the block's code, shifted by the fence and the indent.
    const direct = JSON.parse(spawnSync('shellcheck', ['--format=json1', '--shell=bash', '-'], { input: 'echo ok\nfor f in $(ls *.log); do echo $f; done\n', encoding: 'utf8' }).stdout).comments;
    expect(sc.map((f) => [f.line - 5, f.column - 3])).toEqual(direct.map((c: { line: number; column: number }) => [c.line, c.column]));
  });

  it('leaves zsh blocks to zsh -n: ShellCheck reads zsh syntax as errors', () => {
    expect(hasShellcheck).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'runbook-check-zsh-'));
    const zsh = 'typeset -A map\nmap[a]=1\nfor f in *.md(.N); do print -r -- $f; done\nprint ${(k)map}';
    // ShellCheck, asked to, does find "errors" in it; zsh itself parses it.
    expect(JSON.parse(spawnSync('shellcheck', ['--format=json1', '--shell=bash', '-'], { input: zsh, encoding: 'utf8' }).stdout).comments.length).toBeGreaterThan(0);
    expect(spawnSync('zsh', ['-n'], { input: zsh }).status).toBe(0);
    writeFileSync(join(dir, 'z.md'), `# Z\n\n\`\`\`zsh\n${zsh}\n\`\`\`\n\n\`\`\`bash\nfor f in $(ls *.log); do echo $f; done\n\`\`\`\n`);
    const { findings } = check(join(dir, 'z.md'));
    const sc = findings.filter((f) => f.ruleId === 'shellcheck');
    expect(sc.length).toBeGreaterThan(0);
    expect(sc.every((f) => f.line > 9)).toBe(true);
    expect(findings.filter((f) => f.ruleId === 'shell-syntax')).toEqual([]);
  });

  it('reads a % that starts no escape as part of a linked file name, and decodes the escapes around it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-check-pct-'));
    writeFileSync(join(dir, 'rollout-50%.md'), '# 50\n');
    writeFileSync(join(dir, 'a b.md'), '# ab\n');
    writeFileSync(join(dir, 'p.md'), '# Rollout\n\nSee [half](rollout-50%.md), [spaced](a%20b.md), [gone](rollout-75%.md) and [odd](x%E2%28.md).\n');
    const { findings } = check(join(dir, 'p.md'));
    expect(findings.filter((f) => f.ruleId === 'dead-link').map((f) => f.message)).toEqual(['link to rollout-75%.md: no such file', 'link to x%E2%28.md: no such file']);
  });

  it('reports links and local paths that do not exist, not the ones that do or leave the repository', () => {
    const { findings } = check('fixtures/check/links.md');
    expect(at(findings, 'dead-link')).toEqual(['3:57', '7:6']);
    expect(findings[0]!.message).toBe('link to missing.md#part: no such file');
  });

  it('does not report a path an earlier block creates, nor a link to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-check-'));
    const doc = [
      '# Drill',
      '',
      '```bash',
      'mkdir -p ./out/logs scratch',
      'curl -fsS -o ./out/report.json https://example.com',
      'cp ./out/report.json ./out/copy.json',
      'echo started > ./started.txt',
      '```',
      '',
      '```bash',
      'cat ./out/report.json ./out/copy.json ./started.txt ./out/logs/today.log',
      'cat ./never-made.txt',
      '```',
      '',
      'The report lands in [out/report.json](out/report.json); see [nothing](./nothing.md).',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'drill.md'), doc);
    const { findings } = check(join(dir, 'drill.md'));
    expect(findings.filter((f) => f.ruleId === 'dead-link').map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([
      '12:5 the block uses ./never-made.txt, which does not exist',
      '15:61 link to ./nothing.md: no such file',
    ]);
  });

  it('reads paths from where a cd left the shell, and leaves alone what runs on another host or is data', () => {
    const doc = [
      '# Moves',
      '',
      '```bash',
      'cd app',
      './bin/health',
      '```',
      '',
      '```bash',
      './bin/health && ./bin/missing',
      '( cd bin && ./health ) && ./bin/health',
      'ssh db-1 ./bin/remote-only',
      'kubectl exec api-0 -- ./bin/in-the-pod',
      'cat > conf.yaml <<EOF',
      'path: ./not/a/command',
      'EOF',
      'cd "$WORKDIR"',
      './anything/after/an/unknown/cd',
      '```',
      '',
    ].join('\n');
    const { findings } = check(withApp(doc));
    // Only the one missing path in the folder the shell is really in.
    expect(findings.filter((f) => f.ruleId === 'dead-link').map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual(['9:17 the block uses ./bin/missing, which does not exist']);
  });

  it('reads a path as the shell does: quoted or escaped spaces, a % in its name, a glob stops it', () => {
    const file = withApp(
      [
        '# Paths',
        '',
        '```bash',
        'cat "./app/my notes.md" \'./app/my notes.md\' ./app/my\\ notes.md ./app/50%.md',
        'ls ./app/*.md "./app/gone file.md" ./app/gone\\ too.md ./app/75%.md',
        '```',
        '',
      ].join('\n'),
    );
    writeFileSync(join(file, '..', 'app', 'my notes.md'), '');
    writeFileSync(join(file, '..', 'app', '50%.md'), '');
    const { findings } = check(file);
    expect(findings.filter((f) => f.ruleId === 'dead-link').map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([
      '5:16 the block uses ./app/gone file.md, which does not exist',
      '5:36 the block uses ./app/gone too.md, which does not exist',
      '5:55 the block uses ./app/75%.md, which does not exist',
    ]);
  });

  it('reads cd as bash does: its options, its own folder, and not a cd that runs on another host', () => {
    const doc = [
      '# Moves',
      '',
      '```bash { host=db-1 }',
      'cd /opt/elsewhere',
      '```',
      '',
      '```bash',
      'cd ./app',
      './bin/health',
      'cd -P .. && cd -- app && ./bin/health',
      "ssh db-1 'cd /opt; ls' && ./bin/health",
      'grep ok <<< "fine"',
      './bin/gone',
      'ssh-keygen -f ./missing.key',
      '```',
      '',
    ].join('\n');
    const { findings } = check(withApp(doc));
    expect(findings.filter((f) => f.ruleId === 'dead-link').map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([
      '13:1 the block uses ./bin/gone, which does not exist',
      '14:15 the block uses ./missing.key, which does not exist',
    ]);
  });

  it('stops checking paths after a cd into an absolute or home folder this machine does not have, and goes on after one it has', () => {
    const file = withApp(['# Servers', '', '```bash', 'cd /srv/no-such-app-here', './bin/migrate --dry-run', 'cd ~/no-such-checkout-here && ./scripts/plan.sh', '```', '', '```bash', `cd ${tmpdir()}`, './no-such-file-in-tmp', '```', ''].join('\n'));
    const { findings } = check(file);
    expect(findings.filter((f) => f.ruleId === 'dead-link').map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual(['11:1 the block uses ./no-such-file-in-tmp, which does not exist']);
  });

  it('reads a root-relative link from the repository top, and leaves a site-root link alone', () => {
    const repo = mkdtempSync(join(tmpdir(), 'runbook-check-'));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    mkdirSync(join(repo, 'docs', 'runbooks'), { recursive: true });
    writeFileSync(join(repo, 'docs', 'guide.md'), '# Guide\n');
    const doc = '# Failover\n\nSee [the guide](/docs/guide.md), [a missing page](/docs/missing.md) and [status](/status/db).\n';
    writeFileSync(join(repo, 'docs', 'runbooks', 'failover.md'), doc);
    const { findings } = check(join(repo, 'docs', 'runbooks', 'failover.md'));
    expect(findings.filter((f) => f.ruleId === 'dead-link').map((f) => f.message)).toEqual(['link to /docs/missing.md: no such file']);
  });

  it('reports a variable nothing declares, once, and not ones with a default, a declaration or an assignment', () => {
    const { findings } = check('fixtures/check/variables.md');
    expect(findings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual(['12:32 $UNDECLARED has no default, no declaration and no knob-table entry']);
  });

  it('reports duplicate names, unknown options and an unclosed fence', () => {
    const { findings } = check('fixtures/check/names.md');
    expect(findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId}`)).toEqual(['3:1 warning unknown-option', '7:1 error duplicate-name', '11:1 error unclosed-fence']);
  });

  it('reports a host or group that neither the inventory nor the ssh config defines, at its block', () => {
    const { code, findings } = check('fixtures/check/hosts/failover.md');
    expect(code).toBe(1);
    expect(findings.filter((f) => f.ruleId === 'unknown-host').map((f) => `${f.line}:${f.column} ${f.severity} ${f.message}`)).toEqual([
      '20:1 error host=db-9: no host db-9 in the inventory or the ssh config',
      '24:1 error hosts=db: no group db in the inventory (groups: web)',
      '28:1 error host=web: no host web in the inventory or the ssh config (web is a group: write hosts=web)',
    ]);
  });

  it('reports options runbook cannot honour yet, and values it cannot read, at the block', () => {
    const { code, findings } = check('fixtures/check/options.md');
    expect(code).toBe(1);
    const lines = (rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => `${f.line}:${f.column} ${f.severity} ${f.message.split(':')[0]}`);
    expect(lines('unsupported-option')).toEqual(['3:1 error interactive', '7:1 error interactive', '11:1 error background=true', '15:1 error interpreter=python3']);
    expect(findings.find((f) => f.ruleId === 'unsupported-option')!.message).toBe('interactive: blocks that read from the terminal are not supported yet; runbook will not run this block');
    // A skipped block's host is never reached, so its name is not checked.
    expect(lines('unknown-host')).toEqual([]);
    expect(lines('option-value')).toEqual(['11:1 error timeout=abc is not a duration (30s, 5m, 1h30m)']);
    // Known, so not also taken for a typo.
    expect(lines('unknown-option')).toEqual([]);
    expect(lines('block-options')).toEqual(['27:1 error options start with `{` but do not end with `}`']);
  });

  it('reports destructive commands in blocks without confirm=, not in comments, other languages or confirmed blocks', () => {
    const { findings } = check('fixtures/check/destructive.md');
    expect(findings.map((f) => `${f.line} ${f.message}`)).toEqual([
      '5 rm -rf in a block without confirm=WORD',
      '17 DROP in a block without confirm=WORD',
      '18 terraform destroy in a block without confirm=WORD',
      // A DELETE with a WHERE and a listing are not destructive; the rest are.
      '23 DELETE without WHERE in a block without confirm=WORD',
      '24 FLUSHALL in a block without confirm=WORD',
      '25 docker prune in a block without confirm=WORD',
      '26 aws delete in a block without confirm=WORD',
      '27 gcloud delete in a block without confirm=WORD',
      '28 az delete in a block without confirm=WORD',
      '29 dropdb in a block without confirm=WORD',
      '31 oc delete in a block without confirm=WORD',
    ]);
  });

  it('passes the bundled runbooks (dogfood)', () => {
    const { code, stdout, stderr } = runCli(['check', 'docs/runbooks']);
    expect(stdout).toBe('0 errors, 0 warnings in 3 files checked\n');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('runbook check: scenario rows', () => {
  it('reports rows that cannot run and gates it cannot measure, not healthy or not-applicable rows', () => {
    const { code, findings } = check('fixtures/check/scenarios.md');
    expect(code).toBe(1);
    expect(findings.filter((f) => f.ruleId === 'scenario-row' || f.ruleId === 'unmeasurable-gate').map((f) => `${f.line} ${f.severity} ${f.message}`)).toEqual([
      '6 error scenario B: the command does not parse: unexpected EOF while looking for matching `"\'',
      '7 error scenario C: the recovery check does not parse: unexpected EOF while looking for matching `"\'',
      '8 error scenario D: the "Inject" cell holds no inline code to run (write the command as `code`)',
      '9 warning scenario E: the gate "replica promoted, no data lost" is not in words runbook can measure (write "< 60 s", "within 2 min"); the operator will judge it',
    ]);
  });

  it('reports a variable a scenario command uses that nothing gives, not one an earlier block assigns', () => {
    const { findings } = check('fixtures/check/scenario-vars.md');
    expect(findings.map((f) => `${f.line} ${f.ruleId} ${f.message}`)).toEqual(['9 undefined-variable $NOPE (scenario A) has no default, no declaration and no knob-table entry']);
  });
});
