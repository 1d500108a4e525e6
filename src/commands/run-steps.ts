import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Document } from '../document/document.js';
import { UserError } from '../errors.js';
import type { Block, Runbook, Scenario } from '../parser/index.js';
import { journalPath, readJournal } from '../session/journal.js';

/** One thing `run` runs: a runnable block or a scenario row, in document order. */
export type RunStep = { kind: 'block'; block: Block; offset: number } | { kind: 'scenario'; scenario: Scenario; offset: number };

export const stepName = (step: RunStep) => (step.kind === 'block' ? (step.block.name ?? `block ${step.block.index + 1}`) : `scenario ${step.scenario.id || step.scenario.name}`);

/** The runnable blocks and scenario rows of a document, in document order. */
export function runSteps(model: Runbook): RunStep[] {
  const steps: RunStep[] = [
    ...model.blocks.filter((b) => b.runnable).map((block) => ({ kind: 'block' as const, block, offset: block.span.start })),
    ...model.scenarios.map((scenario) => ({ kind: 'scenario' as const, scenario, offset: model.tables[scenario.table]!.rows[scenario.row]!.span.start })),
  ];
  return steps.sort((a, b) => a.offset - b.offset);
}

/** Finds a step by block name or number, or by scenario id or name. */
export function pick(steps: RunStep[], key: string, what: string): RunStep {
  const found =
    steps.find((s) => s.kind === 'block' && s.block.name === key) ??
    (/^\d+$/.test(key) ? steps.find((s) => s.kind === 'block' && s.block.index + 1 === Number(key)) : undefined) ??
    steps.find((s) => s.kind === 'scenario' && (s.scenario.id === key || s.scenario.name === key));
  if (!found) throw new UserError(`${what} ${key}: no runnable block or scenario has that name or number (\`runbook list\` shows them)`);
  return found;
}

/** How many blocks and scenarios, in words. */
export function describeCount(steps: RunStep[]): string {
  const blocks = steps.filter((s) => s.kind === 'block').length;
  const scenarios = steps.length - blocks;
  return [blocks ? `${blocks} block(s)` : '', scenarios ? `${scenarios} scenario(s)` : ''].filter(Boolean).join(' and ') || '0 block(s)';
}

/** Where a resumed run picks up: after the last step the journal's latest session completed. */
export function resumePoint(file: string, doc: Document, selected: RunStep[]): { rest: RunStep[]; session: string; done: number } {
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
  // A block is done when it passed; a scenario when it was measured or left for the operator.
  const passed = events.filter((e) => chain.has(e.session) && ((e.type === 'block-end' && e.outcome === 'passed') || (e.type === 'scenario-end' && ['passed', 'needs judgment', 'skipped'].includes(String(e.outcome)))));
  const lastPassed = passed[passed.length - 1];
  if (!lastPassed) return { rest: selected, session: last.session, done: 0 };
  let offset: number;
  if (lastPassed.type === 'block-end') {
    const index = Number(lastPassed.block);
    const block = doc.model.blocks[index];
    if (!block || (lastPassed.name && block.name !== lastPassed.name)) {
      throw new UserError(`${file} changed since the journal was written: block ${index + 1} is no longer "${String(lastPassed.name)}"; run without --resume`);
    }
    offset = block.span.start;
  } else {
    const scenario = doc.model.scenarios[Number(lastPassed.scenario)];
    if (!scenario || scenario.id !== lastPassed.id) {
      throw new UserError(`${file} changed since the journal was written: scenario ${String(lastPassed.id)} is no longer where it was; run without --resume`);
    }
    offset = doc.model.tables[scenario.table]!.rows[scenario.row]!.span.start;
  }
  return { rest: selected.filter((s) => s.offset > offset), session: last.session, done: passed.length };
}
