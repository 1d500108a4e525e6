import type { Block, Cell, FrontMatter, Runbook, Table, VariableDeclaration, VariableReference } from './types.js';
import { scanShell } from './shellvars.js';

const NAME_COLUMN = /^(?:knob|variable|var|env|env var|env variable|environment variable|environment|parameter|setting)s?$/;
/** Without a Default column, only a header that says "variable" makes a table of them. */
const VARIABLE_COLUMN = /^(?:variable|var|env var|env variable|environment variable)s?$/;
const DEFAULT_COLUMN = /^(?:default|default value|defaults)$/;
const DESCRIPTION_COLUMN = /^(?:description|meaning|purpose|notes?|what|effect)$/;
const VARIABLE = /^[A-Za-z_]\w*$/;

/** Names that hold secrets; their values are masked wherever the tool writes. */
export const SECRET_NAME = /PASS|TOKEN|SECRET|KEY/i;

/** True when a variable's name marks it secret (`DB_PASSWORD`, `API_TOKEN`, `SSH_KEY`). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * The variables a runbook makes secret, before anything runs: those declared `secret: true` in
 * front matter, those a block's `secret=` option lists, and every declared or used name that
 * marks itself secret. A session adds the names its blocks create (see `session/secrets.ts`).
 */
export function declaredSecrets(model: Pick<Runbook, 'declarations' | 'references' | 'blocks'>): Set<string> {
  const names = new Set<string>();
  for (const decl of model.declarations) if (decl.secret || isSecretName(decl.name)) names.add(decl.name);
  // A session asks after every step: indexed loops over every block, which allocate nothing.
  const { blocks, references } = model;
  for (let i = 0; i < blocks.length; i++) {
    const secret = blocks[i]!.secret;
    for (let k = 0; k < secret.length; k++) names.add(secret[k]!);
  }
  for (let i = 0; i < references.length; i++) if (isSecretName(references[i]!.name)) names.add(references[i]!.name);
  return names;
}

