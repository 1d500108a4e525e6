import { createInterface } from 'node:readline/promises';
import { UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import type { SessionProcess } from '../executor/types.js';
import { Session } from '../session/engine.js';
import { prepare, type Prepared } from '../session/prepare.js';
import { withheldSecrets } from '../session/resume.js';
import { scenarioTable } from '../session/reports.js';
import { buildSteps } from '../session/steps.js';
import { operatorName } from '../session/template.js';
import { sessionController } from '../tui/controller.js';
import { loadScreen } from '../tui/load.js';
import { askSecret } from '../tui/prompt.js';
import { initialState } from '../tui/state.js';
import { createSession } from './new.js';

declare const __VERSION__: string;

export interface PlayOptions {
  new?: boolean;
  set?: string[];
  timeout?: string;
  cwd?: string;
}

/** `runbook play FILE`: step an operator through a runbook in the terminal. */
export async function playCommand(file: string, options: PlayOptions, io: Io): Promise<number> {
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new UserError(`play needs a terminal; for scripts and CI use \`runbook run ${file} --yes\``);
  }
  const path = options.new ? await createSession(file, undefined, io) : file;
  if (options.new) println(io.stdout, `${path}: new session doc from ${file}`);
  const prepared = prepare({ file: path, mode: 'play', env: io.env, cwd: io.cwd, sets: options.set, timeout: options.timeout, startIn: options.cwd });
  const resume = await askResume(io, prepared);
  // A secret is never saved with the shell's state: a resume asks for it again.
  if (resume) for (const name of withheldSecrets(prepared.file, prepared.env)) prepared.missing.push({ name, lines: [], secret: true });
  await askMissing(io, prepared);
  const session = await Session.start(prepared, { command: 'play', operator: () => operatorName(io.env, io.cwd), version: __VERSION__, resume });
  const stop = io.onSignal?.((signal) => session.player.abort(`${signal}: the terminal closed or the tool was stopped`));
  try {
    const steps = buildSteps(prepared.doc.model);
    const { mountApp } = await loadScreen();
    await mountApp(sessionController(session, io), initialState(steps, session.player.shell.cwd, session.resumedFrom ? `resumed: ${session.resumedFrom.done} step(s) done before` : null));
  } finally {
    stop?.();
  }
  const scenarios = session.reports().flatMap((r) => (r.scenario ? [r.scenario] : []));
  // The screen is gone: the summary stays in the terminal.
  if (scenarios.length) println(io.stdout, `\n${scenarioTable(scenarios)}\n`);
  await session.end({ processes: await askProcesses(io, session.running()) });
  return session.exitCode();
}

/** Lists the processes the session started that still run, and asks whether to stop them or leave them running. */
async function askProcesses(io: Io, running: SessionProcess[]): Promise<'stop' | 'leave'> {
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
async function askResume(io: Io, prepared: Prepared): Promise<boolean> {
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
async function askMissing(io: Io, prepared: Prepared): Promise<void> {
  for (const missing of prepared.missing) {
    const where = missing.lines.length ? `used on line ${[...new Set(missing.lines)].join(', ')}` : 'secret, not saved by the last session';
    const question = `${missing.name} (${where}): `;
    const value = missing.secret ? await askSecret(question, io.stdin as NodeJS.ReadStream, io.stdout) : await ask(io, question);
    prepared.variables.values[missing.name] = value;
    prepared.env[missing.name] = value;
    prepared.variables.sources[missing.name] = 'prompt';
    if (missing.secret && value) prepared.secrets.push(value);
  }
}
