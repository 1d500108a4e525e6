import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedText } from './support/bundled.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: object; devDependencies: Record<string, string>; scripts: Record<string, string>; files: string[] };

/** Sizes of every file below `dir`, in bytes. */
const sizeOf = (dir: string): number => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);

describe('the published package', () => {
  it('depends on nothing at run time and runs no install script', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[script], script).toBeUndefined();
    expect(pkg.scripts.prepack).toBe('node scripts/prepack.mjs');
    // Exact versions: what is bundled is what the lock file holds.
    for (const [name, version] of Object.entries(pkg.devDependencies)) expect(version, name).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });

  it('lists every bundled package with its licence text in THIRD-PARTY', () => {
    const check = spawnSync(process.execPath, ['scripts/third-party.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const notice = readFileSync('THIRD-PARTY', 'utf8');
    const bundled = JSON.parse(readFileSync('node_modules/.cache/runbook/bundled-packages.json', 'utf8')) as string[];
    expect(bundled.length).toBeGreaterThan(50);
    for (const folder of bundled) {
      const { name, version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      expect(notice, name).toContain(`## ${name}@${version} — `);
    }
    for (const name of ['commander', 'execa', 'ink', 'react', 'remark-parse', 'yaml', 'tinypool']) expect(notice).toMatch(new RegExp(`^## ${name}@`, 'm'));
    // Each heading is followed by a licence text (or says there is none), never left empty.
    expect(notice.split(/^## /m).slice(1).every((part) => /\n\n\S/.test(part))).toBe(true);
  });

  it('packs from a clean clone, installs from the tarball alone and runs from another folder', () => {
    const work = mkdtempSync(join(tmpdir(), 'runbook-pack-'));
    const clone = join(work, 'clone');
    execFileSync('git', ['clone', '-q', '--no-hardlinks', process.cwd(), clone]);
    // The clone has no node_modules: `npm pack` installs what the build needs, builds, checks THIRD-PARTY.
    const env = { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const packed = spawnSync('npm', ['pack', '--json'], { cwd: clone, encoding: 'utf8', env });
    expect(packed.status, packed.stderr).toBe(0);
    const { filename, files } = (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
    const shipped = files.map((f) => f.path).sort();
    expect(shipped).toContain('THIRD-PARTY');
    expect(shipped).toContain('dist/cli.cjs');
    expect(shipped.filter((p) => p.endsWith('.cache'))).toEqual([]);
    expect(shipped.every((p) => /^(bin|dist)\/|^(THIRD-PARTY|package\.json|README\.md)$/.test(p)), shipped.join(' ')).toBe(true);
    // Installed offline into an empty prefix: the tarball needs nothing else.
    const prefix = join(work, 'prefix');
    const install = spawnSync('npm', ['install', '--global', '--offline', '--prefix', prefix, join(clone, filename)], { encoding: 'utf8', env });
    expect(install.status, install.stderr).toBe(0);
    const installed = join(prefix, 'lib', 'node_modules', 'runbook');
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'THIRD-PARTY', 'bin', 'dist', 'package.json']);
    expect(sizeOf(installed)).toBeLessThan(4 * 1024 * 1024);
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere);
    // As committed: played (the README's first command), it has nothing left to find.
    writeFileSync(join(elsewhere, 'drill.md'), committedText('docs/runbooks/failover-drill.md'));
    const runbook = (...args: string[]) => spawnSync(join(prefix, 'bin', 'runbook'), args, { cwd: elsewhere, encoding: 'utf8', env: { ...env, RUNBOOK_CACHE_DIR: join(work, 'cache'), GITHUB_ACTIONS: '' } });
    expect(runbook('--version').stdout).toBe(`${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`);
    expect(runbook('list', 'drill.md').stdout).toMatch(/^Failover drill/);
    const audit = runbook('audit', 'drill.md', '--format', 'json');
    expect(audit.stderr).toBe('');
    expect(JSON.parse(audit.stdout).length).toBeGreaterThan(0);
    const dry = runbook('run', 'drill.md', '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^── block 1 · /m);
  }, 600_000);
});
