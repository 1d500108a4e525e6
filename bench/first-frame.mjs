// Time from starting a command in a real terminal (tmux) to the moment its screen shows `text`.
import { spawnSync } from 'node:child_process';

const socket = `runbook-bench-${process.pid}`;
const tmux = (...args) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

/** Median ms until the screen shows `text`, over `runs` fresh terminals. */
export function firstFrame(command, text, cwd, runs = 5) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    tmux('new-session', '-d', '-s', 'frame', '-x', '100', '-y', '30', '-c', cwd, command);
    let seen = false;
    while (!seen && performance.now() - start < 20_000) {
      seen = tmux('capture-pane', '-p', '-t', 'frame').stdout.includes(text);
    }
    times.push(performance.now() - start);
    tmux('kill-server');
  }
  times.sort((a, b) => a - b);
  return times[runs >> 1];
}
