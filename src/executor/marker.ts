import { StringDecoder } from 'node:string_decoder';

/** Which of the shell's output descriptors an end marker was written to: `o` stdout, `e` stderr. */
export type MarkerStream = 'o' | 'e';

/**
 * An end-of-block marker: `\x1e<token>:<o|e>:<status>\x1e`, written by `__rb_done` after a block
 * to the shell's stdout and stderr. The token is random per block and never held in a shell
 * variable, so a block cannot print one by accident (see prelude.ts).
 */
const MARKER = /\x1e(rb[0-9a-f]{16}\d+):([oe]):(\d+)\x1e/g;

/** What could still become a marker, held back at the end of a chunk. */
const PARTIAL = /\x1e(?:r(?:b[0-9a-f]*(?::(?:[oe](?::\d*)?)?)?)?)?$/;

/**
 * Reads one output stream of the session's shell and splits it at end markers. Every marker is
 * taken out of the text, whichever block it belongs to and on whichever stream it arrives (a block
 * that ran `exec 2>&1` sends the stderr marker down stdout), so none ever reaches the output. A
 * marker cut in two by a chunk boundary is found all the same, because its start is held back.
 */
export class MarkerReader {
  private decoder = new StringDecoder('utf8');
  private held = '';

  constructor(
    private readonly emit: (text: string) => void,
    private readonly mark: (token: string, stream: MarkerStream, status: number) => void,
  ) {}

  /** Feeds a chunk from the stream. */
  push(chunk: Buffer): void {
    const text = this.held + this.decoder.write(chunk);
    this.held = '';
    let from = 0;
    for (const match of text.matchAll(MARKER)) {
      if (match.index > from) this.emit(text.slice(from, match.index));
      from = match.index + match[0].length;
      this.mark(match[1]!, match[2] as MarkerStream, Number(match[3]));
    }
    let rest = text.slice(from);
    // Hold back what could be the start of a marker cut by the chunk boundary.
    const partial = PARTIAL.exec(rest);
    if (partial) {
      this.held = partial[0];
      rest = rest.slice(0, partial.index);
    }
    if (rest) this.emit(rest);
  }

  /** Releases anything held back (the stream ended, or the shell died). */
  flush(): void {
    const rest = this.held + this.decoder.end();
    this.held = '';
    if (rest) this.emit(rest);
  }
}
