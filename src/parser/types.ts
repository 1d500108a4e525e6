import type { Gate } from './gates.js';
import type { GlyphPair } from './glyphs.js';

/**
 * The runbook model: plain, serializable objects carrying half-open `[start, end)` offsets into
 * the original text (UTF-16 code units of the decoded file, BOM included when present).
 */

/** A half-open range of offsets into the original text. */
export interface Span {
  start: number;
  end: number;
}

/**
 * What reading a text asks of it: a string, or a document held in pieces (document/pieces.ts),
 * whose versions are never made into one string while a session writes them.
 */
export interface TextLike {
  readonly length: number;
  slice(start?: number, end?: number): string;
  charCodeAt(index: number): number;
}

/** The line ending a file mostly uses; edits reuse it. */
export type LineEnding = '\n' | '\r\n' | '\r';

/** A problem found while reading a document, tied to a place. */
export interface Problem {
  line: number;
  column: number;
  message: string;
  /**
   * What kind of problem: `unclosed-fence`, `front-matter`, `block-options` (options that do not
   * read), `option-value` (a value that does not read, e.g. `timeout=abc`), `unsupported-option`
   * (an option runbook cannot honour yet, e.g. `interactive`: the block must not run), `nesting-limit`
   * (the document nests too deep to be read: nothing else was parsed), `repeated-bom`, `inline-limit`
   * (a paragraph's inline markup past the parser's budget was read as plain text).
   */
  ruleId: string;
  /** `error`: running what it is about would go wrong; `warning`: worth a look. */
  severity: 'error' | 'warning';
}

/** YAML metadata between `---` lines at the top of a file. */
export interface FrontMatter {
  span: Span;
  /** The parsed YAML mapping, or `{}` when it is not a mapping or does not parse. */
  data: Record<string, unknown>;
}

/** A heading and the part of the document it introduces. */
export interface Section {
  index: number;
  depth: number;
  text: string;
  /** The fragment GitHub generates for this heading (without `#`). */
  anchor: string;
  line: number;
  /** The heading itself. */
  span: Span;
  /** From the heading to the next heading of the same or a higher level. */
  extent: Span;
  /** Index of the enclosing section, or null at the top. */
  parent: number | null;
}

/** Options written after a block's language or in an HTML comment before it. */
export interface BlockOptions {
  /** Every option as written, known or not (values are strings, `true` for bare flags). */
  values: Record<string, string | boolean>;
  /** Option names that `runbook` does not know; kept, never dropped. */
  unknown: string[];
  /** Where the options came from. */
  source: 'info' | 'comment' | 'none';
  /** Set when the options could not be read (the text is kept in `values` as far as it went). */
  error: string | null;
}

/** How a block ran, as recorded in its result line. */
export interface BlockResult {
  outcome: 'passed' | 'failed' | 'timed out' | 'canceled' | 'skipped';
  /** Whether what ran was the operator's edit of the block rather than the block as written. */
  edited?: boolean;
  exitCode: number | null;
  durationMs: number;
  /** ISO-8601 UTC time the block finished. */
  at: string;
  operator: string;
  /** Why it failed or timed out, as the line says it (unescaped), or null. */
  reason?: string | null;
  /** Of a block on other hosts, where: `3/3 hosts`, `db-2 (1 of 3)`. */
  on?: string;
  /** The whole result line, without its container prefix or line ending. */
  span: Span;
  /** The result line with its line ending, as it would be removed. */
  lineSpan: Span;
  line: number;
}

/**
 * A block's options, read once by the parser. A value that does not read is a model problem
 * (`option-value`) and leaves the field at its default, so nothing downstream has to parse again.
 */
