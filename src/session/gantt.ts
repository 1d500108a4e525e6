import type { Bar, Timeline } from './timeline.js';

/** Labels longer than this are cut: a chart on a Git host has little room beside each bar. */
const LABEL_MAX = 60;

/**
 * A step name as Mermaid shows it and cannot misread. Mermaid decodes `#<code>;` in any diagram
 * text (its `encodeEntities`), so every character outside a plain set becomes one: a `:` ends a
 * task's name, `#` and `;` start entities, `%%` a comment, and a name like `section x` or
 * `click x` would be a statement, which the step number in front of every label rules out.
 */
export function ganttLabel(text: string): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  const cut = chars.length > LABEL_MAX ? [...chars.slice(0, LABEL_MAX - 1), '…'] : chars;
  return cut.map((c) => (/[A-Za-z0-9 .,_()\-/+=?!@]/.test(c) ? c : `#${c.codePointAt(0)};`)).join('');
}

/** Mermaid's task tag for an outcome: failures are `crit` (red), passes `done`, the rest `active`. */
function tag(bar: Bar): string {
  if (bar.outcome === 'failed' || bar.outcome === 'timed out') return 'crit';
  if (bar.outcome === 'passed') return 'done';
  return 'active';
}

/**
 * The timeline as a Mermaid `gantt` chart, one task per step run in the order they started,
 * times as epoch milliseconds (`dateFormat x`) so no time zone is guessed; scenario rows with a
 * gate get a milestone where the gate's limit falls.
 */
export function ganttChart(timeline: Timeline): string {
  const lines = ['gantt', `  title ${ganttLabel(`Session ${timeline.sessions.at(-1) ?? ''} - ${timeline.outcome}`)}`, '  dateFormat x', '  axisFormat %H:%M:%S'];
  const sections: Array<[string, Bar[]]> = [
    ['Steps', timeline.bars.filter((b) => b.kind === 'block')],
    ['Scenarios', timeline.bars.filter((b) => b.kind === 'scenario')],
  ];
  let n = 0;
  for (const [name, bars] of sections) {
    if (!bars.length) continue;
    lines.push(`  section ${name}`);
    for (const bar of bars) {
      n++;
      const words = bar.outcome === 'passed' ? '' : ` - ${bar.outcome}`;
      // A step that took no time still gets a sliver, so it is drawn.
      lines.push(`  ${ganttLabel(`${n}. ${bar.label}${bar.edited ? ' (edited)' : ''}${words}`)} :${tag(bar)}, t${n}, ${bar.start}, ${Math.max(bar.end, bar.start + 1)}`);
      if (bar.gateMs) lines.push(`  ${ganttLabel(`${n}. gate ${bar.gate ?? ''}`)} :milestone, g${n}, ${bar.start + bar.gateMs}, 0ms`);
    }
  }
  return lines.join('\n');
}
