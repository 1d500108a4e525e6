import { keepTail } from '../executor/tail.js';

/**
 * Why a step failed, in a few words a result line can carry: the last non-empty line a block
 * wrote to stderr (or, when it wrote nothing there, to stdout). Kept by the session from the
 * output events it already sees, so the executor needs no second buffer.
 */
export class LastLines {
  private readonly last = { stdout: '', stderr: '' };
  private readonly partial = { stdout: '', stderr: '' };

  /**
   * Takes a chunk of output as it arrives (chunks may split lines anywhere). Only the end of the
   * chunk is looked at: a block printing 200 000 lines costs a scan back to its last non-blank
   * line per chunk, not an array of every line.
   */
  push(stream: 'stdout' | 'stderr', text: string): void {
    let end = lastBreak(text, text.length);
    if (end === -1) {
      this.partial[stream] = keepTail(this.partial[stream], text);
      return;
    }
    const head = this.partial[stream];
    this.partial[stream] = text.slice(end + 1).slice(-4096);
    while (end !== -1) {
      const start = lastBreak(text, end);
      const line = start === -1 ? head + text.slice(0, end) : text.slice(start + 1, end);
      if (line.trim()) {
        this.last[stream] = line.slice(0, 4096);
        return;
      }
      end = start;
    }
  }

  /**
   * The last non-empty line of stderr; else the command the block stopped at (`stoppedAt`, see
   * `stoppedReason`), which says more than whatever it printed last (`echo Checking…` before a
   * `test -f` that failed in silence); else the last line of stdout; else null. A block stopped by
   * a deliberate `false`, `return` or `exit` explained itself in its output, if anywhere: that
   * line comes first.
   */
  reason(stoppedAt: { said: string; command: string } | null = null): string | null {
    const pick = (stream: 'stdout' | 'stderr') => (this.partial[stream].trim() ? this.partial[stream] : this.last[stream]).trim();
    if (stoppedAt && DELIBERATE.test(stoppedAt.command.trim())) return pick('stderr') || pick('stdout') || stoppedAt.said;
    return pick('stderr') || stoppedAt?.said || pick('stdout') || null;
  }
}

/** A command whose only work is to fail: the block's author said why before it, if at all. */
const DELIBERATE = /^(?:false|return|exit|\(\s*exit)\b/;

/**
 * Bash names the file it read a step from in its errors (`/tmp/runbook-session-…/block-3.sh:
 * line 2: curl: command not found`): that file is the tool's, gone after the session, and means
 * nothing to a reader of the document. The reason names the document's line instead (`line 14:
 * curl: command not found`), `firstLine` being the document line of the script's first line; with
 * none (a command in a table cell, a block the operator edited), no line.
 */
export function placeReason(reason: string, script: string | undefined, firstLine: number | null): string {
  if (!script || !reason.startsWith(`${script}: `)) return reason;
  const rest = reason.slice(script.length + 2);
  const at = /^line (\d+): /.exec(rest);
  if (!at) return rest;
  const said = rest.slice(at[0].length);
  return firstLine === null ? said : `line ${firstLine + Number(at[1]) - 1}: ${said}`;
}

/**
 * The command a block stopped at, as a reason: `` line 14: `test -f /etc/app.yml` exited 1 ``,
 * its line in the document when the shell knew it in the block (`firstLine` being the document
 * line of the script's first line), its first line only.
 */
export function stoppedReason(stoppedAt: { command: string; line: number | null }, exitCode: number | null, firstLine: number | null): string {
  const command = stoppedAt.command.split('\n')[0]!.trim();
  const where = stoppedAt.line !== null && firstLine !== null ? `line ${firstLine + stoppedAt.line - 1}: ` : '';
  return `${where}\`${command}\` ${exitCode === null ? 'failed' : `exited ${exitCode}`}`;
}

/** Where the last line break (`\n` or `\r`) before `before` is, or -1. */
function lastBreak(text: string, before: number): number {
  for (let i = before - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return -1;
}
