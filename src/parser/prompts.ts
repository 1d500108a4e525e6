import { HEREDOC } from './shellvars.js';

/**
 * Blocks written as typed at a terminal. Many runbooks put a `$ ` prompt before each command;
 * bash would look for a command named `$`. When every command line carries the prompt (what
 * markdownlint's MD014 calls "dollar signs used before commands without showing output"), the
 * intent is plain and the block runs without them. When prompted lines sit among lines without
 * one, the others are the commands' output: a transcript, which is shown, never run.
 */

const PROMPT = /^\$ /;

/**
 * Reads a block's lines once: whether it is a transcript, and its script without prompts when
 * every command line has one. Comments, blank lines, `\` continuation lines and the lines of a
 * here-document a prompted command opens (its input, up to its terminator) need no prompt.
 */
function read(body: string): { transcript: boolean; script: string } {
  let prompted = false;
  let other = false;
  let continued = false;
  let heredoc: { end: string; tabs: boolean } | null = null;
  const lines = body.split('\n').map((raw) => {
    const continuation = continued;
    continued = /\\\r?$/.test(raw);
    if (heredoc) {
      if ((heredoc.tabs ? raw.replace(/^\t+/, '') : raw).replace(/\r$/, '') === heredoc.end) heredoc = null;
      return raw;
    }
    if (continuation || raw.trim() === '' || /^\s*#/.test(raw)) return raw;
    if (!PROMPT.test(raw)) {
      other = true;
      return raw;
    }
    prompted = true;
    const opens = HEREDOC.exec(raw);
    if (opens) heredoc = { end: opens[3]!, tabs: opens[1] === '-' };
    return raw.replace(PROMPT, '');
  });
  return { transcript: prompted && other, script: prompted && !other ? lines.join('\n') : body };
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
