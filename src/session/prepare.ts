import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { Document } from '../document/document.js';
import { UserError } from '../errors.js';
import { MASK } from '../executor/redact.js';
import { onPath } from '../executor/which.js';
import { blockProblems, durationMs, evidenceCap, FENCE_OPEN_TO_END, INLINE_RULE, findPlaceholders, SHELLS, notADuration, type Block, type Runbook } from '../parser/index.js';
import { loadInventory, resolveTarget, type HostEntry, type Inventory } from './inventory.js';
import { scenarioPolling } from './poll.js';
import { lastSession, withheldSecrets, type LastSession } from './resume.js';
import { rollbackHeading, runSteps, type RunStep } from './steps.js';
import { parseSets, resolveVariables, scenarioMissing, secretValues, type ResolvedVariables } from './variables.js';
import { startDir } from './workdir.js';

/** What a command asks of a session before it starts. */
export interface SessionRequest {
  file: string;
  /** `run` refuses what it cannot ask about; `play` asks the operator for missing values. */
  mode: 'run' | 'play';
  env: NodeJS.ProcessEnv;
  /** Where the tool was started: `--cwd` and output paths are relative to it. */
  cwd: string;
  sets?: string[];
  timeout?: string;
  startIn?: string;
  only?: string[];
  from?: string;
  /** Words given for blocks marked `confirm=WORD` (`run` only; `play` asks). */
  confirm?: string[];
  /** Files the session writes when it ends (`--report`, `--junit`): their folders must exist. */
  outputs?: Array<{ flag: string; path: string }>;
  onFailure?: string;
  /** Continue the last session (`run --resume`): its withheld secrets must be given again. */
  resume?: boolean;
  /** `--inventory FILE`: an Ansible YAML inventory. */
  inventory?: string;
  /** `--ssh-config FILE`: the ssh config connections read. */
  sshConfig?: string;
  /** `--hosts GROUP=a,b`: a group's members, in place of the inventory's. */
  hosts?: string[];
  /** `false` (`--no-timeline`): no timeline written into the document when the session ends. */
  timeline?: boolean;
}

/** Something that stops a session from starting, with its line when it has one. */
export interface Problem {
  /** The document line, or null for a problem with the whole document; `tool` for one with a flag or this machine. */
  line: number | null | 'tool';
  message: string;
  /** `plan`: also a problem for a dry run; `run`: only once something would run (a dry run lists it). */
  stops: 'plan' | 'run';
}

/** What to do after a failing step: stop there, run the rollback path, or go on. */
export type FailurePolicy = 'stop' | 'rollback' | 'continue';

/** Everything a session needs, checked: nothing has run, no lock or journal says it started. */
export interface Prepared {
  file: string;
  doc: Document;
  /** The steps to run, in order, on the main path (or as chosen by `--only`/`--from`). */
  steps: RunStep[];
  /** The rollback path, in document order: run only after a failure, when asked. */
  rollback: RunStep[];
  timeoutMs: number | null;
  startIn: string;
  variables: ResolvedVariables;
  /** Values to mask wherever the tool writes. */
  secrets: string[];
  /** The shell's environment: the process environment plus the runbook's variables. */
  env: Record<string, string>;
  /** Variables no source gives: `play` asks for them before its screen opens. */
  missing: Array<{ name: string; lines: number[]; secret: boolean }>;
  /** Blocks that will be skipped and why (a shell this machine does not have). */
  skips: Map<number, string>;
  onFailure: FailurePolicy;
  /** Problems a dry run reports without refusing. */
  notes: Problem[];
  /** Where the document is read otherwise than GitHub shows it (inline markup past its limits), as `file:line:column: message`: told, never stopping. */
  warnings: string[];
  /** The document's last session, when it did not finish. */
  unfinished: LastSession | null;
  /** Set when there is nothing to run (a dry run says so and ends). */
  nothing: string | null;
  /** The hosts and groups blocks may name, and the ssh config to reach them. */
  inventory: Inventory | null;
  /** The hosts each block on other hosts runs on, by block index, in inventory order. */
  targets: Map<number, HostEntry[]>;
  /** Write the session's timeline into the document when it ends: not with `--no-timeline` or `timeline: false` in front matter. */
  timeline: boolean;
}

