import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { splitTimeline } from '../support/timeline.js';

const env = { RUNBOOK_OPERATOR: 'report-op', DISPLAY: '', WAYLAND_DISPLAY: '' };
const workspace = () => mkdtempSync(join(tmpdir(), 'runbook-report-'));

describe('runbook report', () => {
  it('writes one self-contained page beside the doc: no script, nothing fetched', () => {
    const dir = workspace();
    cpSync('fixtures/report/gameday', dir, { recursive: true });
    const result = runCli(['report', '2026-11-20.md'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^2026-11-20\.report\.html: 8 step\(s\), \d+ KB\n$/);
    const html = readFileSync(join(dir, '2026-11-20.report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
    expect(html).not.toMatch(/href="(?!#)/);
    expect(html.match(/<rect class="bar /g)).toHaveLength(8);
  });

  it('writes the timeline alone as SVG where -o says', () => {
    const dir = workspace();
    cpSync('fixtures/report/gameday', dir, { recursive: true });
    const result = runCli(['report', '2026-11-20.md', '--format', 'svg', '-o', 'out.svg'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<style>');
    expect(existsSync(join(dir, '2026-11-20.report.html'))).toBe(false);
  });

  it('labels the time axis as finely as its ticks are apart: each label once, a second-long session in milliseconds', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'quick.md'), '# Quick\n\n```bash\ntrue\n```\n\n```bash\nsleep 0.3\n```\n\n```bash\ntrue\n```\n');
    expect(runCli(['run', 'quick.md', '--yes'], { cwd: dir, env }).code).toBe(0);
    cpSync('fixtures/report/gameday', dir, { recursive: true });
    for (const [doc, label] of [['quick.md', /^\d\d:\d\d:\d\d\.\d{3}$/], ['2026-11-20.md', /^\d\d:\d\d$/]] as const) {
      expect(runCli(['report', doc, '--format', 'svg', '-o', 'axis.svg'], { cwd: dir, env }).code).toBe(0);
      const labels = [...readFileSync(join(dir, 'axis.svg'), 'utf8').matchAll(/<text class="axis"[^>]*>([^<]*)</g)].map((m) => m[1]!);
      expect(labels.length).toBeGreaterThan(2);
      expect(new Set(labels).size).toBe(labels.length);
      for (const text of labels) expect(text).toMatch(label);
    }
  });

  it('refuses in one line: an unknown format, a doc never played, a folder it cannot write to', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'new.md'), '# New\n\n```bash\ntrue\n```\n');
    for (const args of [['new.md', '--format', 'pdf'], ['new.md'], ['missing.md']]) {
      const result = runCli(['report', ...args], { cwd: dir, env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect(runCli(['report', 'new.md'], { cwd: dir, env }).stderr).toContain('no session recorded yet');
    runCli(['run', 'new.md', '--yes'], { cwd: dir, env });
    const unwritable = runCli(['report', 'new.md', '-o', join(dir, 'no', 'such', 'dir.html')], { cwd: dir, env });
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain('cannot write the report');
  });

  it('never writes its page over the session doc, its journal or any file that is not a report; a report written before is replaced', () => {
    const dir = workspace();
    cpSync('fixtures/report/gameday', dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'keep me\n');
    const kept = ['2026-11-20.md', join('.runbook', '2026-11-20.md.journal.jsonl'), 'notes.txt'].map((name) => [name, readFileSync(join(dir, name))] as const);
    for (const [name, bytes] of kept) {
      for (const format of ['html', 'svg']) {
        const result = runCli(['report', '2026-11-20.md', '--format', format, '-o', name], { cwd: dir, env });
        expect([result.code, result.stderr], name).toEqual([2, `runbook: ${name}: exists and is not a report; give --output a new file (or a report written before)\n`]);
        expect(readFileSync(join(dir, name)).equals(bytes), name).toBe(true);
      }
    }
    for (const format of ['html', 'svg']) {
      expect(runCli(['report', '2026-11-20.md', '--format', format, '-o', `again.${format}`], { cwd: dir, env }).code).toBe(0);
      expect(runCli(['report', '2026-11-20.md', '--format', format, '-o', `again.${format}`], { cwd: dir, env }).code).toBe(0);
    }
  });

  it('says where there is no browser to open it, and still writes it', () => {
    const dir = workspace();
    cpSync('fixtures/report/gameday', dir, { recursive: true });
    const result = runCli(['report', '2026-11-20.md', '--open'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('no browser to open here');
    expect(existsSync(join(dir, '2026-11-20.report.html'))).toBe(true);
  });

  it('shows each step\'s output masked and bounded to its last lines', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'out.md'), '# Out\n\n```bash { name=loud }\nseq 1 5000\necho "token is $API_TOKEN"\n```\n');
    expect(runCli(['run', 'out.md', '--yes', '--set', 'API_TOKEN=sekrit-value'], { cwd: dir, env }).code).toBe(0);
    expect(runCli(['report', 'out.md'], { cwd: dir, env }).code).toBe(0);
    const html = readFileSync(join(dir, 'out.report.html'), 'utf8');
    expect(html).not.toContain('sekrit-value');
    const pre = /<pre>([\s\S]*?)<\/pre>/.exec(html)![1]!;
    expect(pre).toContain('token is ••••••');
    expect(pre).toContain('4999');
    expect(pre).not.toMatch(/^1$/m);
    expect(pre.split('\n').length).toBeLessThanOrEqual(41);
  });
});

describe('the timeline a session writes into its doc', () => {
  const doc = '# Drill\r\n\r\n```bash { name=one }\r\ntrue\r\n```\r\n\r\n```bash { name=two }\r\ntrue\r\n```\r\n';

  it('is written when run ends, replaced by the next session, and removed by reset to the bytes it had', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'd.md'), doc);
    expect(runCli(['run', 'd.md', '--yes'], { cwd: dir, env }).code).toBe(0);
    const once = readFileSync(join(dir, 'd.md'), 'utf8');
    expect(splitTimeline(once).chart!.match(/ :done, t\d+,/g)).toHaveLength(2);
    expect(runCli(['run', 'd.md', '--yes', '--only', 'two'], { cwd: dir, env }).code).toBe(0);
    const twice = readFileSync(join(dir, 'd.md'), 'utf8');
    expect(twice.match(/<!-- session timeline/g)).toHaveLength(1);
    expect(splitTimeline(twice).chart!.match(/ :done, t\d+,/g)).toHaveLength(1);
    // CRLF kept throughout.
    expect(twice.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const reset = runCli(['reset', 'd.md'], { cwd: dir, env });
    expect(reset.stdout).toContain('timeline removed');
    expect(readFileSync(join(dir, 'd.md'), 'utf8')).toBe(doc);
  });

  it('is not written with --no-timeline or timeline: false in front matter; another value is refused', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'd.md'), doc);
    expect(runCli(['run', 'd.md', '--yes', '--no-timeline'], { cwd: dir, env }).code).toBe(0);
    expect(readFileSync(join(dir, 'd.md'), 'utf8')).not.toContain('session timeline');
    writeFileSync(join(dir, 'f.md'), `---\r\ntimeline: false\r\n---\r\n${doc}`);
    expect(runCli(['run', 'f.md', '--yes'], { cwd: dir, env }).code).toBe(0);
    expect(readFileSync(join(dir, 'f.md'), 'utf8')).not.toContain('session timeline');
    writeFileSync(join(dir, 'g.md'), `---\ntimeline: sometimes\n---\n${doc}`);
    const refused = runCli(['run', 'g.md', '--yes'], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('must be true or false');
  });

  it('is part of the record for audit: its chart, edited or not, changes no finding', () => {
    const dir = workspace();
    const text = '# Drill\n\n- [ ] one\n\n  ```bash\n  true\n  ```\n\n- [ ] two\n\n  ```bash\n  exit 3\n  ```\n';
    writeFileSync(join(dir, 'd.md'), text);
    expect(runCli(['run', 'd.md', '--yes'], { cwd: dir, env }).code).toBe(1);
    const written = readFileSync(join(dir, 'd.md'), 'utf8');
    writeFileSync(join(dir, 'bare.md'), splitTimeline(written).rest);
    writeFileSync(join(dir, 'edited.md'), written.replace('gantt', 'gantt\n  todayMarker off\n  %% a hand note'));
    const findings = (file: string) => {
      const result = runCli(['audit', file, '--format', 'json'], { cwd: dir, env });
      return (JSON.parse(result.stdout) as Array<{ line: number; ruleId: string; message: string }>).map((f) => `${f.line} ${f.ruleId} ${f.message}`);
    };
    const bare = findings('bare.md');
    expect(bare.length).toBeGreaterThan(0);
    expect(findings('d.md')).toEqual(bare);
    expect(findings('edited.md')).toEqual(bare);
  });
});
