import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/**
 * A real terminal for `runbook play`: tmux runs the command on its own server, send-keys types,
 * capture-pane reads the screen. Each test file makes one and kills its server after.
 */
export function tmuxServer(tag: string) {
  const socket = `runbook-${tag}-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  /** Opens a pane of the given size running `command`; the pane stays after it exits, showing its code. */
  const start = (name: string, cwd: string, command: string, size: { x: number; y: number } = { x: 110, y: 32 }) => {
    const result = tmux('new-session', '-d', '-s', name, '-x', String(size.x), '-y', String(size.y), '-c', cwd, `env RUNBOOK_OPERATOR=tmux-op ${command}; echo EXITED $?; sleep 600`);
    expect(result.status).toBe(0);
  };
  const screen = (name: string) => tmux('capture-pane', '-p', '-t', name).stdout;
  /** The screen and everything scrolled off it. */
  const history = (name: string) => tmux('capture-pane', '-p', '-S', '-', '-t', name).stdout;
  const keys = (name: string, ...k: string[]) => tmux('send-keys', '-t', name, ...k);
  /** Waits until the screen shows `text`, matches it, or passes the test. */
  const waitFor = async (name: string, text: string | RegExp | ((screen: string) => boolean), read = screen): Promise<string> => {
    let last = '';
    for (let i = 0; i < 300; i++) {
      last = read(name);
      if (typeof text === 'string' ? last.includes(text) : text instanceof RegExp ? text.test(last) : text(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the screen never showed ${String(text)}:\n${last}`);
  };
  return { tmux, start, screen, history, keys, waitFor, kill: () => tmux('kill-server') };
}
