import { formatSeconds } from '../parser/index.js';
import { outcomeCounts } from '../session/timeline.js';
import type { SessionPicture } from './load.js';
import { clock, esc, hoverText, timelineSvg } from './svg.js';

const ORDER = ['passed', 'failed', 'timed out', 'canceled', 'skipped', 'needs judgment', 'running'];

/** The summary: steps by outcome, total time, gates, who ran it, the template and its commit. */
function summary(picture: SessionPicture): string {
  const { timeline } = picture;
  const counts = outcomeCounts(timeline.bars);
  const gates = timeline.bars.filter((b) => b.gateMs);
  const met = gates.filter((b) => b.gateMet === true).length;
  const missed = gates.filter((b) => b.gateMet === false).length;
  const edited = timeline.bars.filter((b) => b.edited).length;
  const rows: Array<[string, string]> = [
    ['Outcome', timeline.outcome],
    ['Steps', ORDER.filter((o) => counts[o]).map((o) => `<span class="count o-${o.replace(/ /g, '-')}">${counts[o]} ${o}</span>`).join(' ') + (edited ? ` <span class="count">${edited} edited</span>` : '') || 'none yet'],
    ['Total time', `${formatSeconds(timeline.end - timeline.start)} (${new Date(timeline.start).toISOString().slice(0, 10)} ${clock(timeline.start)} → ${clock(timeline.end)} UTC)`],
    ['Gates', gates.length ? `<span id="gates-met">${met} met</span>, <span id="gates-missed">${missed} missed</span>${gates.length - met - missed ? `, ${gates.length - met - missed} not measured` : ''}` : 'none'],
    ['Operator', esc(timeline.operator ?? 'unknown') + (timeline.host ? ` on ${esc(timeline.host)}` : '')],
    ['Template', picture.template ? `${esc(picture.template)}${picture.commit ? ` at <code>${esc(picture.commit.slice(0, 12))}</code>` : ''}` : 'none recorded'],
    ['Session', timeline.sessions.map((s) => `<code>${esc(s)}</code>`).join(' → ')],
  ];
  return `<table class="summary">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>`;
}

/** The output excerpt of each step: where a bar's link leads. */
function outputs(picture: SessionPicture): string {
  return picture.timeline.bars
    .map((bar, i) => {
      const text = picture.output[i];
      return `<section class="output" id="out-${i}"><h3><span class="dot o-${bar.outcome.replace(/ /g, '-')}"></span>${esc(`${bar.kind === 'block' ? `${bar.ref}. ` : ''}${bar.label}`)}</h3><p class="meta">${esc(hoverText(bar)).replace(/\n/g, '<br>')}</p>${text ? `<pre>${esc(text)}</pre>` : '<p class="meta">no output recorded</p>'}</section>`;
    })
    .join('\n');
}

/** What the page shows inside `<main>`: what the live page replaces on each update. */
export function pictureBody(picture: SessionPicture): string {
  return `<h1>${esc(picture.title)}</h1>\n${summary(picture)}\n<figure>${timelineSvg(picture.timeline)}</figure>\n<h2>Output</h2>\n${outputs(picture)}`;
}

/**
 * The report: one self-contained HTML page (inline SVG and CSS, no script, nothing fetched) that
 * opens from a file and prints.
 */
export function pictureHtml(picture: SessionPicture): string {
  return pageHtml(picture.title, pictureBody(picture), null);
}

/** A page around a picture's body; `live` adds the little script the watch page updates itself with. */
export function pageHtml(title: string, body: string, live: string | null): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · session ${live ? 'live' : 'report'}</title>
<style>${PAGE_STYLE}</style></head>
<body><main id="picture">${body}</main>${live ? `<script>${live}</script>` : ''}</body></html>
`;
}

const PAGE_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;color:#1f2328;margin:24px auto;max-width:1040px;padding:0 16px}
h1{font-size:22px;margin:0 0 12px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:0 0 4px}
.summary{border-collapse:collapse;margin-bottom:16px}.summary th{text-align:left;padding:2px 16px 2px 0;color:#57606a;font-weight:600}
.count{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;background:#57606a;margin-right:4px}
.count.o-passed,.dot.o-passed{background:#2da44e}.count.o-failed,.dot.o-failed{background:#cf222e}.count.o-timed-out,.dot.o-timed-out{background:#bc4c00}
.count.o-needs-judgment,.dot.o-needs-judgment{background:#bf8700}.count.o-running,.dot.o-running{background:#0969da}.dot{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px;background:#8c959f}
figure{margin:0;overflow-x:auto}.output{border-top:1px solid #d0d7de;padding:8px 0}.output:target{background:#fff8c5}
.meta{color:#57606a;margin:0 0 4px;font-size:12px}pre{background:#f6f8fa;padding:8px;overflow-x:auto;font-size:12px;margin:0;white-space:pre-wrap;word-break:break-all}
@media print{body{margin:0;max-width:none}.output{break-inside:avoid}figure{overflow:visible}}
`;
