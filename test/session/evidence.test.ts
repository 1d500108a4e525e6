import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook, readEvidence, type EvidenceEntry } from '../../src/parser/index.js';
import { readJournal } from '../../src/session/journal.js';
import { runCli } from '../support/cli.js';

const TOKEN = 'tok-5ecr3t-value';
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A copy of the incident fixture, played with `run` against its fake service. */
function played(): { dir: string; doc: string; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-evidence-'));
  cpSync('fixtures/evidence/incident', dir, { recursive: true });
  const doc = join(dir, 'incident.md');
  const run = runCli(['run', '--yes', doc], { cwd: dir, env: { API_TOKEN: TOKEN } });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { dir, doc, stdout: run.stdout };
}

function entries(doc: string): Map<string, EvidenceEntry[]> {
  const model = parseRunbook(readFileSync(doc, 'utf8'));
  return new Map(model.blocks.filter((b) => b.evidence).map((b) => [b.name!, b.evidence!.entries]));
}

/** The 1-based line and column where an entry's name starts in the document. */
function position(doc: string, name: string): string {
  const text = readFileSync(doc, 'utf8');
  const at = text.indexOf(`\`${name}\``);
  return `${text.slice(0, at).split('\n').length}:${at - text.lastIndexOf('\n', at - 1)}`;
}

