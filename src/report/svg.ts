import { scaleUtc } from 'd3-scale';
import { formatSeconds } from '../parser/index.js';
import type { Bar, Timeline } from '../session/timeline.js';

const WIDTH = 1000;
const LABELS = 280;
const RIGHT = 20;
const ROW = 22;
const AXIS = 28;

/** Escapes text for HTML and SVG, attributes included. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A UTC time of day, as the axis and the hover text show it. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** The hover text of a bar: name, times, exit code and why it failed. */
export function hoverText(bar: Bar): string {
  const lines = [`${bar.kind === 'block' ? `Block ${bar.ref}: ` : 'Scenario '}${bar.label}${bar.edited ? ' (edited before it ran)' : ''}`];
  lines.push(`${bar.outcome} · ${clock(bar.start)} → ${clock(bar.end)} UTC · ${formatSeconds(bar.end - bar.start)}`);
  if (bar.exitCode !== null) lines.push(`exit ${bar.exitCode}`);
  if (bar.gate) lines.push(`gate ${bar.gate}${bar.measuredMs == null ? '' : ` · measured ${formatSeconds(bar.measuredMs)}${bar.gateMet === false ? ' (missed)' : bar.gateMet ? ' (met)' : ''}`}`);
  if (bar.reason) lines.push(`reason: ${bar.reason}`);
  return lines.join('\n');
}

/**
 * The timeline as an SVG: a UTC time axis (ticks from d3-scale), one row per step run in the
 * order they started, each bar from start to end coloured by outcome, waits shaded behind, and
 * on scenario rows the detection and recovery marks and the gate's limit. Each bar links to its
 * output excerpt in the page (`#out-<n>`).
 */
export function timelineSvg(timeline: Timeline): string {
  const bars = timeline.bars;
  const height = AXIS + bars.length * ROW + 10;
  const span = Math.max(timeline.end, timeline.start + 1000);
  const x = scaleUtc().domain([timeline.start, span]).range([LABELS, WIDTH - RIGHT]);
  const px = (ms: number) => round(x(ms));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Session timeline">`);
  out.push(STYLE);
  for (const wait of timeline.waits) {
    out.push(`<rect class="wait" x="${px(wait.start)}" y="${AXIS}" width="${round(px(wait.end) - px(wait.start))}" height="${bars.length * ROW}"><title>waited ${formatSeconds(wait.end - wait.start)} (${clock(wait.start)} → ${clock(wait.end)} UTC)</title></rect>`);
  }
  const ticks = x.ticks(8);
  // As fine as the ticks are apart: a session of a second has ticks a tenth of a second apart,
  // which would all read the same second.
  const step = ticks.length > 1 ? ticks[1]!.getTime() - ticks[0]!.getTime() : 1000;
  const format = x.tickFormat(8, step % 1000 ? '%H:%M:%S.%L' : step % 60_000 ? '%H:%M:%S' : '%H:%M');
  for (const tick of ticks) {
    const at = px(tick.getTime());
    out.push(`<line class="tick" x1="${at}" x2="${at}" y1="${AXIS - 6}" y2="${height - 10}"/><text class="axis" x="${at}" y="${AXIS - 10}">${esc(format(tick))}</text>`);
  }
  bars.forEach((bar, i) => {
    const y = AXIS + i * ROW;
    const x0 = px(bar.start);
    const width = Math.max(round(px(bar.end) - x0), 0);
    const classes = ['bar', `o-${bar.outcome.replace(/ /g, '-')}`, bar.kind, ...(bar.edited ? ['edited'] : [])].join(' ');
    out.push(`<g class="row" data-index="${i}">`);
    out.push(`<text class="label" x="${LABELS - 8}" y="${y + 15}">${esc(cut(`${bar.kind === 'scenario' ? '' : `${bar.ref}. `}${bar.label}`))}${bar.edited ? ' ✎' : ''}</text>`);
    out.push(`<a href="#out-${i}"><rect class="${classes}" x="${x0}" y="${y + 3}" width="${Math.max(width, 2)}" height="${ROW - 6}" data-start="${bar.start}" data-end="${bar.end}" data-width="${width}" data-outcome="${esc(bar.outcome)}"><title>${esc(hoverText(bar))}</title></rect></a>`);
    if (bar.kind === 'scenario') out.push(...scenarioMarks(bar, y, px));
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Detection and recovery marks, and the gate's limit beside the measured recovery. */
function scenarioMarks(bar: Bar, y: number, px: (ms: number) => number): string[] {
  const mid = y + ROW / 2;
  const marks = [`<path class="mark inject" d="M${px(bar.start)} ${y + 1}l4 ${ROW / 2 - 1}l-4 ${ROW / 2 - 1}z"><title>injected ${clock(bar.start)} UTC</title></path>`];
  if (bar.detected) marks.push(`<circle class="mark detect" cx="${px(bar.detected)}" cy="${mid}" r="3.5"><title>injection done, watching for recovery ${clock(bar.detected)} UTC</title></circle>`);
  if (bar.recovered) marks.push(`<path class="mark recover" d="M${px(bar.recovered) - 4} ${mid}l4 -5l4 5l-4 5z"><title>recovered ${clock(bar.recovered)} UTC${bar.measuredMs == null ? '' : ` after ${formatSeconds(bar.measuredMs)}`}</title></path>`);
  if (bar.gateMs) {
    const at = px(bar.start + bar.gateMs);
    marks.push(`<line class="gate ${bar.gateMet === false ? 'missed' : bar.gateMet ? 'met' : ''}" x1="${at}" x2="${at}" y1="${y}" y2="${y + ROW}" data-gate-ms="${bar.gateMs}"><title>gate ${esc(bar.gate ?? '')}: by ${clock(bar.start + bar.gateMs)} UTC</title></line>`);
  }
  return marks;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function cut(text: string): string {
  const chars = [...text];
  return chars.length > 42 ? `${chars.slice(0, 41).join('')}…` : text;
}

/** Kept inside the SVG so `--format svg` stands alone too. */
const STYLE = `<style>
.timeline{font:12px system-ui,sans-serif}
.timeline .label{text-anchor:end;fill:#24292f}
.timeline .axis{text-anchor:middle;fill:#57606a;font-size:11px}
.timeline .tick{stroke:#d0d7de;stroke-width:1}
.timeline .wait{fill:#f6f8fa;stroke:none}
.timeline .bar{rx:3;stroke:#1f2328;stroke-opacity:.25}
.timeline .o-passed{fill:#2da44e}.timeline .o-failed{fill:#cf222e}.timeline .o-timed-out{fill:#bc4c00}
.timeline .o-skipped{fill:#8c959f}.timeline .o-canceled{fill:#6e7781}.timeline .o-needs-judgment{fill:#bf8700}.timeline .o-running{fill:#0969da}
.timeline .edited{stroke:#8250df;stroke-width:2;stroke-dasharray:4 2;stroke-opacity:1}
.timeline .mark{fill:#1f2328}.timeline .recover{fill:#0969da}
.timeline .gate{stroke:#1f2328;stroke-width:2;stroke-dasharray:3 2}.timeline .gate.met{stroke:#1a7f37}.timeline .gate.missed{stroke:#cf222e}
</style>`;