export interface BlockSettings {
  /** `name=`, else `id=` (Runme's spelling); how `--only`/`--from` and the journal refer to it. */
  name: string | null;
  /** `id=` as written. */
  id: string | null;
  /** `description=`, for people. */
  description: string | null;
  /** `timeout=` in milliseconds (above zero); null: the session's default. */
  timeoutMs: number | null;
  /** `confirm=WORD`: the word the operator must type before it runs. */
  confirm: string | null;
  /** `cwd=` as written (relative to the document's folder); null: the session's directory. */
  cwd: string | null;
  /** `errexit=` (default true): whether the block runs under `set -e`. */
  errexit: boolean;
  /** `pipefail=` (default true): whether the block runs under `set -o pipefail`. */
  pipefail: boolean;
  /** Variable names `secret=` marks (comma- or space-separated), whose values are masked. */
  secret: string[];
  /** `until=`: a check to poll after the block ran, until it passes. */
  until: string | null;
  /** `every=` in milliseconds: the pause between polls; null: the session's default. */
  everyMs: number | null;
  /** `within=` in milliseconds: how long polling may go on; null: the session's default. */
  withinMs: number | null;
  /** `rollback`: the block undoes earlier steps, and runs only when one failed. */
  rollback: boolean;
  /** `skip`, or Runme's `excludeFromRunAll`: never run it. */
  skip: boolean;
  /** `evidence` (or `evidence=PATH,…`): keep what the block produces as evidence; `evidence=false`: do not; null: not said. */
  keepEvidence: boolean | null;
  /** The paths `evidence=PATH,…` names, as written. */
  evidenceFiles: string[];
  /** `host=NAME` (one host) or `hosts=GROUP` (a group of the inventory); null: this machine. */
  target: BlockTarget | null;
  /** `parallel=N` (default 1): how many hosts of a group run the block at once. */
  parallel: number;
}

/** Where a block runs when not on this machine: a name the inventory (or ssh config) resolves. */
export interface BlockTarget {
  kind: 'host' | 'group';
  name: string;
}

/** A fenced code block. */
export interface Block extends BlockSettings {
  index: number;
  lang: string;
  /** The text after the language in the info string. */
  meta: string;
  options: BlockOptions;
  runnable: boolean;
  /** Why a shell block is not runnable, when it is not. */
  skipReason: string | null;
  /** The code, with container prefixes removed. */
  body: string;
  line: number;
  column: number;
  span: Span;
  infoSpan: Span;
  /** From the first line after the opening fence to the start of the closing fence line. */
  bodySpan: Span;
  /** The closing fence line, or null for a fence left open. */
  closeSpan: Span | null;
  /** What stands before the fence on its line and on each continuation line (`> `, spaces). */
  prefix: string;
  section: number | null;
  /** Index of the task item that owns this block. */
  task: number | null;
  result: BlockResult | null;
  /** The evidence line under the result line, when there is one. */
  evidence: EvidenceLine | null;
}

/** One file an evidence line names: its stored copy, or a note on why none was kept. */
export interface EvidenceEntry {
  /** The stored copy, relative to `.runbook/evidence/` (`<session>/<file>`), or the path as named. */
  name: string;
  /** Size and any note, as written (`48.0 KB`, `not found after the block`). */
  detail: string;
  /** The leading hex digits of the stored copy's SHA-256, or null for a note. */
  sha256: string | null;
  line: number;
  column: number;
}

/**
 * The line written under a block that kept evidence:
 * `*evidence:* \`3f9a21c0b2d4/api.log\` · 48.0 KB · sha256 3f2a9c0d1e2f3a4b`.
 */
export interface EvidenceLine {
  entries: EvidenceEntry[];
  /** The line's content, without container prefix or line ending. */
  span: Span;
  /** The line with the blank line before it, as it would be removed. */
  lineSpan: Span;
  line: number;
}

/**
 * A checkbox the engine ticks: a GFM task-list item (`task`), or, as an extension GitHub shows as
 * text, a list item starting with a sign (`glyph-item`: `- □ item`) or a line of a plain fenced
 * checklist (`glyph-line`: `□ item`), see parser/glyphs.ts.
 */
export interface Task {
  index: number;
  kind: 'task' | 'glyph-item' | 'glyph-line';
  /** For glyph boxes: the signs ticking and unticking write, as the box's list or block pairs them. */
  pair: GlyphPair | null;
  checked: boolean;
  text: string;
  line: number;
  /** The list item, marker to end. */
  span: Span;
  /** The three characters `[ ]` / `[x]`, or the sign of a glyph box. */
  checkboxSpan: Span;
  section: number | null;
  /** Index of the task item this one is nested in. */
  parent: number | null;
}

/** What a table cell holds, as far as the engine is concerned. */
export type CellKind = 'checkbox' | 'fillable' | 'na' | 'text';