/** Gives a variable the value the operator typed at a prompt; a secret one is masked from then on. */
export function giveValue(prepared: Prepared, name: string, value: string, secret: boolean): void {
  prepared.variables.values[name] = value;
  prepared.env[name] = value;
  prepared.variables.sources[name] = 'prompt';
  if (secret && value) prepared.secrets.push(value);
}

/** A variable's value as it may be shown: masked when secret. */
export function shown(prepared: Pick<Prepared, 'variables'>, name: string, value: string): string {
  return prepared.variables.secretNames.has(name) ? MASK : value;
}

/**
 * Opens a document and checks everything a session needs before anything runs — flags, every
 * block option, variables, placeholders, fences, interpreters, the start folder, scenario
 * polling, confirmations and output paths — and reports every problem at once (exit 2). The
 * document is returned unlocked: the session takes the lock when it starts.
 */
export function prepare(request: SessionRequest, options: { dryRun?: boolean } = {}): Prepared {
  const { file } = request;
  const doc = Document.open(file);
  try {
    return check(doc, request, options.dryRun ?? false);
  } catch (error) {
    doc.close();
    throw error;
  }
}

function check(doc: Document, request: SessionRequest, dryRun: boolean): Prepared {
  const { file } = request;
  const model = doc.model;
  const problems: Problem[] = [];
  const plan = (line: Problem['line'], message: string) => problems.push({ line, message, stops: 'plan' });
  const before = (line: Problem['line'], message: string) => problems.push({ line, message, stops: 'run' });

  const all = runSteps(model);
  const nothing = request.mode === 'run' && all.length === 0 ? nothingToRun(file, model) : null;
  if (nothing && !dryRun) throw new UserError(`${nothing}; \`runbook play\` steps through its tasks`);
  const flag = (message: string) => plan('tool', message);
  const timeoutMs = request.timeout === undefined ? null : flagDuration(request.timeout, '--timeout', flag);
  const onFailure = failurePolicy(request.onFailure, flag);
  try {
    evidenceCap(request.env);
  } catch (error) {
    flag((error as Error).message);
  }
  let startIn = dirname(resolve(file));
  try {
    startIn = startDir(file, model.frontMatter?.data ?? {}, request.startIn === undefined ? null : { dir: request.startIn, base: request.cwd }).dir;
  } catch (error) {
    if (request.startIn === undefined) plan(null, (error as Error).message);
    else flag((error as Error).message);
  }
  let sets: Record<string, string> = {};
  try {
    sets = parseSets(request.sets ?? []);
  } catch (error) {
    flag((error as Error).message);
  }

  const timelineKey = model.frontMatter?.data.timeline;
  if (timelineKey !== undefined && typeof timelineKey !== 'boolean') plan(null, `front matter \`timeline: ${String(timelineKey)}\` must be true or false (false: no timeline is written at the end of a session)`);
  const { steps, rollback } = choose(all, request, flag);
  // Everything on the rollback path and nothing else: a run would pass having run nothing.
  if (request.mode === 'run' && !steps.length && rollback.length && !request.only?.length && !request.from) {
    plan(null, `every step is on the rollback path, which runs only after a failure (${rollbackWhy(model, rollback)}); run one with --only NAME, or give the main steps a section of their own`);
  }
  const blocks = steps.concat(rollback).flatMap((s) => (s.kind === 'block' ? [s.block] : []));
  // Option values were read once by the parser; one it could not read, or one runbook cannot do
  // (`host=`: a block for another machine must never run on this one), stops the session.
  for (const block of blocks) for (const problem of blockProblems(model, block)) if (problem.severity === 'error') plan(block.line, problem.message);
  for (const block of blocks.filter((b) => b.closeSpan === null)) {
    const toEnd = model.problems.some((p) => p.line === block.line && p.message === FENCE_OPEN_TO_END);
    before(block.line, toEnd ? 'this code fence is never closed, so the block would run everything after it; close it (```) and run again' : 'this code fence is never closed (the end of its list item or block quote ends it), so its result would have no closing fence to follow; close it (```) and run again');
  }
  const { inventory, targets } = hostTargets(file, model, request, blocks, plan);
  const scenarios = steps.concat(rollback).flatMap((s) => (s.kind === 'scenario' ? [s.scenario] : []));
  if (scenarios.length) {
    try {
      scenarioPolling(model.frontMatter?.data ?? {});
    } catch (error) {
      plan(null, (error as Error).message);
    }
  }

  const variables = resolveVariables(model, request.env, sets, new Set(blocks.map((b) => b.index)), new Set(targets.keys()));
  const missing = [...variables.missing];
  for (const m of scenarioMissing(model, scenarios, variables.values, request.env)) if (!missing.some((b) => b.name === m.name)) missing.push(m);
  // `play` asks for missing values and confirm words, and shows placeholders; `run` cannot.
  if (request.mode === 'run') unattendedProblems(blocks, missing, request.confirm ?? [], before);
  if (request.mode === 'run' && request.resume) {
    for (const name of withheldSecrets(file, { ...request.env, ...variables.values })) {
      before(null, `${name} is secret, so the last session did not save it; give it again with --set ${name}=VALUE or the environment to resume`);
    }
  }
  for (const output of request.outputs ?? []) {
    const problem = outputProblem(request.cwd, output.path, output.flag, doc.path);
    if (problem) flag(problem);
  }
  if (!dryRun && blocks.some((b) => b.lang !== 'zsh') && !onPath('bash', request.env.PATH)) flag('bash is not on PATH; runbook runs shell blocks with bash');

  // A dry run prints the plan with what stops it from running below; one that cannot even be
  // planned says everything at once, as the run would.
  if (problems.some((p) => p.stops === 'plan' || !dryRun)) throw new UserError(describeProblems(file, problems));

  const skips = new Map<number, string>();
  const hasZsh = blocks.some((b) => b.lang === 'zsh') && onPath('zsh', request.env.PATH);
  for (const block of blocks) if (block.lang === 'zsh' && !hasZsh) skips.set(block.index, 'zsh is not installed');
  const secrets = secretValues(variables, request.env);
  const env = Object.fromEntries(Object.entries({ ...request.env, ...variables.values }).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    file,
    doc,
    steps,
    rollback,
    timeoutMs,
    startIn,
    variables,
    secrets,
    env,
    missing: missing.map((m) => ({ ...m, secret: variables.secretNames.has(m.name) })),
    skips,
    onFailure,
    notes: problems,
    warnings: [
      ...model.problems.filter((p) => p.ruleId === INLINE_RULE).map((p) => `${file}:${p.line}:${p.column}: ${p.message} (${p.ruleId})`),
      // A shell block that is not run though nothing marks it so: said, never passed over in silence.
      ...model.blocks.filter((b) => SHELLS.has(b.lang.toLowerCase()) && !b.runnable && !b.skip).map((b) => `${file}:${b.line}: not run: ${b.skipReason}`),
    ],
    unfinished: lastSession(file),
    nothing,
    inventory,
    targets,
    timeline: request.timeline !== false && timelineKey !== false,
  };
}

