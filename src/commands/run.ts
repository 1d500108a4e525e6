import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Document } from '../document/document.js';
import { readState } from '../executor/state.js';
import { EXIT, UserError } from '../errors.js';
import { println, type Io } from '../io.js';
import { formatSeconds, type Block } from '../parser/index.js';
import { parseDuration } from '../session/duration.js';
import { resolvedCode, usedVariables } from '../session/display.js';
import { journalPath, readJournal, statePath } from '../session/journal.js';
import { Player, type BlockRecord } from '../session/player.js';
import { junitXml, type RunReport } from '../session/reports.js';
import { requireBash, setup, stopOnHangup } from './setup.js';

declare const __VERSION__: string;

export interface RunOptions {
  yes?: boolean;
  keepGoing?: boolean;
  only?: string[];
  from?: string;
  dryRun?: boolean;
  report?: string;
  junit?: string;
  timeout?: string;
  set?: string[];
  confirm?: string[];
  resume?: boolean;
}

/** Finds blocks by name, 1-based index or opening line. */
function pick(blocks: Block[], key: string, what: string): Block {
  const found = blocks.find((b) => b.name === key) ?? (/^\d+$/.test(key) ? blocks.find((b) => b.index + 1 === Number(key)) : undefined);
  if (!found) throw new UserError(`${what} ${key}: no runnable block has that name or number (\`runbook list\` shows them)`);
  return found;
}

