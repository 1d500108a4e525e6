// Writes THIRD-PARTY: the name, version, licence and licence text of every package inside the
// bundles in dist/ (the list the build leaves in node_modules/.cache/runbook/). The package ships
// them inside its bundle instead of depending on them, so their notices ship beside it.
// Usage: node scripts/third-party.mjs           write THIRD-PARTY
//        node scripts/third-party.mjs --check   exit 1 when THIRD-PARTY is not what it would write
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const listFile = join(root, 'node_modules', '.cache', 'runbook', 'bundled-packages.json');
if (!existsSync(listFile)) {
  process.stderr.write('third-party: no list of bundled packages; run `npm run build` first\n');
  process.exit(2);
}

/** One package's notice: a heading line, its licence, then its licence file as shipped. */
function notice(folder) {
  const pkg = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
  const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see its licence file');
  const file = readdirSync(join(root, folder)).find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name));
  const text = file ? readFileSync(join(root, folder, file), 'utf8').trim() : `(the package ships no licence file; its package.json says ${licence})`;
  return `## ${pkg.name}@${pkg.version} — ${licence}\n\n${text}\n`;
}

const folders = JSON.parse(readFileSync(listFile, 'utf8'));
const notices = [...new Set(folders.map(notice))].sort();
const out = [
  '# Third-party software inside runbook',
  '',
  'The files in dist/ bundle the following packages. Each is listed with its version, its licence',
  'and the licence text it ships. This file is written by `npm run notices` (scripts/third-party.mjs).',
  '',
  ...notices,
].join('\n');

const target = join(root, 'THIRD-PARTY');
if (process.argv[2] === '--check') {
  if (!existsSync(target) || readFileSync(target, 'utf8') !== out) {
    process.stderr.write('third-party: THIRD-PARTY does not list the bundled packages as built; run `npm run notices`\n');
    process.exit(1);
  }
} else writeFileSync(target, out);