/**
 * Reads the inventory when a block names another host, and resolves each such block's hosts; a
 * name the inventory does not define stops the session at the block's line.
 */
function hostTargets(file: string, model: Runbook, request: SessionRequest, blocks: Block[], problem: (line: number | null | 'tool', message: string) => void): Pick<Prepared, 'inventory' | 'targets'> {
  const targets = new Map<number, HostEntry[]>();
  const remote = blocks.filter((b) => b.target !== null);
  // Hosts given on the command line are read even when no block runs elsewhere: a mistyped
  // `--hosts web` is said before anything runs, not when a block first names a host.
  const given = Boolean(request.hosts?.length) || request.inventory !== undefined || request.sshConfig !== undefined;
  if (!remote.length && !given) return { inventory: null, targets };
  let inventory: Inventory;
  try {
    inventory = loadInventory(file, model.frontMatter?.data ?? {}, { inventory: request.inventory, sshConfig: request.sshConfig, hosts: request.hosts, cwd: request.cwd, home: request.env.HOME });
  } catch (error) {
    problem('tool', (error as Error).message);
    return { inventory: null, targets };
  }
  if (!remote.length) return { inventory: null, targets };
  for (const block of remote) {
    const resolved = resolveTarget(inventory, block.target!);
    if ('error' in resolved) problem(block.line, resolved.error);
    else targets.set(block.index, resolved.hosts);
  }
  return { inventory, targets };
}