/** Checkbox state of a table cell. */
export type CheckboxState = 'unchecked' | 'checked' | 'failed';

/** The glyph family a checkbox cell uses; ticking keeps it. */
export type CheckboxFamily = 'brackets' | 'ballot' | 'square';

/** One table cell. */
export interface Cell {
  /** The cell's content with surrounding whitespace removed and `\|` unescaped. */
  text: string;
  /** The content as written (escapes kept). */
  raw: string;
  kind: CellKind;
  checkbox: CheckboxState | null;
  family: CheckboxFamily | null;
  /** The trimmed content. For an empty cell, an empty span where content would go. */
  span: Span;
  /** Everything between the two pipes (or row edge). */
  outer: Span;
  /** True when the row has fewer cells than the header and this one is implied. */
  missing: boolean;
  /** The text of each code span in the cell, as GFM reads it. */
  code: string[];
}

/** One table row. */
export interface Row {
  line: number;
  span: Span;
  cells: Cell[];
}

/** A GFM table. */
export interface Table {
  index: number;
  line: number;
  span: Span;
  header: string[];
  align: Array<'left' | 'right' | 'center' | null>;
  headerRow: Row;
  rows: Row[];
  section: number | null;
}

/** Which column of a scenario table plays which part; -1 when the table has none. */
export interface ScenarioColumns {
  /** Inline code to run: the injection or smoke test. */
  command: number;
  /** Inline code to poll until the system has recovered. */
  until: number;
  /** The acceptance gate (`RTO < 60 s`). */
  gate: number;
  /** Filled with the time the scenario started, finished, recovered. */
  started: number;
  finished: number;
  recovered: number;
  /** Filled with the measured duration. */
  measured: number;
  /** Filled with the outcome in words. */
  outcome: number;
  /** The checkbox column ticked when the gate is met (`Auto-recovery?`, `Pass`). */
  box: number;
}

/** A playable table row: a game-day scenario. */
export interface Scenario {
  index: number;
  table: number;
  /** Body row index in the table. */
  row: number;
  line: number;
  /** The row's first cell, for `--only` and the journal. */
  id: string;
  /** The row's leading text cells, for people. */
  name: string;
  /** The inline code of the command cell (several spans run one after another), or null. */
  command: string | null;
  /** Why the row cannot run, when it cannot. */
  problem: string | null;
  /** The inline code of the recovery-check cell, or null. */
  until: string | null;
  /** The gate cell's text, unless blank. */
  gateText: string | null;
  /** The gate read from it, or null when there is none or it is not in words the engine knows. */
  gate: Gate | null;
  columns: ScenarioColumns;
  section: number | null;
}

/** Where a variable gets a declared value or its documentation. */
export interface VariableDeclaration {
  name: string;
  default: string | null;
  source: 'front-matter' | 'knob-table';
  line: number;
  description: string | null;
  secret: boolean;
}

/** A `$VAR` use in a runnable block. */
export interface VariableReference {
  name: string;
  block: number;
  line: number;
  column: number;
  /** The default given in `${VAR:-default}`, if any. */
  default: string | null;
  /** True when an earlier point of the same or a previous block assigns the variable. */
  assignedBefore: boolean;
}

/** A link or image destination written in the document. */
export interface Link {
  url: string;
  kind: 'link' | 'image' | 'definition';
  line: number;
  column: number;
  span: Span;
}

/** A whole runbook document. */
export interface Runbook {
  bom: boolean;
  eol: LineEnding;
  /** Whether the text ends with a line ending. */
  finalNewline: boolean;
  length: number;
  title: string | null;
  frontMatter: FrontMatter | null;
  sections: Section[];
  blocks: Block[];
  tasks: Task[];
  tables: Table[];
  links: Link[];
  /** Written but never shown as text: indented code blocks, and the tags and comments of raw HTML. */
  unrendered: Span[];
  /** Playable table rows, in document order. */
  scenarios: Scenario[];
  declarations: VariableDeclaration[];
  references: VariableReference[];
  problems: Problem[];
  /** Where each independently parsed piece starts (see parser/chunks.ts); lets an edit re-parse one piece. */
  chunkStarts: number[];
}
