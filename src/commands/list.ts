import { readSource } from '../document/source.js';
import { EXIT } from '../errors.js';
import { printable, println, type Io } from '../io.js';
import { parseRunbook, type Runbook } from '../parser/index.js';
import { documentTargets, targetText } from '../session/inventory.js';
import { isRollback, keepsEvidence } from '../session/steps.js';
import { gateHeaders, toListJson, variables } from './list-json.js';

/** `runbook list FILE [--json]`: an outline of what the engine sees in a runbook. */
export function listCommand(file: string, options: { json?: boolean }, io: Io): number {
  const source = readSource(file);
  const model = parseRunbook(source.text);
  if (options.json) {
    println(io.stdout, JSON.stringify(toListJson(file, model, source.text), null, 2));
    return EXIT.ok;
  }
  for (const line of outline(file, model, source.text)) println(io.stdout, printable(line));
  return EXIT.ok;
}

interface Item {
  offset: number;
  text: string;
}

/** The readable outline: every section with its blocks, tasks and tables in document order. */
export function outline(file: string, model: Runbook, text: string): string[] {
  const lines = [`${model.title ?? '(untitled)'}  —  ${file}`];
  const items: Item[] = [];
  const depthOf = (section: number | null) => (section === null ? 0 : model.sections[section]!.depth);
  for (const section of model.sections) {
    items.push({ offset: section.span.start, text: `${'  '.repeat(section.depth - 1)}${'#'.repeat(section.depth)} ${section.text}` });
  }
  for (const block of model.blocks) {
    const pad = '  '.repeat(depthOf(block.section));
    const name = block.name ? ` ${block.name}` : '';
    const status = block.result
      ? ` — ${block.result.outcome}, ${(block.result.durationMs / 1000).toFixed(2)} s at ${block.result.at}`
      : block.runnable
        ? ' — not run'
        : ` — not runnable: ${block.skipReason}`;
    const rollback = block.runnable && isRollback(model, block) ? ' — rollback: runs only after a failure' : '';
    const kept = block.evidence ? ` · evidence at L${block.evidence.line}` : block.runnable && keepsEvidence(model, block) ? ' · keeps evidence' : '';
    const on = block.target && block.runnable ? ` · ${targetText(block, documentTargets(file, model.frontMatter?.data ?? {}, block.target))}` : '';
    items.push({ offset: block.span.start, text: `${pad}${block.runnable ? '▶' : '·'} L${block.line} \`${block.lang || 'text'}\`${name}${on}${status}${rollback}${kept}` });
  }
  for (const task of model.tasks) {
    const pad = '  '.repeat(depthOf(task.section));
    const box = task.kind === 'task' ? (task.checked ? '[x]' : '[ ]') : text.slice(task.checkboxSpan.start, task.checkboxSpan.end);
    const kind = task.kind === 'glyph-line' ? ' (checklist line)' : '';
    items.push({ offset: task.span.start, text: `${pad}${box} L${task.line} ${task.text}${kind}` });
  }
  for (const table of model.tables) {
    const pad = '  '.repeat(depthOf(table.section));
    const cells = table.rows.flatMap((row) => row.cells);
    const boxes = cells.filter((cell) => cell.kind === 'checkbox');
    const ticked = boxes.filter((cell) => cell.checkbox !== 'unchecked').length;
    const fillable = cells.filter((cell) => cell.kind === 'fillable').length;
    const parts = [`${table.rows.length} rows`, `columns: ${table.header.join(', ')}`];
    if (boxes.length) parts.push(`${ticked}/${boxes.length} boxes answered`);
    parts.push(`${cells.length - fillable}/${cells.length} cells filled`);
    const { expected, measured } = gateHeaders(model, table);
    if (expected !== null) parts.push(`"${measured}" read as measured against "${expected}" as expected`);
    items.push({ offset: table.span.start, text: `${pad}▦ L${table.line} table: ${parts.join(' · ')}` });
  }
  for (const scenario of model.scenarios) {
    const pad = '  '.repeat(depthOf(scenario.section) + 1);
    const gate = scenario.gateText === null ? '' : scenario.gate ? ` · gate ${scenario.gateText}` : ` · gate "${scenario.gateText}" (not measurable: for the operator)`;
    const what = scenario.problem ? ` — cannot run: ${scenario.problem}` : `${scenario.until ? ' · waits for recovery' : ''}${gate}`;
    items.push({ offset: model.tables[scenario.table]!.rows[scenario.row]!.span.start, text: `${pad}▶ L${scenario.line} scenario ${scenario.name}${what}` });
  }
  items.sort((a, b) => a.offset - b.offset);
  lines.push(...items.map((item) => `  ${item.text}`));
  const declared = variables(model);
  if (declared.length) {
    lines.push('', 'Variables:');
    for (const variable of declared) {
      const value = variable.default === null ? '(no default)' : `= ${variable.default}`;
      lines.push(`  ${variable.name} ${value}  (${variable.source}, line ${variable.line})`);
    }
  }
  if (model.problems.length) {
    lines.push('', 'Problems:');
    for (const problem of model.problems) {
      lines.push(`  ${file}:${problem.line}:${problem.column}  ${problem.message}  ${problem.ruleId}`);
    }
  }
  return lines;
}