/** What stops a session no one attends: a variable no source gives, a placeholder, a confirm word not given. */
function unattendedProblems(blocks: Block[], missing: ResolvedVariables['missing'], confirm: string[], problem: (line: number | null, message: string) => void): void {
  for (const m of missing) problem(m.lines[0] ?? null, `no value for ${m.name}${m.lines.length > 1 ? ` (also used on line ${m.lines.slice(1).join(', ')})` : ''}; give one with --set ${m.name}=VALUE, the environment, front matter or a knob table`);
  for (const block of blocks) {
    for (const p of findPlaceholders(block.body).filter((p) => p.bare)) {
      problem(block.line + 1 + p.line, `${p.text} is a placeholder to replace by hand before the block can run; write it as a variable (\`runbook check\` suggests a name) and give a value with --set`);
    }
  }
  const words = new Set(confirm.flatMap((w) => w.split(',')));
  for (const block of blocks) {
    if (block.confirm !== null && !words.has(block.confirm)) problem(block.line, `block ${block.name ?? block.index + 1} asks to confirm "${block.confirm}"; pass --confirm ${block.confirm} to run it unattended`);
  }
}

/** Problems listed one per line, each with the file and its line: `db.md:12: timeout=abc is not a duration`. */
export function describeProblems(file: string, problems: Problem[]): string {
  const lines = problemLines(file, problems);
  const tail = 'nothing was run';
  return lines.length === 1 ? `${lines[0]}; ${tail}` : `${lines.length} problems stop this session (${tail}):\n  ${lines.join('\n  ')}`;
}

/** Each problem as `file:line: message`, in line order. */
export function problemLines(file: string, problems: Problem[]): string[] {
  const order = (p: Problem) => (p.line === 'tool' ? -1 : (p.line ?? 0));
  const sorted = [...problems].sort((a, b) => order(a) - order(b));
  return sorted.map((p) => (p.line === 'tool' ? p.message : `${file}${p.line === null ? '' : `:${p.line}`}: ${p.message}`));
}

function flagDuration(text: string, flag: string, problem: (message: string) => void): number | null {
  const ms = durationMs(text);
  if (ms === null || ms <= 0) problem(`${flag} ${notADuration(text)}`);
  return ms;
}

function failurePolicy(text: string | undefined, problem: (message: string) => void): FailurePolicy {
  if (text === undefined || text === 'stop') return 'stop';
  if (text === 'rollback' || text === 'continue') return text;
  problem(`--on-failure ${text}: say stop, rollback or continue`);
  return 'stop';
}

