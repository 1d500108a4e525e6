import { createInterface } from 'node:readline/promises';
import { println, type Io } from '../io.js';
import type { SessionProcess } from '../session/engine.js';
import { giveValue, type Prepared } from '../session/prepare.js';
import { askSecret } from './prompt.js';

// The questions `play` asks in the terminal before its screen opens and after it closes. What
// the answers mean is the session's to decide; these only ask.

/** Lists the processes the session started that still run, and asks whether to stop them or leave them running. */
export async function askProcesses(io: Io, running: SessionProcess[]): Promise<'stop' | 'leave'> {
  if (!running.length) return 'stop';
  println(io.stdout, `Still running, started by this session:\n${running.map((p) => `  ${p.pid}  ${p.command}`).join('\n')}`);
  const answer = await ask(io, 'Stop them, or leave them running for a later resume? [S/l] ');
  return /^l/i.test(answer.trim()) ? 'leave' : 'stop';
}

/** Asks one question with a line editor that echoes; never for a secret (see askSecret). */
async function ask(io: Io, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** Offers to resume the document's last session when it did not finish. */
export async function askResume(io: Io, prepared: Prepared): Promise<boolean> {
  const last = prepared.unfinished;
  if (!last || last.done === 0) return false;
  const alive = last.left.filter((p) => p.alive);
  const stillRunning = alive.length ? `; still running from it: ${alive.map((p) => `${p.pid} ${p.command}`).join(', ')}` : '';
  const restores = last.hasState ? 'its variables and folder restored' : 'no saved shell state';
  const answer = await ask(io, `The last session of ${prepared.file} (${last.startedAt}${last.operator ? `, ${last.operator}` : ''}) ended ${last.ended ?? 'without closing'} after ${last.done} step(s)${stillRunning}.\nResume it (${restores}) or start over? [R/s] `);
  return !/^s/i.test(answer.trim());
}

/**
 * Asks for the values no source gives, before the screen takes over the terminal. A secret is
 * read without echo, so it never reaches the screen or its scrollback.
 */
export async function askMissing(io: Io, prepared: Prepared): Promise<void> {
  for (const missing of prepared.missing) {
    const where = missing.lines.length ? `used on line ${[...new Set(missing.lines)].join(', ')}` : 'secret, not saved by the last session';
    const question = `${missing.name} (${where}): `;
    const value = missing.secret ? await askSecret(question, io.stdin as NodeJS.ReadStream, io.stdout) : await ask(io, question);
    giveValue(prepared, missing.name, value, missing.secret);
  }
}