describe('evidence with a chain of custody', () => {
  it('keeps the output and named files of blocks under an evidence heading or marked evidence: masked, hashed, journaled, one line each', () => {
    const { dir, doc, stdout } = played();
    const kept = entries(doc);
    // start-api is neither marked nor under an evidence heading.
    expect([...kept.keys()]).toEqual(['api-log', 'error-count', 'restart']);
    const names = [...kept.values()].flat().map((e) => e.name.replace(/^[0-9a-f]{12}\//, ''));
    expect(names).toEqual(['api-log.out', expect.stringMatching(/^incident-\d{8}T\d{6}Z-api\.log$/), 'error-count.out', 'error-count.txt', 'processes.txt', 'restart.out', 'api.log']);
    const session = [...kept.values()][0]![0]!.name.slice(0, 12);
    const folder = join(dir, '.runbook/evidence', session);
    expect(statSync(join(dir, '.runbook/evidence')).mode & 0o777).toBe(0o700);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const journal = readJournal(join(dir, '.runbook/incident.md.journal.jsonl')).filter((e) => e.type === 'evidence');
    expect(journal).toHaveLength(9);
    for (const entry of [...kept.values()].flat()) {
      const stored = join(dir, '.runbook/evidence', entry.name);
      expect(statSync(stored).mode & 0o777).toBe(0o600);
      expect(sha256(stored).startsWith(entry.sha256!)).toBe(true);
      expect(journal.find((e) => e.file === entry.name)?.sha256).toBe(sha256(stored));
      expect(readFileSync(stored, 'utf8')).not.toContain(TOKEN);
    }
    // A probe row of a table with an Evidence column keeps its output and file in that cell.
    const probe = parseRunbook(readFileSync(doc, 'utf8')).tables.at(-1)!.rows[0]!.cells[3]!.text;
    const cell = readEvidence(probe, true)!;
    expect(cell.map((e) => e.name)).toEqual([`${session}/scenario-1.out`, `${session}/502s.log`]);
    expect(sha256(join(folder, '502s.log')).startsWith(cell[1]!.sha256!)).toBe(true);
    expect(readFileSync(join(folder, '502s.log'), 'utf8')).toMatch(/^(?:\S+ GET \/checkout\/\d+ 502 upstream=payments token=•+\n)+$/);
    // The service wrote the token into its log; the copies carry the mask instead.
    expect(readFileSync(join(dir, 'work/api.log'), 'utf8')).toContain(TOKEN);
    expect(readFileSync(join(folder, 'api.log'), 'utf8')).toMatch(/token=•+\n/);
    expect(stdout).toContain(`evidence: ${session}/error-count.txt · 2 B · sha256 `);
    expect(readFileSync(join(folder, 'error-count.txt'), 'utf8')).toBe(readFileSync(join(dir, 'work/error-count.txt'), 'utf8'));
    // list says which blocks keep evidence, and where their line is once written.
    const plan = runCli(['list', 'fixtures/evidence/incident/incident.md']).stdout;
    expect(plan).toMatch(/L10 `bash` start-api — not run\n/);
    expect(plan).toMatch(/L22 `bash` api-log — not run · keeps evidence\n/);
    const evidenceAt = parseRunbook(readFileSync(doc, 'utf8')).blocks[1]!.evidence!.line;
    expect(runCli(['list', doc]).stdout.split('\n').find((l) => l.includes('api-log'))).toMatch(new RegExp(`L23 \`bash\` api-log — passed, .* · evidence at L${evidenceAt}$`));
  });

  it('renders the evidence line as a paragraph of its own, as GitHub does', () => {
    const { doc } = played();
    const html = spawnSync('/usr/bin/cmark-gfm', ['-e', 'table', '-e', 'tasklist', doc], { encoding: 'utf8' }).stdout;
    expect(html.match(/<p><em>evidence:<\/em> <code>[0-9a-f]{12}\/[^<]+<\/code> · /g)).toHaveLength(3);
    expect(html.match(/<p><em>runbook:<\/em>/g)).toHaveLength(4);
  });

  it('audit finds a changed copy at its entry, warns of a missing one, and fails on it with --evidence', () => {
    const { dir, doc } = played();
    expect(runCli(['audit', doc], { cwd: dir })).toMatchObject({ code: 0, stdout: expect.stringContaining('0 errors, 0 warnings') });
    const entry = entries(doc).get('error-count')![1]!;
    const stored = join(dir, '.runbook/evidence', entry.name);
    writeFileSync(stored, '3\n');
    const changed = runCli(['audit', doc], { cwd: dir });
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`incident.md:${position(doc, entry.name)}  error  evidence \`${entry.name}\` changed since it was kept`);
    expect(changed.stdout).toContain('evidence-changed');
    const row = parseRunbook(readFileSync(doc, 'utf8')).tables.at(-1)!.rows[0]!;
    const probe = readEvidence(row.cells[3]!.text, true)![1]!;
    writeFileSync(join(dir, '.runbook/evidence', probe.name), 'edited\n');
    expect(runCli(['audit', doc], { cwd: dir }).stdout).toContain(`incident.md:${position(doc, probe.name)}  error  evidence \`${probe.name}\` changed since it was kept`);
    rmSync(stored);
    const missing = runCli(['audit', doc], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`incident.md:${position(doc, entry.name)}  warning  evidence \`${entry.name}\` is not stored in .runbook/evidence/  evidence-missing`);
    const strict = runCli(['audit', '--evidence', doc], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('error  evidence');
  });

  it('audit reads no link, device or folder put where a copy should be: a finding each, in bounded time, and no fingerprint of what they point to', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-evidence-links-'));
    const outside = join(dir, 'secret.txt');
    writeFileSync(outside, 's3cr3t\n');
    const folder = join(dir, '.runbook', 'evidence', 'abc');
    mkdirSync(join(folder, 'dir.log'), { recursive: true });
    symlinkSync('/dev/zero', join(folder, 'zero.log'));
    symlinkSync(outside, join(folder, 'secret.log'));
    symlinkSync(join(dir, '.runbook'), join(dir, '.runbook', 'evidence', 'up'));
    writeFileSync(join(folder, 'real.log'), 'kept\n');
    const real = sha256(join(folder, 'real.log')).slice(0, 16);
    const names = ['abc/zero.log', 'abc/secret.log', 'abc/dir.log', 'up/evidence/abc/real.log', 'abc/real.log'];
    const doc = `# Incident\n\n\`\`\`bash\ntrue\n\`\`\`\n*runbook:* ✅ passed · exit 0 · 0.12 s · 2026-11-23T19:20:01Z · alice\n\n*evidence:* ${names.map((n) => `\`${n}\` · 1 KB · sha256 ${real}`).join('; ')}\n`;
    writeFileSync(join(dir, 'incident.md'), doc);
    const result = runCli(['audit', 'incident.md', '--format', 'json'], { cwd: dir, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout) as Array<{ ruleId: string; message: string }>;
    expect(findings.map((f) => [f.ruleId, f.message])).toEqual(
      names.slice(0, 3).map((n) => ['evidence-changed', `evidence \`${n}\` is not a stored copy (a link, a device or a folder, or past the size cap): not read`]),
    );
    expect(result.stdout).not.toContain(createHash('sha256').update('s3cr3t\n').digest('hex').slice(0, 16));
  });

  it('a second run replaces the lines and keeps the first run\'s copies as they were; reset --cells removes the lines and cells and keeps every copy', () => {
    const { dir, doc } = played();
    const first = [...entries(doc).values()].flat().filter((e) => e.sha256);
    const hashes = first.map((e) => sha256(join(dir, '.runbook/evidence', e.name)));
    expect(runCli(['run', '--yes', doc], { cwd: dir, env: { API_TOKEN: TOKEN } }).code).toBe(0);
    expect(readFileSync(doc, 'utf8').match(/^\*evidence:\*/gm)).toHaveLength(3);
    expect(readdirSync(join(dir, '.runbook/evidence'))).toHaveLength(2);
    expect(first.map((e) => sha256(join(dir, '.runbook/evidence', e.name)))).toEqual(hashes);
    const reset = runCli(['reset', '--cells', doc], { cwd: dir });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/incident\.md:\d+ {2}evidence line removed/);
    expect(reset.stdout).toContain('stored evidence in .runbook/evidence is kept (chain of custody)');
    expect(readFileSync(doc, 'utf8')).toBe(readFileSync('fixtures/evidence/incident/incident.md', 'utf8'));
    expect(first.every((e) => existsSync(join(dir, '.runbook/evidence', e.name)))).toBe(true);
  });

  it('notes a file larger than the cap and a named file that is not there, without failing the block; evidence=false keeps nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-evidence-'));
    const doc = join(dir, 'capped.md');
    writeFileSync(doc, '# Capped\n\n## Evidence\n\n```bash { evidence=never-written.log }\nseq 1 500 > big.txt\necho done\n```\n\n```bash { evidence=false }\necho quiet > quiet.txt\n```\n');
    const run = runCli(['run', '--yes', doc], { cwd: dir, env: { RUNBOOK_EVIDENCE_MAX_BYTES: '64' } });
    expect(run.code).toBe(0);
    const [output, absent, big] = parseRunbook(readFileSync(doc, 'utf8')).blocks[0]!.evidence!.entries;
    expect(output!.detail).toBe('5 B');
    expect(big!.detail).toBe('1.8 KB, first 64 B kept (size cap)');
    expect(statSync(join(dir, '.runbook/evidence', big!.name)).size).toBe(64);
    expect(absent).toMatchObject({ name: 'never-written.log', detail: 'not found after the block', sha256: null });
    // evidence=false wins over the heading.
    expect(parseRunbook(readFileSync(doc, 'utf8')).blocks[1]!.evidence).toBeNull();
    expect(readJournal(join(dir, '.runbook/capped.md.journal.jsonl')).filter((e) => e.type === 'evidence').map((e) => e.block)).toEqual([0, 0, 0]);
  });

  it('refuses a size cap that is not a number of bytes before anything runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-evidence-'));
    const doc = join(dir, 'capped.md');
    writeFileSync(doc, '# Capped\n\n```bash { evidence }\ntouch ran\n```\n');
    const run = runCli(['run', '--yes', doc], { cwd: dir, env: { RUNBOOK_EVIDENCE_MAX_BYTES: '10MB' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('RUNBOOK_EVIDENCE_MAX_BYTES=10MB is not a number of bytes above zero');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});
