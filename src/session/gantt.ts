import type { Bar, BarOutcome, Timeline } from './timeline.js';

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
function tag(outcome: BarOutcome): string {
  if (outcome === 'failed' || outcome === 'timed out') return 'crit';
  if (outcome === 'passed') return 'done';
  return 'active';
}

/**
 * The most text Mermaid draws: past its `maxTextSize` (50 000 characters by default, as on
 * GitHub), it shows "Maximum text size in diagram exceeded" instead of the chart. A little is
 * kept back for the fence around it.
 */
export const CHART_MAX = 49_000;

/**
 * The timeline as a Mermaid `gantt` chart, one task per step run in the order they started,
 * times as epoch milliseconds (`dateFormat x`) so no time zone is guessed; scenario rows with a
 * gate get a milestone where the gate's limit falls. A session of more steps than one chart can
 * hold (see `CHART_MAX`) draws them in runs of consecutive steps, one bar per run, from its
 * first start to its last end, colored by its worst outcome and counting what did not pass.
 */
export function ganttChart(timeline: Timeline): string {
  let chart = drawn(timeline, 1);
  for (let size = 2; chart.length > CHART_MAX; size = Math.max(size + 1, Math.ceil((size * chart.length) / CHART_MAX))) chart = drawn(timeline, size);
  return chart;
}

/** The chart with bars taken `size` at a time. */
function drawn(timeline: Timeline, size: number): string {
  const lines = ['gantt', `  title ${ganttLabel(`Session ${timeline.sessions.at(-1) ?? ''} - ${timeline.outcome}`)}`, '  dateFormat x', '  axisFormat %H:%M:%S'];
  const sections: Array<[string, Bar[]]> = [
    ['Steps', timeline.bars.filter((b) => b.kind === 'block')],
    ['Scenarios', timeline.bars.filter((b) => b.kind === 'scenario')],
  ];
  let n = 0;
  for (const [name, bars] of sections) {
    if (!bars.length) continue;
    lines.push(`  section ${name}`);
    for (let i = 0; i < bars.length; i += size) {
      const run = bars.slice(i, i + size);
      const first = n + 1;
      n += run.length;
      if (run.length === 1) {
        const bar = run[0]!;
        const words = bar.outcome === 'passed' ? '' : ` - ${bar.outcome}`;
        // A step that took no time still gets a sliver, so it is drawn.
        lines.push(`  ${ganttLabel(`${n}. ${bar.label}${bar.edited ? ' (edited)' : ''}${words}`)} :${tag(bar.outcome)}, t${n}, ${bar.start}, ${Math.max(bar.end, bar.start + 1)}`);
        if (bar.gateMs) lines.push(`  ${ganttLabel(`${n}. gate ${bar.gate ?? ''}`)} :milestone, g${n}, ${bar.start + bar.gateMs}, 0ms`);
        continue;
      }
      const start = Math.min(...run.map((b) => b.start));
      const end = Math.max(...run.map((b) => b.end));
      const missed = [...new Set(run.map((b) => b.outcome).filter((o) => o !== 'passed'))].map((o) => `${run.filter((b) => b.outcome === o).length} ${o}`);
      lines.push(`  ${ganttLabel(`${first}-${n}. ${run.length} ${name.toLowerCase()}${missed.length ? ` - ${missed.join(', ')}` : ''}`)} :${tag(worst(run))}, t${n}, ${start}, ${Math.max(end, start + 1)}`);
    }
  }
  return lines.join('\n');
}

/** The outcome a run of bars is colored by: a failure first, then anything not passed. */
function worst(bars: Bar[]): BarOutcome {
  return bars.find((b) => b.outcome === 'failed' || b.outcome === 'timed out')?.outcome ?? bars.find((b) => b.outcome !== 'passed')?.outcome ?? 'passed';
}