/** `runbook run FILE`: runs the runnable blocks in order, headless, for CI and scripts. */
export async function runCommand(file: string, options: RunOptions, io: Io): Promise<number> {
  const defaultTimeout = options.timeout ? duration(options.timeout, '--timeout') : null;
  const doc = Document.open(file, options.dryRun ? {} : { lock: 'runbook run' });
  let player: Player | null = null;
  try {
    const model = doc.model;
    const runnable = model.blocks.filter((b) => b.runnable);
    let selected = runnable;
    if (options.only?.length) {
      const keys = options.only.flatMap((k) => k.split(','));
      const chosen = new Set(keys.map((k) => pick(runnable, k, '--only').index));
      selected = runnable.filter((b) => chosen.has(b.index));
    }
    if (options.from) {
      const from = pick(runnable, options.from, '--from');
      selected = selected.filter((b) => b.index >= from.index);
    }
    let restore = undefined;
    let resumeOf: string | null = null;
    if (options.resume) {
      const resumed = resumePoint(file, doc, selected);
      selected = resumed.rest;
      resumeOf = resumed.session;
      restore = readState(statePath(file)) ?? undefined;
      println(io.stdout, `resuming ${resumed.session}: ${resumed.done} block(s) already done, ${selected.length} to go`);
    }
    for (const block of selected) {
      const timeout = block.options.values.timeout;
      if (typeof timeout === 'string') duration(timeout, `${file}:${block.line}: timeout=`);
    }
    // A block in a shell this machine does not have is skipped, with the reason, not run in another.
    const noInterpreter = new Map<number, string>();
    const hasZsh = !spawnSync('zsh', ['-c', 'true']).error;
    for (const block of selected) if (block.lang === 'zsh' && !hasZsh) noInterpreter.set(block.index, 'zsh is not installed');
    const { resolved, secrets, env, operator, show } = setup(model, io, options.set ?? [], new Set(selected.map((b) => b.index)));
    if (resolved.missing.length && !options.dryRun) {
      const list = resolved.missing.map((m) => `${m.name} (line ${m.lines.join(', ')})`).join(', ');
      throw new UserError(`${file}: no value for ${list}; give one with --set NAME=VALUE, the environment, front matter or a knob table`);
    }
    if (options.dryRun) {
      for (const block of selected) printPlan(io, block, resolved.values, show, defaultTimeout);
      if (resolved.missing.length) println(io.stdout, `\nno value yet for: ${resolved.missing.map((m) => m.name).join(', ')}`);
      return EXIT.ok;
    }
    const confirmations = new Set(options.confirm ?? []);
    for (const block of selected) {
      const word = block.options.values.confirm;
      if (typeof word === 'string' && !confirmations.has(word)) {
        throw new UserError(`${file}:${block.line}: block ${block.name ?? block.index + 1} asks to confirm "${word}"; pass --confirm ${word} to run it unattended`);
      }
    }
    if (!options.yes) {
      if (!io.stdin.isTTY) {
        throw new UserError(`refusing to run ${selected.length} block(s) of ${file} without a terminal to confirm; pass --yes to run unattended`);
      }
      const rl = createInterface({ input: io.stdin, output: io.stdout });
      const answer = await rl.question(`Run ${selected.length} block(s) of ${file}? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        println(io.stdout, 'nothing run');
        return EXIT.ok;
      }
    }
    requireBash();
    player = await Player.open(doc, { env, secrets, operator, version: __VERSION__, timeoutMs: defaultTimeout, restore, onStray: (stream, text) => (stream === 'stdout' ? io.stdout : io.stderr).write(text) }, resumeOf);
    player.journal.append('variables', { names: Object.keys(resolved.values), sources: resolved.sources });
    const startedAt = new Date().toISOString();
    const records: BlockRecord[] = [];
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) {
        player?.journal.append('abort', { reason: 'second interrupt' });
        process.exit(EXIT.failure);
      }
      interrupted = true;
      io.stderr.write('\nrunbook: stopping the running block (Ctrl-C again to quit at once)\n');
      player?.cancel();
    };
    process.on('SIGINT', onSigint);
    const open = player;
    const release = stopOnHangup((signal) => open.abort(`${signal}: the tool was stopped`));
    try {
      for (const [n, block] of selected.entries()) {
        if (interrupted) break;
        println(io.stdout, `▶ ${block.name ?? `block ${block.index + 1}`} — line ${block.line} (${n + 1}/${selected.length})`);
        const why = noInterpreter.get(block.index);
        if (why) {
          player.skip(block.index, why);
          println(io.stdout, `↷ skipped: ${why}`);
          continue;
        }
        const record = await player.runBlock(block.index, (event) => {
          if (event.type === 'output') (event.stream === 'stdout' ? io.stdout : io.stderr).write(event.text);
        });
        records.push(record);
        println(io.stdout, summary(record));
        if (record.outcome !== 'passed' && !options.keepGoing) break;
      }
    } finally {
      process.off('SIGINT', onSigint);
      release();
    }
    const failed = records.filter((r) => r.outcome !== 'passed');
    const outcome = interrupted ? 'canceled' : failed.length ? 'failed' : 'passed';
    if (interrupted) player.journal.append('abort', { reason: 'interrupted by the operator' });
    await player.close(outcome, { ran: records.length, failed: failed.length });
    player = null;
    const notRun = selected.filter((b) => !records.some((r) => r.index === b.index));
    const reasonOf = (b: Block) => noInterpreter.get(b.index) ?? 'not run: an earlier block failed or the run was stopped';
    if (options.report) writeReport(options.report, { file, startedAt, finishedAt: new Date().toISOString(), operator, outcome, blocks: [...records.map(({ tail: _tail, ...rest }) => rest)] });
    if (options.junit) {
      writeFileSync(options.junit, junitXml(file, records, notRun.map((b) => ({ index: b.index, name: b.name, line: b.line, reason: reasonOf(b) }))));
    }
    println(io.stdout, `\n${records.length - failed.length} passed, ${failed.length} failed${notRun.length ? `, ${notRun.length} not run` : ''} — ${file}`);
    return outcome === 'passed' ? EXIT.ok : EXIT.failure;
  } finally {
    if (player) await player.close('error');
    else doc.close();
  }
}

function duration(text: string, what: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UserError(`${what}: ${(error as Error).message}`);
  }
}

function summary(record: BlockRecord): string {
  const mark = record.outcome === 'passed' ? '✔' : '✘';
  const exit = record.outcome === 'passed' ? '' : record.exitCode !== null ? ` (exit ${record.exitCode})` : record.signal ? ` (${record.signal})` : '';
  const changed = `${record.recoveredMs !== null ? ` · recovered in ${formatSeconds(record.recoveredMs)}` : ''}${record.changedVars.length ? ` · set ${record.changedVars.join(', ')}` : ''}`;
  const reason = record.reason ? ` · ${record.reason}` : '';
  return `${mark} ${record.outcome}${exit} in ${formatSeconds(record.durationMs)}${changed} · cwd ${record.cwd}${reason}`;
}

function printPlan(io: Io, block: Block, values: Record<string, string>, show: (name: string, value: string) => string, defaultTimeout: number | null): void {
  const timeout = block.options.values.timeout ?? (defaultTimeout === null ? null : `${defaultTimeout / 1000}s`);
  const bits = [`block ${block.index + 1}`, block.name, `line ${block.line}`, block.lang, timeout ? `timeout ${timeout}` : null, typeof block.options.values.confirm === 'string' ? `confirm "${block.options.values.confirm}"` : null].filter(Boolean);
  println(io.stdout, `── ${bits.join(' · ')}`);
  const used = usedVariables(block, values, show);
  if (used.length) println(io.stdout, `   with ${used.join('  ')}`);
  for (const line of resolvedCode(block, values, show).split('\n')) println(io.stdout, `   ${line}`);
}

function writeReport(path: string, report: RunReport): void {
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** Where a resumed run picks up: after the last block the journal's latest session completed. */
function resumePoint(file: string, doc: Document, selected: Block[]): { rest: Block[]; session: string; done: number } {
  const path = journalPath(file);
  if (!existsSync(path)) throw new UserError(`${file}: no journal to resume from (${path} does not exist)`);
  const events = readJournal(path);
  const starts = events.filter((e) => e.type === 'session-start');
  const last = starts[starts.length - 1];
  if (!last) throw new UserError(`${path}: the journal holds no session`);
  if (resolve(dirname(String(last.document)), basename(String(last.document))) !== resolve(file) && basename(String(last.document)) !== basename(file)) {
    throw new UserError(`${path} is the journal of ${String(last.document)}, not of ${file}`);
  }
  // A resumed session continues the chain of sessions it resumed.
  const resumed = new Map(starts.map((e) => [e.session, e.resumeOf ? String(e.resumeOf) : null]));
  const chain = new Set<string>();
  for (let id: string | null | undefined = last.session; id && !chain.has(id); id = resumed.get(id)) chain.add(id);
  const passed = events.filter((e) => chain.has(e.session) && e.type === 'block-end' && e.outcome === 'passed');
  const lastPassed = passed[passed.length - 1];
  if (!lastPassed) return { rest: selected, session: last.session, done: 0 };
  const index = Number(lastPassed.block);
  const block = doc.model.blocks[index];
  if (!block || (lastPassed.name && block.name !== lastPassed.name)) {
    throw new UserError(`${file} changed since the journal was written: block ${index + 1} is no longer "${String(lastPassed.name)}"; run without --resume`);
  }
  return { rest: selected.filter((b) => b.index > index), session: last.session, done: passed.length };
}
