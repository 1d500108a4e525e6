// `npm pack` / `npm publish` run this first: the package ships only what the build makes, so it
// builds, and checks THIRD-PARTY still lists what the bundles hold. In a clean clone the build's
// own tools (esbuild, and the packages it bundles) are not installed yet: they are installed
// first, exactly as the lock file pins them, with no install scripts run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(`${root}node_modules/esbuild/package.json`)) {
  // Inside an npm lifecycle script, npm_execpath is the npm running it.
  const npm = process.env.npm_execpath;
  if (npm) step(process.execPath, [npm, 'ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  else step('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
}
step(process.execPath, ['scripts/build.mjs']);
step(process.execPath, ['scripts/third-party.mjs', '--check']);
