import { MASK } from '../executor/redact.js';
import type { Block, Runbook, Table, Task } from '../parser/index.js';
import { declaredSecrets, gateColumns } from '../parser/index.js';
import { documentTargets } from '../session/inventory.js';
import { isRollback } from '../session/steps.js';

/** The stable JSON form of `runbook list --json`, documented in docs/list-json.md. */
export interface ListJson {
  file: string;
  title: string | null;
  blocks: Array<{
    index: number;
    name: string | null;
    lang: string;
    line: number;
    runnable: boolean;
    /** On the rollback path: run only after a failure (see docs/syntax.md#rollback). */
    rollback: boolean;
    skipReason: string | null;
    /** Where it runs when not on this machine: `host=`/`hosts=`, `parallel=`, and the hosts the document's inventory gives it (null: not defined). */
    target: null | { kind: 'host' | 'group'; name: string; parallel: number; hosts: string[] | null };
    section: string | null;
    task: number | null;
    options: Record<string, string | boolean>;
    unknownOptions: string[];
    result: null | { outcome: string; exitCode: number | null; durationMs: number; at: string; operator: string; reason: string | null; on: string | null };
  }>;
  tasks: Array<{
    line: number;
    checked: boolean;
    text: string;
    section: string | null;
    /** `task` (a GFM task item), `glyph-item` (`- □ item`) or `glyph-line` (a line of a plain fenced checklist). */
    kind: Task['kind'];
    /** True for glyph boxes: runbook's extension, shown by GitHub as text, not as a checkbox. */
    extension: boolean;
    /** The box as written: `[ ]`, `[x]`, `□`, `☑`, … */
    box: string;
  }>;
  tables: Array<{
    line: number;
    section: string | null;
    header: string[];
    /** The column read as the expected value (a gate: `< 60 s`) and the one read as measured, or null. */
    expected: string | null;
    measured: string | null;
    rows: Array<{ line: number; cells: Array<{ text: string; checkbox: string | null; fillable: boolean }> }>;
  }>;
  scenarios: Array<{ id: string; name: string; line: number; section: string | null; command: string | null; until: string | null; gate: string | null; gateSeconds: number | null; gateOp: string | null; problem: string | null }>;
  variables: Array<{ name: string; default: string | null; line: number; source: string; secret: boolean }>;
  problems: Runbook['problems'];
}

/** Builds the JSON form from a parsed runbook. */
export function toListJson(file: string, model: Runbook, text: string): ListJson {
  const sectionName = (index: number | null) => (index === null ? null : model.sections[index]!.text);
  const taskLine = (index: number | null) => (index === null ? null : model.tasks[index]!.line);
  return {
    file,
    title: model.title,
    blocks: model.blocks.map((block: Block) => ({
      index: block.index,
      name: block.name,
      lang: block.lang,
      line: block.line,
      runnable: block.runnable,
      rollback: block.runnable && isRollback(model, block),
      skipReason: block.skipReason,
      target: block.target && { ...block.target, parallel: block.parallel, hosts: documentTargets(file, model.frontMatter?.data ?? {}, block.target)?.map((h) => h.name) ?? null },
      section: sectionName(block.section),
      task: taskLine(block.task),
      options: block.options.values,
      unknownOptions: block.options.unknown,
      result: block.result && {
        outcome: block.result.outcome,
        exitCode: block.result.exitCode,
        durationMs: block.result.durationMs,
        at: block.result.at,
        operator: block.result.operator,
        reason: block.result.reason ?? null,
        on: block.result.on ?? null,
      },
    })),
    tasks: model.tasks.map((task) => ({
      line: task.line,
      checked: task.checked,
      text: task.text,
      section: sectionName(task.section),
      kind: task.kind,
      extension: task.kind !== 'task',
      box: text.slice(task.checkboxSpan.start, task.checkboxSpan.end),
    })),
    tables: model.tables.map((table) => ({
      line: table.line,
      section: sectionName(table.section),
      header: table.header,
      ...gateHeaders(model, table),
      rows: table.rows.map((row) => ({
        line: row.line,
        cells: row.cells.map((cell) => ({ text: cell.text, checkbox: cell.checkbox, fillable: cell.kind === 'fillable' })),
      })),
    })),
    scenarios: model.scenarios.map((s) => ({
      id: s.id,
      name: s.name,
      line: s.line,
      section: sectionName(s.section),
      command: s.command,
      until: s.until,
      gate: s.gateText,
      gateSeconds: s.gate?.seconds ?? null,
      gateOp: s.gate?.op ?? null,
      problem: s.problem,
    })),
    variables: variables(model),
    problems: model.problems,
  };
}

/** The headers of the columns read as expected and as measured, where a table has both. */
export function gateHeaders(model: Runbook, table: Table): { expected: string | null; measured: string | null } {
  const { gate, measured } = gateColumns(table, model.frontMatter);
  return gate === -1 || measured === -1 ? { expected: null, measured: null } : { expected: table.header[gate]!, measured: table.header[measured]! };
}

/**
 * Declared variables first, then those only used, then names only a block's `secret=` option
 * gives; each once, secret (whatever made it so) with its default masked.
 */
export function variables(model: Runbook): ListJson['variables'] {
  const secrets = declaredSecrets(model);
  const seen = new Map<string, ListJson['variables'][number]>();
  const add = (name: string, value: string | null, line: number, source: string) => {
    if (seen.has(name)) return;
    const secret = secrets.has(name);
    seen.set(name, { name, default: value !== null && secret ? MASK : value, line, source, secret });
  };
  for (const decl of model.declarations) add(decl.name, decl.default, decl.line, decl.source);
  for (const ref of model.references) if (!ref.assignedBefore) add(ref.name, ref.default, ref.line, 'block');
  for (const block of model.blocks) for (const name of block.secret) add(name, null, block.line, 'block');
  return [...seen.values()];
}
