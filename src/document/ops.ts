import type { Block, Cell, CheckboxFamily, CheckboxState, LineEnding, Row, Runbook, Task, TextLike } from '../parser/index.js';
import { DURATION_COLUMN, endsParagraph, evidenceColumn, pairedSign, parseCellTime, TIME_COLUMN } from '../parser/index.js';

export { DURATION_COLUMN, TIME_COLUMN };
import type { Edit } from './edits.js';
import { removeTimelineEdits } from './timeline.js';

/**
 * Ticks or unticks a task: the three characters of its box, or the sign of a glyph box (which
 * takes the sign its list or block pairs with it: `□`→`☑`, `☐`→`☒` where the block does so).
 */
export function tickTaskEdits(text: TextLike, task: Task, checked: boolean): Edit[] {
  if (task.checked === checked) return [];
  const box = text.slice(task.checkboxSpan.start, task.checkboxSpan.end);
  const next = task.pair ? (checked ? task.pair.ticked : task.pair.unticked) : checked ? '[x]' : '[ ]';
  return box === next ? [] : [{ ...task.checkboxSpan, text: next }];
}

/**
 * Sets a checkbox cell, keeping its kind of box (`[ ]`↔`[x]`, `⬜`↔`✅`, and among `☐`, `□`, `☑`,
 * `☒`, `■`, `✓` the signs its column pairs, else `□`/`☐`→`☑`); `❌` marks an answered "no". A
 * `❌` being unticked takes the family of the other boxes in its column.
 */
export function setCheckboxEdits(cell: Cell, state: CheckboxState, rows: Row[] = [], column = -1): Edit[] {
  if (cell.kind !== 'checkbox' || cell.checkbox === state) return [];
  if (state === 'failed') return [{ ...cell.span, text: '❌' }];
  const family = cell.checkbox === 'failed' ? (columnFamily(rows, column) ?? 'square') : (cell.family ?? 'brackets');
  if (family === 'brackets') return [{ ...cell.span, text: state === 'checked' ? '[x]' : '[ ]' }];
  const sign = cell.checkbox === 'failed' ? (family === 'square' ? '⬜' : '☐') : cell.text;
  const signs = rows.flatMap((row) => (row.cells[column]?.kind === 'checkbox' ? [row.cells[column].text] : []));
  return [{ ...cell.span, text: pairedSign(sign, state === 'checked' ? 'ticked' : 'unticked', signs) }];
}

/** The family most boxes in a column use, for a cell that has lost its own. */
function columnFamily(rows: Row[], column: number): CheckboxFamily | null {
  const counts = new Map<CheckboxFamily, number>();
  for (const row of rows) {
    const cell = row.cells[column];
    if (cell?.family && cell.checkbox !== 'failed') counts.set(cell.family, (counts.get(cell.family) ?? 0) + 1);
  }
  let best: CheckboxFamily | null = null;
  for (const [family, count] of counts) if (best === null || count > counts.get(best)!) best = family;
  return best;
}

/** Refuses text that cannot live in one table cell. */
export function cellText(value: string): string {
  if (/[\r\n]/.test(value)) throw new RangeError('a table cell holds one line: remove the line breaks');
  const escaped = value.trim().replace(/(?<!\\)\|/g, '\\|');
  // A backslash right before the cell's closing pipe would escape it.
  return escaped.endsWith('\\') ? `${escaped} ` : escaped;
}

/**
 * Fills a cell with text: pipes escaped, one space of padding kept on each side, other cells
 * and rows untouched (no re-padding). A cell missing from a short row is added at its end.
 */
