import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { dirname, basename, extname, join } from 'node:path';
import { UserError } from '../errors.js';
import { onPath } from '../executor/which.js';
import { println, type Io } from '../io.js';
import { loadPicture } from '../report/load.js';
import { pictureHtml } from '../report/page.js';
import { timelineSvg } from '../report/svg.js';

export interface ReportOptions {
  format?: string;
  output?: string;
  open?: boolean;
}

/** `runbook report SESSION.md`: the session's picture as one self-contained HTML page (or the timeline alone as SVG). */
export function reportCommand(file: string, options: ReportOptions, io: Io): number {
  const format = options.format ?? 'html';
  if (format !== 'html' && format !== 'svg') throw new UserError(`--format ${format}: use html or svg`);
  const picture = loadPicture(file, io.env);
  const out = options.output ?? join(dirname(file), `${basename(file, extname(file))}.report.${format}`);
  if (!replaceable(out)) throw new UserError(`${out}: exists and is not a report; give --output a new file (or a report written before)`);
  const content = format === 'svg' ? `${timelineSvg(picture.timeline)}\n` : pictureHtml(picture);
  try {
    writeFileSync(out, content);
  } catch (error) {
    throw new UserError(`${out}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  println(io.stdout, `${out}: ${picture.timeline.bars.length} step(s), ${Math.round(content.length / 1024)} KB`);
  if (options.open) openInBrowser(out, io);
  return 0;
}

/**
 * Whether writing a report at `path` loses nothing: no file there, an empty one, or a page or
 * picture a report wrote before. Never the session doc, its journal or anything else.
 */
function replaceable(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    // Missing: nothing to lose. Anything else (a folder, no permission) is for the write to say.
    return true;
  }
  try {
    const head = Buffer.alloc(64);
    const start = head.subarray(0, readSync(fd, head, 0, 64, 0)).toString('latin1').trimStart().toLowerCase();
    return start === '' || start.startsWith('<!doctype html') || start.startsWith('<svg');
  } catch {
    // A folder: the write says so.
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Opens a file with the desktop's opener, where there is one; says so where there is none. */
export function openInBrowser(target: string, io: Io): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : 'xdg-open';
  if (!opener || !onPath(opener, io.env.PATH) || (opener === 'xdg-open' && !io.env.DISPLAY && !io.env.WAYLAND_DISPLAY)) {
    println(io.stderr, `runbook: note: no browser to open here; open ${target} yourself`);
    return;
  }
  spawn(opener, [target], { detached: true, stdio: 'ignore' }).on('error', () => undefined).unref();
}
