import { createInterface } from 'node:readline/promises';
import { EXIT, UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import { redact } from '../executor/redact.js';
import { Session } from '../session/engine.js';
import { prepare } from '../session/prepare.js';
import { operatorName } from '../session/template.js';
import { finishRun, printPlan, textReporter } from './run-output.js';

declare const __VERSION__: string;

export interface RunOptions {
  yes?: boolean;
  keepGoing?: boolean;
  onFailure?: string;
  only?: string[];
  from?: string;
  dryRun?: boolean;
  report?: string;
  junit?: string;
  timeout?: string;
  set?: string[];
  confirm?: string[];
  resume?: boolean;
  cwd?: string;
  inventory?: string;
  sshConfig?: string;
  hosts?: string[];
  timeline?: boolean;
}

/** `runbook run FILE`: runs the runnable blocks and scenario rows in order, headless, for CI and scripts. */
export async function runCommand(file: string, options: RunOptions, io: Io): Promise<number> {
  const outputs = [options.report && { flag: '--report', path: options.report }, options.junit && { flag: '--junit', path: options.junit }].filter((o) => !!o);
  const onFailure = options.onFailure ?? (options.keepGoing ? 'continue' : undefined);
  const prepared = prepare({ file, mode: 'run', env: io.env, cwd: io.cwd, sets: options.set, timeout: options.timeout, startIn: options.cwd, only: options.only, from: options.from, confirm: options.confirm, outputs, onFailure, resume: options.resume, timeline: options.timeline, inventory: options.inventory, sshConfig: options.sshConfig, hosts: options.hosts }, { dryRun: options.dryRun });
  for (const note of prepared.inventory?.notes ?? []) println(io.stderr, `runbook: note: ${note}`);
  for (const warning of prepared.warnings) println(io.stderr, `runbook: warning: ${warning}`);
  if (options.dryRun) {
    printPlan(io, prepared, (text) => redact(text, prepared.secrets));
    prepared.doc.close();
    // Exit as the run would: 2 when something listed stops it.
    return prepared.notes.length ? EXIT.usage : EXIT.ok;
  }
  if (!options.yes && !(await confirmed(io, file, prepared.steps.length))) {
    prepared.doc.close();
    println(io.stdout, 'nothing run');
    return EXIT.ok;
  }
  const session = await Session.start(prepared, { command: 'run', operator: () => operatorName(io.env, io.cwd), version: __VERSION__, resume: !!options.resume, env: io.env, onStray: (stream, text) => (stream === 'stdout' ? io.stdout : io.stderr).write(text) });
  // Said once the lock is held: a run the lock refuses starts nothing over.
  const last = prepared.unfinished;
  if (last && !options.resume) println(io.stderr, `runbook: note: the last session (${last.id}, ${last.ended ?? 'never ended'}, ${last.done} step(s) done) did not finish; this run starts over — \`runbook run ${file} --resume\` continues it instead`);
  if (session.resumedFrom) println(io.stdout, `resuming ${session.resumedFrom.session}: ${session.resumedFrom.done} step(s) already done, ${session.steps.length} to go`);
  let interrupts = 0;
  const stop = io.onSignal?.((signal) => {
    if (signal !== 'SIGINT') return session.player.abort(`${signal}: the tool was stopped`);
    // A second Ctrl-C quits without waiting for the plan: the step is stopped and recorded, the
    // session closed, then the tool ends.
    if (++interrupts > 1) {
      io.stderr.write('\nrunbook: quitting: the step is stopped and recorded\n');
      return session.player.abort('interrupted twice by the operator');
    }
    io.stderr.write('\nrunbook: stopping the running step (Ctrl-C again to quit at once)\n');
    session.interrupt();
  });
  const startedAt = new Date().toISOString();
  const reporter = textReporter(io, file, { main: session.steps.length, rollback: prepared.rollback.length });
  try {
    for (const step of session.plan()) {
      reporter.start(step);
      reporter.end(await session.run(step, reporter.output));
    }
  } finally {
    stop?.();
    await session.end();
  }
  finishRun(io, session, { report: options.report, junit: options.junit, startedAt });
  return session.exitCode();
}

async function confirmed(io: Io, file: string, steps: number): Promise<boolean> {
  if (!io.stdin.isTTY) {
    throw new UserError(`refusing to run ${steps} step(s) of ${file} without a terminal to confirm; pass --yes to run unattended`);
  }
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  const answer = await rl.question(`Run ${steps} step(s) of ${file}? [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
