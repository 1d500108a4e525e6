/**
 * Why a step failed, in a few words a result line can carry: the last non-empty line a block
 * wrote to stderr (or, when it wrote nothing there, to stdout). Kept by the session from the
 * output events it already sees, so the executor needs no second buffer.
 */
export class LastLines {
  private readonly last = { stdout: '', stderr: '' };
  private readonly partial = { stdout: '', stderr: '' };

  /** Takes a chunk of output as it arrives (chunks may split lines anywhere). */
  push(stream: 'stdout' | 'stderr', text: string): void {
    const lines = (this.partial[stream] + text).split(/\r\n|\r|\n/);
    this.partial[stream] = lines.pop()!.slice(-4096);
    for (let i = lines.length - 1; i >= 0; i--) {
      if (lines[i]!.trim()) {
        this.last[stream] = lines[i]!.slice(0, 4096);
        break;
      }
    }
  }

  /** The last non-empty line of stderr, else of stdout, else null. */
  reason(): string | null {
    const pick = (stream: 'stdout' | 'stderr') => (this.partial[stream].trim() ? this.partial[stream] : this.last[stream]).trim();
    return pick('stderr') || pick('stdout') || null;
  }
}
