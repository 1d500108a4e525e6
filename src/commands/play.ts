import { UserError } from '../errors.js';
import { serveWatch } from '../report/serve.js';
import { println, type Io } from '../io.js';
import { Session } from '../session/engine.js';
import { prepare } from '../session/prepare.js';
import { withheldSecrets } from '../session/resume.js';
import { scenarioTable } from '../session/reports.js';
import { buildSteps } from '../session/steps.js';
import { operatorName } from '../session/template.js';
import { sessionController } from '../tui/controller.js';
import { loadScreen } from '../tui/load.js';
import { askMissing, askProcesses, askResume } from '../tui/questions.js';
import { initialState } from '../tui/state.js';
import { createSession } from './new.js';

declare const __VERSION__: string;

export interface PlayOptions {
  new?: boolean;
  set?: string[];
  timeout?: string;
  cwd?: string;
  inventory?: string;
  sshConfig?: string;
  hosts?: string[];
  timeline?: boolean;
  watch?: boolean;
}

/** `runbook play FILE`: step an operator through a runbook in the terminal. */
export async function playCommand(file: string, options: PlayOptions, io: Io): Promise<number> {
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new UserError(`play needs a terminal; for scripts and CI use \`runbook run ${file} --yes\``);
  }
  const path = options.new ? await createSession(file, undefined, io) : file;
  if (options.new) println(io.stdout, `${path}: new session doc from ${file}`);
  const prepared = prepare({ file: path, mode: 'play', env: io.env, cwd: io.cwd, sets: options.set, timeout: options.timeout, startIn: options.cwd, timeline: options.timeline, inventory: options.inventory, sshConfig: options.sshConfig, hosts: options.hosts });
  for (const note of prepared.inventory?.notes ?? []) println(io.stderr, `runbook: note: ${note}`);
  const resume = await askResume(io, prepared);
  // A secret is never saved with the shell's state: a resume asks for it again.
  if (resume) for (const name of withheldSecrets(prepared.file, prepared.env)) prepared.missing.push({ name, lines: [], secret: true });
  await askMissing(io, prepared);
  const session = await Session.start(prepared, { command: 'play', operator: () => operatorName(io.env, io.cwd), version: __VERSION__, resume, env: io.env });
  const watch = options.watch ? await serveWatch(path, { host: '127.0.0.1', env: io.env }) : null;
  if (watch) println(io.stdout, `live page for observers (read-only): ${watch.url}`);
  // Listened for until the session has ended: the terminal may close while the operator is
  // asked what to do with the processes left running.
  const stop = io.onSignal?.((signal) => session.player.abort(`${signal}: the terminal closed or the tool was stopped`));
  try {
    const steps = buildSteps(prepared.doc.model);
    const { mountApp } = await loadScreen();
    await mountApp(sessionController(session, io), initialState(steps, session.player.shell.cwd, session.resumedFrom ? `resumed: ${session.resumedFrom.done} step(s) done before` : null));
    const scenarios = session.reports().flatMap((r) => (r.scenario ? [r.scenario] : []));
    // The screen is gone: the summary stays in the terminal.
    if (scenarios.length) println(io.stdout, `\n${scenarioTable(scenarios)}\n`);
    await session.end({ processes: await askProcesses(io, session.running()) });
  } finally {
    stop?.();
  }
  await watch?.close();
  return session.exitCode();
}
