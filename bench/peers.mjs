// The tools people reach for to run the shell blocks of a Markdown file, installed for the
// benchmark only (never as dependencies of the package), and the same work written for each.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PEERS = { zx: '8.8.5', maid: '0.3.0', txm: '8.2.0' };
const folder = new URL('./.peers/', import.meta.url).pathname;
const bin = (name) => join(folder, 'node_modules', '.bin', name);

/** Installs the peers into bench/.peers (git-ignored) unless they are there; returns their commands, or null. */
export function installPeers() {
  if (Object.keys(PEERS).every((name) => existsSync(bin(name)))) return Object.fromEntries(Object.keys(PEERS).map((n) => [n, bin(n)]));
  const specs = Object.entries(PEERS).map(([name, version]) => `${name}@${version}`);
  const result = spawnSync('npm', ['install', '--prefix', folder, '--no-save', '--no-audit', '--no-fund', ...specs], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.log(`      peers not installed (${result.stderr.trim().split('\n').pop()}): their rows are skipped`);
    return null;
  }
  return Object.fromEntries(Object.keys(PEERS).map((n) => [n, bin(n)]));
}

const fence = (body) => `\`\`\`bash\n${body}\n\`\`\`\n\n`;

/**
 * Writes the same blocks for each tool, each in a folder of its own under `dir`: runbook and zx
 * (markdown mode) read one file of blocks; maid runs one task that runs the others before it;
 * txm checks every block with bash. Returns how to run each, as argv with the folder to run in.
 */
export function peerCommands(dir, peers, bodies) {
  const at = (name) => {
    const sub = join(dir, name);
    mkdirSync(sub, { recursive: true });
    return sub;
  };
  const zx = at('zx');
  writeFileSync(join(zx, 'blocks.md'), `# Blocks\n\n${bodies.map(fence).join('')}`);
  const maid = at('maid');
  const rest = bodies.slice(0, -1).map((_, i) => `\`b${i}\``).join(' ');
  writeFileSync(
    join(maid, 'maidfile.md'),
    `## all\n\n${rest ? `Runs tasks ${rest} before this\n\n` : ''}${fence(bodies[bodies.length - 1])}${bodies.slice(0, -1).map((b, i) => `## b${i}\n\n${fence(b)}`).join('')}`,
  );
  const txm = at('txm');
  writeFileSync(join(txm, 'blocks.md'), `<!-- !test program bash -->\n\n${bodies.map((b, i) => `<!-- !test check b${i} -->\n\n${fence(b)}`).join('')}`);
  // Each peer runs with a home folder of its own, empty: bash reads ~/.bashrc when its standard
  // input is a socket (as Node's pipes are) and it is not nested, so zx and maid, which start
  // bash that way, would otherwise time whatever the machine's ~/.bashrc does (runbook starts
  // its shell with --norc, and the bash loop's `bash -c true` is nested).
  const home = at('home');
  const env = { HOME: home };
  return {
    zx: { argv: [peers.zx, 'blocks.md'], cwd: zx, env },
    maid: { argv: [peers.maid, '--quiet', 'all'], cwd: maid, env },
    txm: { argv: [peers.txm, 'blocks.md'], cwd: txm, env },
  };
}
