import type { Block, Runbook, Scenario } from '../parser/index.js';

/** One line of the outline: a runnable block, a task without a block, a scenario row, or a table row to fill. */
export interface Step {
  id: number;
  kind: 'heading' | 'block' | 'task' | 'row' | 'scenario';
  /** Indentation level in the outline. */
  depth: number;
  label: string;
  line: number;
  /** Index into the model's blocks, tasks or tables. */
  ref: number;
  /** For rows and scenarios (whose `ref` is the table): the body row index. */
  row?: number;
  /** For scenarios: the index into the model's scenarios. */
  scenario?: number;
  status: 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'ticked' | 'info';
  durationMs?: number;
  /** Part of the rollback path (see `isRollback`), not of the main one. */
  rollback: boolean;
}

/** One thing a session runs: a runnable block or a scenario row, in document order. */
export type RunStep = { kind: 'block'; block: Block; offset: number; rollback: boolean } | { kind: 'scenario'; scenario: Scenario; offset: number; rollback: boolean };

/** Heading words that mark a section, and everything under it, as the rollback path. */
const ROLLBACK_HEADING = /\broll(?:ing)?[ -]?back\b/i;

/**
 * Whether a section (or one it is nested in) is a rollback section by its heading. The
 * document's title is not a section heading here: a runbook titled "Upgrade and rollback plan"
 * (or "Rollback of release 42") has its own main path.
 */
export function inRollbackSection(model: Runbook, section: number | null): boolean {
  return rollbackHeading(model, section) !== null;
}

/** The heading that puts a section on the rollback path (its own or one it is nested in), or null. */
export function rollbackHeading(model: Runbook, section: number | null): string | null {
  const title = titleSection(model);
  for (let s = section; s !== null; s = model.sections[s]!.parent) if (s !== title && ROLLBACK_HEADING.test(model.sections[s]!.text)) return model.sections[s]!.text;
  return null;
}

/** The section of the document's title: its only level-1 heading, when it has one and only one. */
function titleSection(model: Runbook): number | null {
  const known = titles.get(model.sections);
  if (known !== undefined) return known;
  const level1 = model.sections.flatMap((section, s) => (section.depth === 1 ? [s] : []));
  const title = level1.length === 1 ? level1[0]! : null;
  titles.set(model.sections, title);
  return title;
}

const titles = new WeakMap<object, number | null>();

/** Whether a section, or one it is nested in, has a heading that says `words`. */
function underHeading(model: Runbook, section: number | null, words: RegExp): boolean {
  for (let s = section; s !== null; s = model.sections[s]!.parent) if (words.test(model.sections[s]!.text)) return true;
  return false;
}

/** Whether a block belongs to the rollback path: its `rollback` option, or its section's heading. */
export function isRollback(model: Runbook, block: Block): boolean {
  return block.rollback || inRollbackSection(model, block.section);
}

/** The runnable blocks and scenario rows of a document, in document order, each marked main or rollback. */
export function runSteps(model: Runbook): RunStep[] {
  const steps: RunStep[] = [
    // A copy: the model moves its blocks where they stand as result lines are written, and a
    // step keeps the line it had when the session began, as the plan printed it.
    ...model.blocks.filter((b) => b.runnable).map((block) => ({ kind: 'block' as const, block: { ...block }, offset: block.span.start, rollback: isRollback(model, block) })),
    ...model.scenarios.map((scenario) => ({ kind: 'scenario' as const, scenario, offset: model.tables[scenario.table]!.rows[scenario.row]!.span.start, rollback: inRollbackSection(model, model.tables[scenario.table]!.section) })),
  ];
  return steps.sort((a, b) => a.offset - b.offset);
}

/** How a step is named in output and reports: its block name or number, or its scenario id. */
export const stepName = (step: RunStep) => (step.kind === 'block' ? (step.block.name ?? `block ${step.block.index + 1}`) : `scenario ${step.scenario.id || step.scenario.name}`);

/** The line a step starts on. */
export const stepLine = (step: RunStep) => (step.kind === 'block' ? step.block.line : step.scenario.line);

