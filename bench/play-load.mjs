// Issue 5 under load: `runbook play` runs a block printing 200 000 lines in a real terminal
// (tmux). Measures the block's wall time as the screen shows it, how long a keypress takes to
// show on screen while output pours in, and the peak memory of the play process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const socket = `runbook-load-${process.pid}`;
const tmux = (...args) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'load').stdout;
const waitFor = (test, limit = 30_000) => {
  const start = performance.now();
  while (performance.now() - start < limit) if (test(screen())) return performance.now();
  throw new Error(`the screen never showed what was expected:\n${screen()}`);
};

/**
 * Runs the scenario once; returns { blockMs, keyMs, maxRssMb }. A terminal that never shows the
 * screen (seen once on a loaded machine) is torn down and the scenario run again, once.
 */
export function playUnderLoad(root) {
  try {
    return playOnce(root);
  } catch (error) {
    tmux('kill-server');
    console.log(`      play under load: retrying after ${error.message.split('\n')[0]}`);
    return playOnce(root);
  }
}

function playOnce(root) {
  const work = mkdtempSync(join(tmpdir(), 'runbook-bench-load-'));
  writeFileSync(join(work, 'big.md'), '# Big\n\n- [ ] Print a lot\n\n  ```bash { name=big }\n  seq 1 200000\n  sleep 0.5\n  seq 1 200000\n  ```\n');
  tmux('new-session', '-d', '-s', 'load', '-x', '100', '-y', '30', '-c', work, `${process.execPath} ${join(root, 'bin/runbook.js')} play big.md; sleep 30`);
  waitFor((s) => s.includes('seq 1 200000'));
  const shellPid = Number(tmux('display', '-p', '-t', 'load', '#{pane_pid}').stdout.trim());
  const nodePid = Number(spawnSync('pgrep', ['-P', String(shellPid), '-n'], { encoding: 'utf8' }).stdout.trim()) || shellPid;
  tmux('send-keys', '-t', 'load', 'Enter');
  waitFor((s) => s.includes('Run this block?'));
  tmux('send-keys', '-t', 'load', 'y');
  const started = performance.now();
  waitFor((s) => s.includes('│ '));
  const pressed = performance.now();
  tmux('send-keys', '-t', 'load', '?');
  const keyShown = waitFor((s) => s.includes('Keys'));
  tmux('send-keys', '-t', 'load', 'x');
  const done = waitFor((s) => /✔ Print a lot/.test(s));
  let maxRssMb = 0;
  try {
    const status = readFileSync(`/proc/${nodePid}/status`, 'utf8');
    maxRssMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    maxRssMb = NaN;
  }
  tmux('send-keys', '-t', 'load', 'q');
  tmux('kill-server');
  return { blockMs: done - started, keyMs: keyShown - pressed, maxRssMb };
}
