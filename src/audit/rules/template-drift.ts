import type { Hit, Rule } from '../types.js';

/**
 * Sections, checklist items and table rows of the template the session doc was created from
 * (its front matter `runbook.template`) that the session doc no longer has.
 */
export const templateDrift: Rule = {
  id: 'template-drift',
  severity: 'error',
  description: 'Something of the template the session doc came from is missing from it.',
  check({ model, template, templateRef }) {
    const line = model.frontMatter ? 1 : 1;
    if (templateRef && !template) return [{ line, column: 1, message: `the template ${templateRef} named in front matter cannot be read` }];
    if (!template) return [];
    const hits: Hit[] = [];
    const sections = new Set(model.sections.map((s) => s.text));
    for (const s of template.model.sections) {
      if (!sections.has(s.text)) hits.push({ line, column: 1, message: `section "${s.text}" of the template (line ${s.line}) is missing` });
    }
    const strip = (t: string) => t.replace(/~~/g, '').trim();
    const tasks = new Set(model.tasks.map((t) => strip(t.text)));
    for (const t of template.model.tasks) {
      if (!tasks.has(strip(t.text))) hits.push({ line, column: 1, message: `checklist item "${t.text}" of the template (line ${t.line}) is missing` });
    }
    for (const t of template.model.tables) {
      const same = model.tables.find((o) => o.header.join('|') === t.header.join('|'));
      if (!same) {
        hits.push({ line, column: 1, message: `the table with columns ${t.header.join(', ')} of the template (line ${t.line}) is missing` });
        continue;
      }
      const rows = new Set(same.rows.map((r) => r.cells[0]!.text));
      for (const r of t.rows) {
        if (!rows.has(r.cells[0]!.text)) hits.push({ line: same.line, column: 1, message: `row "${r.cells[0]!.text}" of the template's table (line ${r.line}) is missing` });
      }
    }
    return hits;
  },
};