function header(text: string): string {
  return text.replace(/[`*_]/g, '').trim().toLowerCase();
}

function bare(text: string): string {
  return text.replace(/`/g, '').trim();
}

/**
 * The columns of a knob table, or null when the table is not one: a column naming variables and
 * one giving defaults (`| Knob | Default |`), or a column headed like "variable" and one
 * describing them (`| Variable | Description |`: variables to give, with no defaults; `default`
 * is then -1). Knob tables declare variables; they are documentation, not forms to fill.
 */
export function knobColumns(table: Pick<Table, 'header'>): { name: number; default: number; description: number } | null {
  const names = table.header.map(header);
  const defaultAt = names.findIndex((h) => DEFAULT_COLUMN.test(h));
  const description = names.findIndex((h) => DESCRIPTION_COLUMN.test(h));
  const name = names.findIndex((h) => (defaultAt === -1 ? VARIABLE_COLUMN : NAME_COLUMN).test(h));
  if (name === -1 || (defaultAt === -1 && description === -1)) return null;
  return { name, default: defaultAt, description };
}

/** Words a Default cell uses to say there is none (the value must come from somewhere else). */
const NO_DEFAULT = /^(?:none|unset|not set|no default|empty|required|mandatory|must be set|n\/?a|-|—|–)$/i;

/**
 * The default a knob table's cell gives, or null when it gives none. People write the value and
 * then a remark: `3600 (1 h)`, `` `api_pool` (prod) ``, `0.005 (0.5 %)`; the value is the code
 * span when there is one, else the text before a closing remark in parentheses. `(unset)`,
 * `none`, `required`, `—` and an empty cell give none; `""` is the empty string.
 */
export function knobDefault(cell: Pick<Cell, 'text' | 'kind' | 'code'>): string | null {
  if (cell.kind === 'na' || cell.kind === 'fillable') return null;
  const value = cell.code.length === 1 ? cell.code[0]!.trim() : bare(cell.text).replace(/\s*\([^()]*\)$/, '').trim();
  const word = cell.text.replace(/[`*_]/g, '').trim().replace(/^\((.*)\)$/, '$1').trim();
  if (cell.code.length !== 1 && (value === '' || NO_DEFAULT.test(word) || NO_DEFAULT.test(value))) return null;
  if (/^(?:""|'')$/.test(value)) return '';
  return value;
}

/** Declarations from front matter (`env:`, `variables:` or `vars:` mappings) and knob tables. */
export function declarations(
  frontMatter: FrontMatter | null,
  frontMatterLine: number,
  tables: Table[],
): VariableDeclaration[] {
  const found: VariableDeclaration[] = [];
  const data = frontMatter?.data ?? {};
  for (const key of ['env', 'variables', 'vars']) {
    const map = data[key];
    if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
    for (const [name, value] of Object.entries(map as Record<string, unknown>)) {
      if (!VARIABLE.test(name)) continue;
      const detail = value && typeof value === 'object' ? (value as Record<string, unknown>) : { default: value };
      const raw = detail.default;
      found.push({
        name,
        default: raw === null || raw === undefined ? null : String(raw),
        source: 'front-matter',
        line: frontMatterLine,
        description: typeof detail.description === 'string' ? detail.description : null,
        secret: detail.secret === true || isSecretName(name),
      });
    }
  }
  for (const table of tables) {
    const columns = knobColumns(table);
    if (!columns) continue;
    const { name: nameAt, default: defaultAt, description: descriptionAt } = columns;
    for (const row of table.rows) {
      const name = bare(row.cells[nameAt]!.text).replace(/^\$\{?|\}$/g, '');
      if (!VARIABLE.test(name)) continue;
      found.push({
        name,
        default: defaultAt === -1 ? null : knobDefault(row.cells[defaultAt]!),
        source: 'knob-table',
        line: row.line,
        description: descriptionAt === -1 ? null : row.cells[descriptionAt]!.text || null,
        secret: isSecretName(name),
      });
    }
  }
  return found;
}

/** Every `$VAR` use in runnable blocks, noting whether an earlier block already assigns it. */
export function references(blocks: Block[]): VariableReference[] {
  const assigned = new Set<string>();
  // After a block sources a file or evals text, any name may be set: uses count as assigned.
  let opaqueBefore = false;
  const found: VariableReference[] = [];
  for (const block of blocks) {
    if (!block.runnable) continue;
    const scan = scanShell(block.body);
    const lineStarts = [0];
    for (let i = 0; i < block.body.length; i++) if (block.body[i] === '\n') lineStarts.push(i + 1);
    for (const use of scan.uses) {
      const assignedHere = scan.assigns.some((a) => a.name === use.name && a.offset < use.offset) || scan.opaque.some((at) => at < use.offset);
      let row = 0;
      while (row + 1 < lineStarts.length && lineStarts[row + 1]! <= use.offset) row++;
      found.push({
        name: use.name,
        block: block.index,
        line: block.line + 1 + row,
        column: block.prefix.length + use.offset - lineStarts[row]! + 1,
        default: use.default,
        assignedBefore: opaqueBefore || assigned.has(use.name) || assignedHere,
      });
    }
    for (const assign of scan.assigns) assigned.add(assign.name);
    if (scan.opaque.length) opaqueBefore = true;
  }
  return found;
}

/** A `$VAR` use in a scenario row's command or recovery check. */
export interface ScenarioReference {
  name: string;
  scenario: number;
  /** The default given in `${VAR:-default}`, if any. */
  default: string | null;
  /** True when a runnable block before the table, or the text itself, assigns it first. */
  assignedBefore: boolean;
}

/** Every `$VAR` use in scenario commands and checks, noting what blocks before the row assign. */
export function scenarioReferences(model: Pick<Runbook, 'blocks' | 'tables' | 'scenarios'>): ScenarioReference[] {
  const found: ScenarioReference[] = [];
  for (const scenario of model.scenarios) {
    const at = model.tables[scenario.table]!.rows[scenario.row]!.span.start;
    const before = model.blocks.filter((b) => b.runnable && b.span.start < at).map((b) => scanShell(b.body));
    const assigned = new Set(before.flatMap((scan) => scan.assigns.map((a) => a.name)));
    const opaqueBefore = before.some((scan) => scan.opaque.length > 0);
    for (const code of [scenario.command, scenario.until]) {
      if (!code) continue;
      const scan = scanShell(code);
      for (const use of scan.uses) {
        const here = scan.assigns.some((a) => a.name === use.name && a.offset < use.offset) || scan.opaque.some((o) => o < use.offset);
        found.push({ name: use.name, scenario: scenario.index, default: use.default, assignedBefore: opaqueBefore || here || assigned.has(use.name) });
      }
    }
  }
  return found;
}