export function fillCellEdits(text: TextLike, row: Row, column: number, value: string): Edit[] {
  const content = cellText(value);
  const cell = row.cells[column]!;
  if (!cell.missing) {
    if (text.slice(cell.span.start, cell.span.end) === content) return [];
    const before = text.slice(cell.span.start - 1, cell.span.start) || undefined;
    const after = text.slice(cell.span.end, cell.span.end + 1) || undefined;
    const lead = cell.span.start === cell.span.end && (before === '|' || cell.span.start === cell.outer.start) ? ' ' : '';
    const trail = cell.span.start === cell.span.end && (after === '|' || after === undefined || cell.span.end === cell.outer.end) ? ' ' : '';
    return [{ ...cell.span, text: `${lead}${content}${trail}` }];
  }
  return fillMissingCellsEdits(text, row, new Map([[column, content]]));
}

/**
 * Fills several cells missing from a short row in one insertion at the row's end (separate
 * insertions at the same place would each pad from the same last cell). Cells between are added
 * empty; `values` holds escaped cell text by column.
 */
export function fillMissingCellsEdits(text: TextLike, row: Row, values: Map<number, string>): Edit[] {
  const real = row.cells.filter((c) => !c.missing).length;
  const last = Math.max(...values.keys());
  // Spaces after the last pipe are not a cell: what is added goes right after that pipe.
  let end = row.span.end;
  while (end > row.span.start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  const closed = text.charCodeAt(end - 1) === 0x7c;
  let insert = closed ? '' : ' |';
  for (let i = real; i <= last; i++) insert += values.has(i) && values.get(i) !== '' ? ` ${values.get(i)} |` : '  |';
  return [{ start: end, end, text: closed ? insert : insert.replace(/ \|$/, '') }];
}

/**
 * Writes a block's result line right after its closing fence, inside the same container and with
 * the file's line ending, or replaces the one already there. When the next line is not blank, a
 * blank line (with the container's prefix) keeps the result its own paragraph: a `---` or `===`
 * right after it would otherwise turn it into a heading.
 */
export function resultLineEdits(text: TextLike, block: Block, line: string, eol: LineEnding): Edit[] {
  if (!block.closeSpan) throw new RangeError(`the block at line ${block.line} has no closing fence; close it before recording a result`);
  if (block.result) {
    if (text.slice(block.result.span.start, block.result.span.end) === line) return [];
    return [{ ...block.result.span, text: line }];
  }
  return [{ start: block.closeSpan.end, end: block.closeSpan.end, text: `${eol}${block.prefix}${line}${separator(text, block.closeSpan.end, block.prefix, eol)}` }];
}

/**
 * What keeps a line inserted at the end of the line ending at `at` a paragraph of its own: a
 * blank line (with the container's prefix) when the next line would otherwise join it — as lazy
 * continuation text, or as the underline of a heading — and nothing when the next line is blank or
 * starts a block that ends a paragraph anyway (see `endsParagraph`), so that a tight list stays
 * tight and `reset` gives back the bytes of the template.
 */
function separator(text: TextLike, at: number, prefix: string, eol: LineEnding): string {
  // The line ends at `at`; the next line is read from there, not by indexing the file.
  const hasNext = at < text.length;
  const nextStart = at + (text.slice(at, at + 2) === '\r\n' ? 2 : 1);
  let nextEnd = nextStart;
  while (nextEnd < text.length && text.charCodeAt(nextEnd) !== 10 && text.charCodeAt(nextEnd) !== 13) nextEnd++;
  const nextLine = hasNext ? text.slice(nextStart, nextEnd) : '';
  if (!hasNext || nextLine.replace(/[ \t>]/g, '') === '') return '';
  return endsParagraph(nextLine, prefix) ? '' : `${eol}${prefix.trimEnd()}`;
}

/**
 * Writes a block's evidence line as a paragraph of its own under its result line (a blank line
 * between), or replaces the one already there.
 */
export function evidenceLineEdits(text: TextLike, block: Block, line: string, eol: LineEnding): Edit[] {
  if (block.evidence) {
    if (text.slice(block.evidence.span.start, block.evidence.span.end) === line) return [];
    return [{ ...block.evidence.span, text: line }];
  }
  const at = block.result?.span.end ?? block.closeSpan?.end;
  if (at === undefined) throw new RangeError(`the block at line ${block.line} has no closing fence; close it before recording evidence`);
  return [{ start: at, end: at, text: `${eol}${block.prefix.trimEnd()}${eol}${block.prefix}${line}${separator(text, at, block.prefix, eol)}` }];
}

/**
 * Writes a block's result line and its evidence line together, in one write: replaced where they
 * are, or — for a block that has neither — inserted after the fence as one piece of text.
 */
export function resultWithEvidenceEdits(text: TextLike, block: Block, result: string, evidence: string, eol: LineEnding): Edit[] {
  if (block.result || block.evidence || !block.closeSpan) return [...resultLineEdits(text, block, result, eol), ...evidenceLineEdits(text, block, evidence, eol)];
  const at = block.closeSpan.end;
  return [{ start: at, end: at, text: `${eol}${block.prefix}${result}${eol}${block.prefix.trimEnd()}${eol}${block.prefix}${evidence}${separator(text, at, block.prefix, eol)}` }];
}

/** Removes a block's evidence line and the blank line before it. */
export function removeEvidenceEdits(block: Block): Edit[] {
  return block.evidence ? [{ ...block.evidence.lineSpan, text: '' }] : [];
}

/**
 * Replaces a block's code with `body`, touching only the lines between what the old and the new
 * code share at their start and at their end: those keep their bytes. A new line takes the
 * container's prefix (a blank one the prefix without its trailing spaces) and the file's line
 * ending. The caller checks that the result reads back as `body` (see `Document`).
 */
export function blockBodyEdits(text: TextLike, block: Block, body: string, eol: LineEnding): Edit[] {
  if (!block.closeSpan) throw new RangeError(`the block at line ${block.line} has no closing fence; close it before saving an edit into it`);
  const { start, end } = block.bodySpan;
  const raw = text.slice(start, end).match(/[^\r\n]*(?:\r\n|\r|\n)/g) ?? [];
  const old = block.body === '' ? [] : block.body.split(/\r\n|\r|\n/);
  const next = body === '' ? [] : body.split(/\r\n|\r|\n/);
  // A body the parser read differently from its lines (tabs expanded, say) is rewritten whole.
  const lines = raw.length === old.length ? old : [];
  let head = 0;
  while (head < lines.length && head < next.length && lines[head] === next[head]) head++;
  let tail = 0;
  while (tail < lines.length - head && tail < next.length - head && lines[lines.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
  const from = start + raw.slice(0, lines.length ? head : 0).join('').length;
  const to = end - raw.slice(lines.length ? raw.length - tail : raw.length).join('').length;
  const middle = (lines.length ? next.slice(head, next.length - tail) : next).map((line) => `${line === '' ? block.prefix.trimEnd() : block.prefix + line}${eol}`).join('');
  if (text.slice(from, to) === middle) return [];
  return [{ start: from, end: to, text: middle }];
}

/** Removes a block's result line, line ending included. */
export function removeResultEdits(block: Block): Edit[] {
  return block.result ? [{ ...block.result.lineSpan, text: '' }] : [];
}

/**
 * Puts a filled document back to its template state: every task and checkbox cell unticked,
 * every result and evidence line and the session timeline removed (the stored copies stay: see
 * docs/syntax.md); with `cells`, also what a session writes into cells emptied (see `filledCell`).
 */
export function resetEdits(text: string, model: Runbook, options: { cells?: boolean } = {}): Edit[] {
  const edits: Edit[] = [];
  for (const task of model.tasks) edits.push(...tickTaskEdits(text, task, false));
  for (const table of model.tables) {
    const scenario = model.scenarios.some((s) => s.table === table.index);
    // In a scenario table, the outcome column is the engine's too, as is an Evidence column.
    const outcome = model.scenarios.find((s) => s.table === table.index)?.columns.outcome ?? -1;
    const evidence = evidenceColumn(table.header);
    const kinds = table.header.map((name, column): ColumnKind => {
      if (column === outcome || column === evidence) return 'engine';
      if (TIME_COLUMN.test(name.trim())) return 'time';
      return DURATION_COLUMN.test(name.trim()) ? 'duration' : 'other';
    });
    for (const row of table.rows) {
      // A row with a time of day in a time column, or a box ticked, was filled during a session;
      // its durations too.
      const filled = scenario || row.cells.some((cell, column) => (kinds[column] === 'time' && isTimeOfDay(cell.text)) || (cell.kind === 'checkbox' && cell.checkbox !== 'unchecked'));
      kinds.forEach((kind, column) => {
        const cell = row.cells[column]!;
        if (cell.kind === 'checkbox') return void edits.push(...setCheckboxEdits(cell, 'unchecked', table.rows, column));
        if (!options.cells || cell.missing || cell.span.end === cell.span.start || !filledCell(cell, kind, filled)) return;
        // Emptied back to `| |`: the content and the padding after it go, the space before stays.
        edits.push({ start: cell.span.start, end: cell.outer.end, text: '' });
      });
    }
  }
  // Removed lines, merged where they touch: the timeline's removal takes the line endings before
  // it, which may end the result line above it.
  const removals = [...model.blocks.flatMap((block) => [...removeResultEdits(block), ...removeEvidenceEdits(block)]), ...removeTimelineEdits(text)];
  edits.push(...atTheEnd(text, mergeRemovals(removals)));
  return edits;
}

type ColumnKind = 'engine' | 'time' | 'duration' | 'other';

/**
 * Whether `reset --cells` empties a cell: the engine's outcome and Evidence cells, a time column's
 * time of day or date (`fill --now` writes one; an operator types `14:03`) or placeholder (`TBD`),
 * and a duration column's cell in a row filled during a session (`filled`). What a template says
 * ahead of any session stays: a planned `T-24h` in a `When` column, `4 h` in a plan's `Duration`.
 */
function filledCell(cell: Cell, kind: ColumnKind, filled: boolean): boolean {
  if (kind === 'engine') return true;
  if (kind === 'time') return cell.kind === 'fillable' || isTimeOfDay(cell.text);
  return kind === 'duration' && filled;
}

/** A time of day or a date, in a zone this may not know (`14:03 IST`); not a relative `T-24h`. */
function isTimeOfDay(text: string): boolean {
  const time = parseCellTime(text);
  return time !== null ? time.kind !== 'relative' : /^[~≈]?\s*(?:\d{4}-\d\d-\d\d\b|\d{1,2}(?::\d\d|h\d\d)\b)/.test(text.replace(/[`*_]/g, '').trim());
}

/**
 * Removals of whole lines, the last of which may end the file with no line ending: the line
 * ending before the first of them goes too, so that the file ends as it did before they were
 * added (`run` adds a result line under a fence that ends the file with a line ending before it).
 */
function atTheEnd(text: string, removals: Edit[]): Edit[] {
  if (!removals.length || /[\r\n]$/.test(text) || removals[removals.length - 1]!.end !== text.length) return removals;
  let first = removals.length - 1;
  while (first > 0 && removals[first - 1]!.end === removals[first]!.start) first--;
  const start = removals[first]!.start;
  if (start === 0 || !/[\r\n]/.test(text[start - 1]!)) return removals;
  const eol = text.slice(start - 2, start) === '\r\n' ? 2 : 1;
  return removals.map((edit, i) => (i === first ? { ...edit, start: start - eol } : edit));
}

/** Removals in order, those that overlap made one. */
function mergeRemovals(removals: Edit[]): Edit[] {
  const merged: Edit[] = [];
  for (const edit of [...removals].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && edit.start < last.end) last.end = Math.max(last.end, edit.end);
    else merged.push({ ...edit });
  }
  return merged;
}