/**
 * The outline `play` steps through, in document order: headings, runnable blocks (with the
 * status their result line records), tasks that own no block, and table rows holding a checkbox
 * or a cell to fill.
 */
export function buildSteps(model: Runbook): Step[] {
  const items: Array<{ offset: number; step: Omit<Step, 'id'> }> = [];
  const depth = (section: number | null) => (section === null ? 0 : model.sections[section]!.depth);
  for (const section of model.sections) {
    items.push({ offset: section.span.start, step: { kind: 'heading', depth: section.depth - 1, label: section.text, line: section.line, ref: section.index, status: 'info', rollback: inRollbackSection(model, section.index) } });
  }
  for (const block of model.blocks.filter((b) => b.runnable)) {
    const task = block.task === null ? null : model.tasks[block.task]!;
    const status = block.result ? (block.result.outcome === 'passed' ? 'passed' : block.result.outcome === 'skipped' ? 'skipped' : 'failed') : 'pending';
    items.push({
      offset: block.span.start,
      step: { kind: 'block', depth: depth(block.section), label: task?.text || block.name || `${block.lang} block`, line: block.line, ref: block.index, status, durationMs: block.result?.durationMs, rollback: isRollback(model, block) },
    });
  }
  const owning = new Set(model.blocks.filter((b) => b.runnable && b.task !== null).map((b) => b.task));
  for (const task of model.tasks.filter((t) => !owning.has(t.index))) {
    items.push({ offset: task.span.start, step: { kind: 'task', depth: depth(task.section), label: task.text, line: task.line, ref: task.index, status: task.checked ? 'ticked' : 'pending', rollback: inRollbackSection(model, task.section) } });
  }
  const scenarioAt = new Map(model.scenarios.map((s) => [`${s.table}:${s.row}`, s]));
  for (const table of model.tables) {
    const rollback = inRollbackSection(model, table.section);
    table.rows.forEach((row, r) => {
      const scenario = scenarioAt.get(`${table.index}:${r}`);
      if (scenario) {
        const box = scenario.columns.box === -1 ? null : row.cells[scenario.columns.box]!;
        const status = box?.checkbox === 'checked' ? 'passed' : box?.checkbox === 'failed' ? 'failed' : 'pending';
        items.push({ offset: row.span.start, step: { kind: 'scenario', depth: depth(table.section), label: scenarioLabel(model, scenario.index), line: row.line, ref: table.index, row: r, scenario: scenario.index, status, rollback } });
        return;
      }
      if (!row.cells.some((c) => c.kind === 'checkbox' || c.kind === 'fillable')) return;
      const boxes = row.cells.filter((c) => c.kind === 'checkbox');
      const done = boxes.length > 0 && boxes.every((c) => c.checkbox !== 'unchecked');
      items.push({
        offset: row.span.start,
        step: { kind: 'row', depth: depth(table.section), label: row.cells.map((c) => c.text || '·').join(' | '), line: row.line, ref: table.index, row: r, status: done ? 'ticked' : 'info', rollback },
      });
    });
  }
  items.sort((a, b) => a.offset - b.offset);
  return items.map((item, id) => ({ ...item.step, id }));
}

/** How the outline shows a scenario: its name, gate, and what was measured, from the current model. */
export function scenarioLabel(model: Runbook, index: number): string {
  const scenario = model.scenarios[index]!;
  const row = model.tables[scenario.table]!.rows[scenario.row]!;
  const measured = scenario.columns.measured === -1 ? '' : row.cells[scenario.columns.measured]!.text;
  return [`scenario ${scenario.name}`, scenario.gateText ? `gate ${scenario.gateText}` : null, measured ? `measured ${measured}` : null].filter(Boolean).join(' · ');
}

/** A heading that makes every block under it keep evidence: `Capture evidence`, `Evidence`. */
const EVIDENCE_HEADING = /\bevidence\b/i;

/** Whether a block keeps evidence: as its `evidence` option says, else when a heading above it names evidence. */
export function keepsEvidence(model: Runbook, block: Block): boolean {
  return block.keepEvidence ?? underHeading(model, block.section, EVIDENCE_HEADING);
}
