import { execFileSync } from 'node:child_process';
import { constants, lstatSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';

/** The status the session's shell exits with when it cannot make its control FIFO. */
export const NO_FIFO_STATUS = 97;

/** What the session says when neither it nor its shell can make a FIFO. */
export const NO_MKFIFO = 'mkfifo (coreutils) is not installed; runbook needs it to talk to its shell';

/** Where systems keep `mkfifo`, after PATH: the tool may run with a PATH that holds bash alone. */
const MKFIFO = ['mkfifo', '/usr/bin/mkfifo', '/bin/mkfifo'];

/**
 * A session's control channel: a FIFO in the session's private folder. The shell never holds it:
 * `__rb_done` opens it by its path for each message and closes it again, so no block can close,
 * redirect or print it, and no process a block leaves behind inherits it (issue 16: a `setsid`
 * child holding the old descriptor 3 kept `run` from ending). The tool holds it open for reading
 * and writing, so it never reads an end between messages and a shell never waits for a reader.
 *
 * The first FIFO is made by the session's shell as it starts (`makeScript`), which then says so
 * on its standard output; the tool opens it then (`attach`). The tool would otherwise wait for a
 * `mkfifo` process of its own before the shell could start, and block while starting it.
 */
export class ControlChannel {
  private socket: Socket | null = null;
  private buffer = '';
  private made = 0;
  /** Where the FIFO is; the shell is told before each block. */
  path = '';

  /** A channel whose FIFO will be in `dir`; `onMessage` gets the words of each line written to it. */
  constructor(
    private readonly dir: string,
    private readonly onMessage: (words: string[]) => void,
  ) {
    this.path = this.nextPath();
  }

  /**
   * Bash that makes the FIFO at `$__rb_ctl` unless it is there, then prints the end marker of
   * `token` (see marker.ts) on standard output; when no `mkfifo` can be found, it exits with
   * `NO_FIFO_STATUS`.
   */
  makeScript(token: string): string {
    const make = MKFIFO.map((command) => `${command} -m 600 "$__rb_ctl"`).join(' || ');
    return `[ -p "$__rb_ctl" ] || { ${make}; } 2>/dev/null || builtin exit ${NO_FIFO_STATUS}\nbuiltin printf '\\036%s:o:0\\036' ${token}`;
  }

  /** Starts reading the FIFO at `path`, once the shell has made it; nothing when it already reads it. */
  attach(): void {
    if (!this.socket) this.read();
  }

  /**
   * Makes a new FIFO if a block removed or replaced this one (`rm -rf /tmp/runbook-*`): the shell
   * would otherwise write its messages to a plain file nobody reads. A new name, so that a shell
   * on its way out writing to the old one cannot get in the way.
   */
  ensure(): void {
    let fifo = false;
    try {
      fifo = lstatSync(this.path).isFIFO();
    } catch {
      // Gone.
    }
    if (fifo) return;
    this.socket?.destroy();
    rmSync(this.path, { force: true, recursive: true });
    this.open();
  }

  /** Stops reading and closes the FIFO. */
  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  /** A name not used before in this session. */
  private nextPath(): string {
    return join(this.dir, `control-${this.made++}`);
  }

  private open(): void {
    this.path = this.nextPath();
    mkfifo(this.path);
    this.read();
  }

  private read(): void {
    // A FIFO opened for reading and writing never blocks the open and never reports an end.
    const fd = openSync(this.path, constants.O_RDWR | constants.O_NONBLOCK);
    const socket = new Socket({ fd, readable: true, writable: false });
    this.socket = socket;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) !== -1) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        this.onMessage(line.split(' '));
      }
    });
  }
}

/** Makes a FIFO only its owner can open, with `mkfifo` from PATH, else from where systems keep it. */
function mkfifo(path: string): void {
  for (const command of MKFIFO) {
    try {
      execFileSync(command, ['-m', '600', path], { stdio: 'ignore' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(NO_MKFIFO);
}
