import { StringDecoder } from 'node:string_decoder';

/**
 * Reads one output stream of the session's shell and splits it at end-of-block markers
 * (`\x1e<token>\x1e`). Text before the marker belongs to the block; a marker cut in two by a
 * chunk boundary is found all the same, because a marker's worth of text is held back.
 */
export class MarkerReader {
  private decoder = new StringDecoder('utf8');
  private held = '';
  private marker: string | null = null;
  private seen = false;

  constructor(private readonly emit: (text: string) => void) {}

  /** Starts looking for the end marker of the block with `token`. */
  expect(token: string): void {
    this.marker = `\x1e${token}\x1e`;
    this.seen = false;
  }

  /** True once the expected marker has gone by. */
  get done(): boolean {
    return this.seen;
  }

  /** Feeds a chunk from the stream. */
  push(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  private take(incoming: string): void {
    let text = this.held + incoming;
    this.held = '';
    if (this.marker && !this.seen) {
      const at = text.indexOf(this.marker);
      if (at !== -1) {
        if (at > 0) this.emit(text.slice(0, at));
        this.seen = true;
        text = text.slice(at + this.marker.length);
      } else {
        // Hold back what could be the start of a marker cut by the chunk boundary.
        const keep = Math.min(text.length, this.marker.length - 1);
        const sep = text.lastIndexOf('\x1e');
        const cut = sep !== -1 && sep >= text.length - keep ? sep : text.length;
        this.held = text.slice(cut);
        text = text.slice(0, cut);
      }
    }
    if (text) this.emit(text);
  }

  /** Releases anything held back (the stream ended, or the shell died). */
  flush(): void {
    const rest = this.held + this.decoder.end();
    this.held = '';
    if (rest) this.emit(rest);
  }
}
