import { HEREDOC } from './shellvars.js';

/**
 * Blocks written as typed at a terminal. Many runbooks put a `$ ` prompt before each command;
 * bash would look for a command named `$`. When every command line carries the prompt (what
 * markdownlint's MD014 calls "dollar signs used before commands without showing output"), the
 * intent is plain and the block runs without them. When prompted lines sit among lines without
 * one, the others are the commands' output: a transcript, which is shown, never run.
 */

const PROMPT = /^\$ /;
/** The prompt a terminal shows before each further line of a command still open (bash's PS2). */
const MORE = /^>(?: |$)/;

/**
 * Reads a block's lines once: whether it is a transcript, and its script without prompts when
 * every command line has one. Comments, blank lines, `\` continuation lines and the lines of a
 * here-document a prompted command opens (its input, up to its terminator; typed at a terminal,
 * each with a `> ` prompt, taken off) need no prompt. A line
 * after a prompted command that is still open (a `for … do`, an `if … then`, a `|` at its end, a
 * quote not closed) and starts with `> ` is that command going on, as a terminal shows it: it runs,
 * without its `> `.
 */
function read(body: string): { transcript: boolean; script: string } {
  let prompted = false;
  let other = false;
  let continued = false;
  let command: string | null = null;
  let heredoc: { end: string; tabs: boolean; more: boolean } | null = null;
  const all = body.split('\n');
  const lines = all.map((raw, at) => {
    const continuation = continued;
    continued = /\\\r?$/.test(raw);
    if (heredoc) {
      // Typed at a terminal, each line of the here-document shows the `> ` prompt too.
      const line = heredoc.more ? raw.replace(MORE, '') : raw;
      if (closes(line, heredoc.end, heredoc.tabs)) heredoc = null;
      return line;
    }
    if (command !== null && (continuation || stillOpen(command)) && MORE.test(raw)) {
      const line = raw.replace(MORE, '');
      command += `\n${line}`;
      return line;
    }
    if (continuation || raw.trim() === '' || /^\s*#/.test(raw)) return raw;
    if (!PROMPT.test(raw)) {
      other = true;
      command = null;
      return raw;
    }
    prompted = true;
    const opens = HEREDOC.exec(raw);
    if (opens) heredoc = { end: opens[3]!, tabs: opens[1] === '-', more: endsWithPrompts(all.slice(at + 1), opens[3]!, opens[1] === '-') };
    command = raw.replace(PROMPT, '');
    return command;
  });
  return { transcript: prompted && other, script: prompted && !other ? lines.join('\n') : body };
}

/** Whether `line` ends a here-document that `end` closes (`<<-`: after leading tabs). */
function closes(line: string, end: string, tabs: boolean): boolean {
  return (tabs ? line.replace(/^\t+/, '') : line).replace(/\r$/, '') === end;
}

/**
 * Whether a here-document's lines carry the terminal's `> ` prompt: every line up to its
 * terminator starts with `> ` (or is a bare `>`), and the terminator is there as `> END`.
 */
function endsWithPrompts(after: string[], end: string, tabs: boolean): boolean {
  for (const raw of after) {
    if (!MORE.test(raw)) return false;
    if (closes(raw.replace(MORE, ''), end, tabs)) return true;
  }
  return false;
}

const OPENS = new Set(['if', 'for', 'while', 'until', 'select', 'case', '{']);
const CLOSES = new Set(['fi', 'done', 'esac', '}']);

/**
 * Whether bash would ask for more of `command` (read as a terminal reads it): a quote not closed,
 * a `|`, `&&` or `||` at its end, a `(` not closed, or more compound commands opened than closed.
 * What a quote holds is set aside first; a word is a compound's keyword only where a command
 * starts (after `;`, `&`, `|`, `(`, a line break or another keyword).
 */
function stillOpen(command: string): boolean {
  const unquoted = command.replace(/\\./g, '_').replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '_');
  if (/['"]/.test(unquoted)) return true;
  const text = unquoted.replace(/(^|\s)#[^\n]*/g, '$1');
  if (/(?:\||&&)\s*$/.test(text)) return true;
  if ((text.match(/\(/g) ?? []).length > (text.match(/\)/g) ?? []).length) return true;
  let depth = 0;
  let atStart = true;
  for (const word of text.split(/([;&|()\n]|\s+)/)) {
    if (word === '' || /^[ \t]+$/.test(word)) continue;
    if (/^[;&|()\n]$/.test(word)) {
      atStart = true;
      continue;
    }
    if (atStart && OPENS.has(word)) depth++;
    else if (atStart && CLOSES.has(word)) depth--;
    atStart = ['then', 'do', 'else', 'elif', '{', '!', 'time'].includes(word) || (atStart && OPENS.has(word) && word !== 'for' && word !== 'case' && word !== 'select');
  }
  return depth > 0;
}

/** True when `$ `-prompted commands sit among lines of their output. */
export function isTranscript(body: string): boolean {
  return read(body).transcript;
}

/** The script a block runs: its body, without the `$ ` prompts when every command has one. */
export function runnableScript(body: string): string {
  // Bash reads a CR as part of a word: a CR LF (or CR) runbook's lines end as LF for it.
  return read(body.replace(/\r\n?/g, '\n')).script;
}
