/** A frame the remote shell writes on stdout: `r` ready (its pid), `s` a block's state, `x` its exit status. */
export type Frame = { kind: 'ready'; value: string } | { kind: 'exit'; value: string } | { kind: 'state'; token: string; value: string };

const START = 0x1d;
/** A whole frame: `\x1d` kind payload `\x1d`, the payload digits, or a token and escaped text (no `\x1d`). */
const WHOLE = /^\x1d(?:r(\d+)|x(\d+)|s(rb[0-9a-f]{16}\d+):([^\x1d]*))\x1d/;
/** What could still become a frame at the end of a chunk. */
const PARTIAL = /^\x1d(?:r\d*|x\d*|s(?:r(?:b[0-9a-f]*(?:\d*(?::[^\x1d]*)?)?)?)?)?$/;

/**
 * Takes the remote shell's frames out of its stdout, before end markers are read and output is
 * masked. A `\x1d` a block prints that does not start a frame is passed on as output; one at the
 * end of a chunk is held back until the next chunk says what it is.
 */
export class FrameReader {
  private held = Buffer.alloc(0);

  constructor(
    private readonly emit: (chunk: Buffer) => void,
    private readonly frame: (frame: Frame) => void,
  ) {}

  /** Feeds a chunk of stdout. */
  push(chunk: Buffer): void {
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    let from = 0;
    for (let at = data.indexOf(START, from); at !== -1; at = data.indexOf(START, from)) {
      // Frames are ASCII: latin1 reads their bytes one for one.
      const rest = data.subarray(at).toString('latin1');
      const match = WHOLE.exec(rest);
      if (match) {
        if (at > from) this.emit(data.subarray(from, at));
        if (match[1] !== undefined) this.frame({ kind: 'ready', value: match[1] });
        else if (match[2] !== undefined) this.frame({ kind: 'exit', value: match[2] });
        else this.frame({ kind: 'state', token: match[3]!, value: match[4]! });
        from = at + match[0].length;
        continue;
      }
      if (PARTIAL.test(rest)) {
        if (at > from) this.emit(data.subarray(from, at));
        this.held = Buffer.from(data.subarray(at));
        return;
      }
      // Not a frame: the byte is output.
      if (at + 1 > from) this.emit(data.subarray(from, at + 1));
      from = at + 1;
    }
    if (from < data.length) this.emit(from === 0 ? data : data.subarray(from));
  }

  /** Releases anything held back. */
  flush(): void {
    if (this.held.length) this.emit(this.held);
    this.held = Buffer.alloc(0);
  }
}
