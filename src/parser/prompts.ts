/**
 * Blocks written as typed at a terminal. Many runbooks put a `$ ` prompt before each command;
 * bash would look for a command named `$`. When every command line carries the prompt (what
 * markdownlint's MD014 calls "dollar signs used before commands without showing output"), the
 * intent is plain and the block runs without them. When prompted lines sit among lines without
 * one, the others are the commands' output: a transcript, which is shown, never run.
 */

const PROMPT = /^\$ /;

interface Reading {
  prompted: boolean;
  transcript: boolean;
}

function read(body: string): Reading {
  let prompted = false;
  let other = false;
  let continued = false;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const continuation = continued;
    continued = /\\$/.test(line);
    if (continuation || line.trim() === '' || /^\s*#/.test(line)) continue;
    if (PROMPT.test(line)) prompted = true;
    else other = true;
  }
  return { prompted, transcript: prompted && other };
}

/** True when `$ `-prompted commands sit among lines of their output. */
export function isTranscript(body: string): boolean {
  return read(body).transcript;
}

/** The script a block runs: its body, without the `$ ` prompts when every command has one. */
export function runnableScript(body: string): string {
  const { prompted, transcript } = read(body);
  if (!prompted || transcript) return body;
  let continued = false;
  return body
    .split('\n')
    .map((line) => {
      const continuation = continued;
      continued = /\\\r?$/.test(line);
      return continuation ? line : line.replace(PROMPT, '');
    })
    .join('\n');
}
