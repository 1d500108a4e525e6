import type { Runbook } from '../parser/index.js';
import type { Step } from '../tui/state.js';

const ROLLBACK = /roll ?back/i;

/**
 * The outline `play` steps through, in document order: headings, runnable blocks (with the
 * status their result line records), tasks that own no block, and table rows holding a checkbox
 * or a cell to fill.
 */
export function buildSteps(model: Runbook): Step[] {
  const items: Array<{ offset: number; step: Omit<Step, 'id'> }> = [];
  const inRollback = (section: number | null) => {
    for (let s = section; s !== null; s = model.sections[s]!.parent) if (ROLLBACK.test(model.sections[s]!.text)) return true;
    return false;
  };
  const depth = (section: number | null) => (section === null ? 0 : model.sections[section]!.depth);
  for (const section of model.sections) {
    items.push({ offset: section.span.start, step: { kind: 'heading', depth: section.depth - 1, label: section.text, line: section.line, ref: section.index, status: 'info', rollback: inRollback(section.index) } });
  }
  for (const block of model.blocks.filter((b) => b.runnable)) {
    const task = block.task === null ? null : model.tasks[block.task]!;
    const status = block.result ? (block.result.outcome === 'passed' ? 'passed' : block.result.outcome === 'skipped' ? 'skipped' : 'failed') : 'pending';
    items.push({
      offset: block.span.start,
      step: { kind: 'block', depth: depth(block.section), label: task?.text || block.name || `${block.lang} block`, line: block.line, ref: block.index, status, durationMs: block.result?.durationMs, rollback: inRollback(block.section) },
    });
  }
  const owning = new Set(model.blocks.filter((b) => b.runnable && b.task !== null).map((b) => b.task));
  for (const task of model.tasks.filter((t) => !owning.has(t.index))) {
    items.push({ offset: task.span.start, step: { kind: 'task', depth: depth(task.section), label: task.text, line: task.line, ref: task.index, status: task.checked ? 'ticked' : 'pending', rollback: inRollback(task.section) } });
  }
  const scenarioAt = new Map(model.scenarios.map((s) => [`${s.table}:${s.row}`, s]));
  for (const table of model.tables) {
    table.rows.forEach((row, r) => {
      const scenario = scenarioAt.get(`${table.index}:${r}`);
      if (scenario) {
        const box = scenario.columns.box === -1 ? null : row.cells[scenario.columns.box]!;
        const status = box?.checkbox === 'checked' ? 'passed' : box?.checkbox === 'failed' ? 'failed' : 'pending';
        items.push({ offset: row.span.start, step: { kind: 'scenario', depth: depth(table.section), label: scenarioLabel(model, scenario.index), line: row.line, ref: table.index, row: r, scenario: scenario.index, status, rollback: inRollback(table.section) } });
        return;
      }
      if (!row.cells.some((c) => c.kind === 'checkbox' || c.kind === 'fillable')) return;
      const boxes = row.cells.filter((c) => c.kind === 'checkbox');
      const done = boxes.length > 0 && boxes.every((c) => c.checkbox !== 'unchecked');
      items.push({
        offset: row.span.start,
        step: { kind: 'row', depth: depth(table.section), label: row.cells.map((c) => c.text || '·').join(' | '), line: row.line, ref: table.index, row: r, status: done ? 'ticked' : 'info', rollback: inRollback(table.section) },
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
