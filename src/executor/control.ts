import { execFileSync } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';

/**
 * A session's control channel: a FIFO in the session's private folder. The shell never holds it:
 * `__rb_done` opens it by its path for each message and closes it again, so no block can close,
 * redirect or print it, and no process a block leaves behind inherits it (issue 16: a `setsid`
 * child holding the old descriptor 3 kept `run` from ending). The tool holds it open for reading
 * and writing, so it never reads an end between messages and a shell never waits for a reader.
 */
export class ControlChannel {
  private readonly socket: Socket;
  private buffer = '';

  /** Makes the FIFO at `path` and calls `onMessage` with the words of each line written to it. */
  constructor(
    readonly path: string,
    onMessage: (words: string[]) => void,
  ) {
    mkfifo(path);
    // A FIFO opened for reading and writing never blocks the open and never reports an end.
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.on('error', () => undefined);
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) !== -1) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        onMessage(line.split(' '));
      }
    });
  }

  /** Stops reading and closes the FIFO. */
  close(): void {
    this.socket.destroy();
  }
}

/**
 * Makes a FIFO only its owner can open, with `mkfifo` from PATH, else from where systems keep it:
 * the tool may run with a PATH that holds bash alone.
 */
function mkfifo(path: string): void {
  for (const command of ['mkfifo', '/usr/bin/mkfifo', '/bin/mkfifo']) {
    try {
      execFileSync(command, ['-m', '600', path], { stdio: 'ignore' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error('mkfifo (coreutils) is not installed; runbook needs it to talk to its shell');
}