/** The steps a request asks for, and the rollback path apart. */
function choose(all: RunStep[], request: SessionRequest, problem: (message: string) => void): { steps: RunStep[]; rollback: RunStep[] } {
  const rollback = all.filter((s) => s.rollback);
  let steps = all.filter((s) => !s.rollback);
  const find = (key: string, flag: string) => {
    const found = pick(all, key);
    if (!found) problem(`${flag} ${key}: no runnable block or scenario has that name or number (\`runbook list\` shows them)`);
    return found;
  };
  if (request.only?.length) {
    // Named steps run, rollback ones included: the operator asked for them by name.
    const chosen = new Set(request.only.flatMap((k) => k.split(',')).filter(Boolean).map((k) => find(k, '--only')));
    steps = all.filter((s) => chosen.has(s));
  }
  if (request.from) {
    const from = find(request.from, '--from');
    if (from) steps = steps.filter((s) => s.offset >= from.offset);
  }
  return { steps, rollback };
}

/** Finds a step by block name or number, or by scenario id or name. */
export function pick(steps: RunStep[], key: string): RunStep | undefined {
  return (
    steps.find((s) => s.kind === 'block' && s.block.name === key) ??
    (/^\d+$/.test(key) ? steps.find((s) => s.kind === 'block' && s.block.index + 1 === Number(key)) : undefined) ??
    steps.find((s) => s.kind === 'scenario' && (s.scenario.id === key || s.scenario.name === key))
  );
}

/** What put `steps` on the rollback path: the headings that name it, or the blocks' own option. */
function rollbackWhy(model: Runbook, steps: RunStep[]): string {
  const headings = new Set<string>();
  let marked = 0;
  for (const step of steps) {
    const section = step.kind === 'block' ? step.block.section : model.tables[step.scenario.table]!.section;
    const heading = rollbackHeading(model, section);
    if (heading !== null) headings.add(`"${heading}"`);
    else marked++;
  }
  const parts = [...(headings.size ? [`under ${[...headings].join(', ')}`] : []), ...(marked ? [`${marked} marked \`rollback\``] : [])];
  return parts.join('; ');
}

/**
 * Why a run would run nothing. That is almost always a runbook written in another language, or a
 * checklist meant for `play`: said instead of reporting "0 passed", which in CI hides a runbook
 * that never ran.
 */
function nothingToRun(file: string, model: Runbook): string {
  const others = model.blocks.filter((b) => !b.runnable).length;
  return `${file} has nothing to run: no fenced block in bash, sh, shell or zsh and no scenario table${others ? ` (${others} other block${others === 1 ? '' : 's'}: another language, a transcript or marked to skip)` : ''}`;
}

function outputProblem(cwd: string, given: string, flag: string, document: string): string | null {
  const path = resolve(cwd, given);
  // The session's own files are never written over by a report: the document, its lock, and what
  // `.runbook/` keeps beside it (journal, state, output log, evidence).
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const doc = real(document);
  const target = existsSync(path) ? real(path) : join(real(dirname(path)), basename(path));
  if (target === doc || target === `${doc}.lock` || target.startsWith(join(dirname(doc), '.runbook') + sep)) {
    return `${flag} ${given}: that is ${target === doc ? 'the runbook itself' : target.endsWith('.lock') ? "the runbook's lock" : "one of the session's own files (.runbook/)"}; choose another path`;
  }
  let dir: ReturnType<typeof statSync> | null = null;
  try {
    dir = statSync(dirname(path));
  } catch {
    dir = null;
  }
  if (!dir?.isDirectory()) return `${flag} ${given}: the folder ${dirname(path)} does not exist; create it or choose another path`;
  let exists = false;
  try {
    if (statSync(path).isDirectory()) return `${flag} ${given} is a folder; give a file path`;
    exists = true;
  } catch {
    // Not there yet: it will be written.
  }
  // Found now, not once the blocks have run: the file itself if it is there, else its folder.
  try {
    accessSync(exists ? path : dirname(path), constants.W_OK);
  } catch {
    return `${flag} ${given}: ${exists ? 'the file' : `the folder ${dirname(path)}`} cannot be written (permission denied); choose another path`;
  }
  return null;
}

