import { spawnSync } from 'node:child_process';

/**
 * A real terminal for the play tests: a private tmux server runs `runbook play`, `keys` types
 * into it (send-keys) and `waitFor` reads the screen (capture-pane) until it shows something.
 */
export class Tmux {
  private readonly socket: string;

  constructor(name: string) {
    this.socket = `runbook-${name}-${process.pid}`;
  }

  /** Runs tmux against this server. */
  run(...args: string[]) {
    return spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `command` in a new window of `columns`×`rows`; it prints `EXITED <code>` when it ends. */
  start(name: string, cwd: string, command: string, size: { columns: number; rows: number } = { columns: 110, rows: 32 }): void {
    const result = this.run('new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), '-c', cwd, `env RUNBOOK_OPERATOR=tmux-op ${command}; echo EXITED $?; sleep 600`);
    if (result.status !== 0) throw new Error(`tmux could not start: ${result.stderr}`);
  }

  screen(name: string): string {
    return this.run('capture-pane', '-p', '-t', name).stdout;
  }

  keys(name: string, ...keys: string[]): void {
    this.run('send-keys', '-t', name, ...keys);
  }

  /**
   * Waits until the screen shows `text` (or passes the test given), and returns the screen;
   * throws with the last screen after ~20 s.
   */
  async waitFor(name: string, text: string | RegExp | ((screen: string) => boolean)): Promise<string> {
    let last = '';
    for (let i = 0; i < 400; i++) {
      last = this.screen(name);
      if (typeof text === 'string' ? last.includes(text) : typeof text === 'function' ? text(last) : text.test(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the screen never showed ${String(text)}:\n${last}`);
  }

  /** Ends the server and everything it runs. */
  kill(): void {
    this.run('kill-server');
  }
}
