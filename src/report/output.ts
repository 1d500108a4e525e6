import { redact } from '../executor/redact.js';
import type { Bar } from '../session/timeline.js';

/** An excerpt keeps a step's last lines, at most this many... */
const MAX_LINES = 40;
/** ...and at most this many characters. */
const MAX_CHARS = 4000;

/** One section of the output log: what follows a `=== <time> block N (name) at line L` header. */
interface LogSection {
  kind: 'block' | 'scenario';
  ref: string;
  at: number;
  text: string;
}

const HEADER = /^=== (\S+) (block|scenario) (.+?)(?: \(.*\))? at line \d+$/gm;

function sections(log: string): LogSection[] {
  const found: Array<LogSection & { from: number; to: number }> = [];
  for (const m of log.matchAll(HEADER)) {
    const last = found.at(-1);
    if (last) last.to = m.index;
    found.push({ kind: m[2] as 'block' | 'scenario', ref: m[3]!, at: Date.parse(m[1]!), text: '', from: m.index + m[0].length + 1, to: log.length });
  }
  return found.map(({ from, to, ...s }) => ({ ...s, text: log.slice(from, to) }));
}

/** The last lines of a text, bounded in lines and characters. */
function tail(text: string): string {
  const lines = text.replace(/\s+$/, '').split(/\r\n|\r|\n/);
  let kept = lines.slice(-MAX_LINES).join('\n');
  if (kept.length > MAX_CHARS) kept = `…${kept.slice(-MAX_CHARS)}`;
  return lines.length > MAX_LINES && !kept.startsWith('…') ? `…\n${kept}` : kept;
}

/**
 * The output of each bar, from the log the player writes: the section with the bar's kind and
 * number whose header time (to the second) falls at the bar's start. Masked again with the
 * document's secrets: the log was masked as it was written, this only makes sure.
 */
export function excerpts(log: string, bars: Bar[], secrets: readonly string[]): Array<string | null> {
  const all = sections(log);
  return bars.map((bar) => {
    let section: LogSection | null = null;
    for (const s of all) if (s.kind === bar.kind && s.ref === bar.ref && s.at >= bar.start - 1000 && s.at <= bar.start + 1000) section = s;
    return section ? redact(tail(section.text), secrets) : null;
  });
}
