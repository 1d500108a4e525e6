import { rowName, type Runbook } from '../../parser/index.js';
import type { Hit, Rule } from '../types.js';

const strip = (text: string) => text.replace(/~~/g, '').trim();

/**
 * Blanks a template leaves for the session to fill: `____`, `{{value}}`, `<name>`, `YYYY-MM-DD`,
 * `HH:MM`, `TBD`. Filled in, a task, heading or row name that held one is still the template's.
 */
const BLANK = /_{3,}|\{\{[^}]*\}\}|<[^<>]+>|(?<![A-Za-z])(?:YYYY|yyyy)(?:[-/.](?:MM|mm)(?:[-/.](?:DD|dd))?)?(?![A-Za-z])|(?<![A-Za-z])(?:HH|hh):(?:MM|mm)(?::(?:SS|ss))?(?![A-Za-z])|(?<![A-Za-z])(?:TBD|TODO|TBC)(?![A-Za-z])/;

/** What starts a note written after an item: a space, a dash, a colon, a bracket, a comma. */
const NOTE = /^[\s—–:(,;-]/;

/**
 * Whether a text of the session doc is the template's `text`, its blanks filled with anything;
 * with `noted`, also with a note the operator wrote after it (`Open a ticket — INC-4411`).
 */
function sameAs(text: string, noted = false): (other: string) => boolean {
  if (!BLANK.test(text)) return (other) => other === text || (noted && other.startsWith(text) && NOTE.test(other.slice(text.length)));
  const note = noted ? `(?:${NOTE.source.slice(1)}.*)?` : '';
  const parts = text.split(new RegExp(BLANK.source, 'g')).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`^${parts.join('.+?')}${note}$`, 's');
  return (other) => other === text || pattern.test(other);
}

/**
 * Where something of the template would stand in the session doc: the doc's heading of the same
 * name, else that of the closest section before it in the template that the doc still has, else
 * the doc's first heading.
 */
function sectionLine(model: Runbook, template: Runbook, section: number | null): number {
  for (let s = section; s !== null && s >= 0; s--) {
    const same = model.sections.find((o) => o.text === template.sections[s]!.text);
    if (same) return same.line;
  }
  return model.sections[0]?.line ?? 1;
}

/** The line of the front matter's `runbook:` record entry `key`, for findings about the pin itself. */
function pinLine(text: string, key: string): number {
  const lines = text.split(/\r\n|\r|\n/);
  const at = lines.findIndex((line) => new RegExp(`^\\s*${key}:`).test(line));
  return at === -1 ? 1 : at + 1;
}

/**
 * Sections, checklist items, tables and table rows of the template the session doc was created
 * from (its front matter `runbook.template`, read as it was at the pinned commit) that the session
 * doc no longer has, each placed where it would stand in the session doc.
 */
export const templateDrift: Rule = {
  id: 'template-drift',
  severity: 'error',
  description: 'Something of the template the session doc came from is missing from it.',
  check({ model, text, template, templateNote }) {
    if (templateNote) return [{ line: pinLine(text, templateNote.field), column: 1, message: templateNote.message }];
    if (!template) return [];
    const pinned = template.model;
    const hits: Hit[] = [];
    for (const s of pinned.sections) {
      const same = sameAs(s.text);
      if (!model.sections.some((o) => same(o.text))) {
        hits.push({ line: sectionLine(model, pinned, s.index - 1), column: 1, message: `section "${s.text}" of the template (line ${s.line}) is missing` });
      }
    }
    // Each item of the template is looked for in the doc's section of the same name (an item
    // repeated in another section is not it), anywhere when the doc has no such section; each of
    // the doc's items answers for one of the template's only.
    const used = new Set<number>();
    const found = pinned.tasks.map((t) => {
      const same = sameAs(strip(t.text), true);
      const heading = t.section === null ? null : sameAs(pinned.sections[t.section]!.text);
      const sections = heading === null ? [] : model.sections.filter((o) => heading(o.text)).map((o) => o.index);
      const inPlace = (o: Runbook['tasks'][number]) => (t.section === null ? o.section === null : !sections.length || (o.section !== null && sections.includes(o.section)));
      const match = model.tasks.find((o) => !used.has(o.index) && inPlace(o) && same(strip(o.text)));
      if (match) used.add(match.index);
      return match;
    });
    pinned.tasks.forEach((t, i) => {
      if (found[i]) return;
      // After the task that came before it in the template, when the doc has it in the same section.
      let before = i - 1;
      while (before >= 0 && !(pinned.tasks[before]!.section === t.section && found[before])) before--;
      const line = before >= 0 ? found[before]!.line : sectionLine(model, pinned, t.section);
      hits.push({ line, column: 1, message: `checklist item "${t.text}" of the template (line ${t.line}) is missing` });
    });
    for (const t of pinned.tables) {
      const same = model.tables.find((o) => o.header.join('|') === t.header.join('|'));
      if (!same) {
        hits.push({ line: sectionLine(model, pinned, t.section), column: 1, message: `the table with columns ${t.header.join(', ')} of the template (line ${t.line}) is missing` });
        continue;
      }
      const rowIn = (name: string) => {
        const like = sameAs(name);
        return same.rows.find((o) => like(rowName(same, o)));
      };
      t.rows.forEach((r, i) => {
        const name = rowName(t, r);
        // A row with nothing in it is a place to fill, not a row that must keep its name.
        if (name === '' || rowIn(name)) return;
        const before = t.rows.slice(0, i).reverse().find((o) => rowName(t, o) !== '' && rowIn(rowName(t, o)));
        hits.push({ line: before ? rowIn(rowName(t, before))!.line : same.line, column: 1, message: `row "${name}" of the template's table (line ${r.line}) is missing` });
      });
    }
    return hits;
  },
};
