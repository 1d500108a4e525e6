// Small helpers for `npm run bench`: timing, child processes with peak memory, the report.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time of `fn` in ms over `runs`, after `warmup` unmeasured runs. */
export async function timeIt(fn, { runs = 5, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Runs a command `runs` times; median wall ms, and the peak RSS (MB) GNU time reports when available. */
export function timeCommand(argv, { runs = 10, cwd, input, env, unset = [] } = {}) {
  const times = [];
  const environment = { ...process.env, ...env };
  for (const name of unset) delete environment[name];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(argv[0], argv.slice(1), { cwd, input, env: environment, stdio: ['pipe', 'ignore', 'pipe'] });
    times.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  }
  return median(times);
}

/**
 * Runs several commands in turns, `runs` rounds, and returns each one's median wall ms: on an
 * uneven machine, taking them in turns spreads the slow moments over all of them.
 */
export function timeInTurns(commands, { runs = 11 } = {}) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(({ argv, env, unset, cwd }, k) => {
      times[k].push(timeCommand(argv, { runs: 1, env, unset, cwd }));
    });
  }
  return times.map(median);
}

/**
 * Peak resident memory of a whole process in MB, as GNU time reports it (the largest of `runs`),
 * or null where /usr/bin/time is missing.
 */
export function peakRssMb(argv, { runs = 3, cwd, env } = {}) {
  if (!existsSync('/usr/bin/time')) return null;
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const result = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
    peak = Math.max(peak, Number(result.stderr.trim().split('\n').pop()) / 1024);
  }
  return peak;
}

/** Runs a node script in a fresh process and returns what it printed as JSON (it reports its own maxRSS). */
export function nodeJson(script, args = [], options = {}) {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

/** The rows printed and written to docs/benchmarks.md. */
export const rows = [];

/**
 * Records one measurement. `ratio` is value / baseline where both exist; `limit` is the target
 * for the ratio (or for the value when there is no baseline); `better` says which way is good.
 */
export function record({ issue, name, value, unit, baseline = null, baselineName = '', limit, better = 'lower' }) {
  const ratio = baseline ? value / baseline : null;
  const compared = ratio ?? value;
  const ok = better === 'lower' ? compared <= limit : compared >= limit;
  rows.push({ issue, name, value, unit, baseline, baselineName, ratio, limit, better, ok });
  const shown = ratio === null ? `${fmt(value)} ${unit}` : `${fmt(value)} ${unit} vs ${fmt(baseline)} ${unit} = ${ratio.toFixed(2)}×`;
  console.log(`${ok ? 'ok  ' : 'MISS'}  #${issue} ${name}: ${shown} (target ${better === 'lower' ? '≤' : '≥'} ${limit}${ratio === null ? ` ${unit}` : '×'})`);
}

function fmt(n) {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function rowLine(r) {
  return [
        `#${r.issue}`,
        r.name,
        `${fmt(r.value)} ${r.unit}`,
        r.baseline === null ? '—' : `${fmt(r.baseline)} ${r.unit} (${r.baselineName})`,
        r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
        `${r.better === 'lower' ? '≤' : '≥'} ${r.limit}${r.ratio === null ? ` ${r.unit}` : '×'}`,
        r.ok ? 'yes' : '**no**',
      ].join(' | ').replace(/^/, '| ').replace(/$/, ' |');
}

/** Writes the report as a Markdown table. */
export function writeReport(path, header, notes = '') {
  const lines = [
    '# Benchmarks',
    '',
    header,
    '',
    '| issue | measurement | value | baseline (same run) | ratio | target | met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(rowLine),
    '',
    ...(notes ? [notes.trim(), ''] : []),
  ];
  writeFileSync(path, lines.join('\n'));
}

/** Writes this run's rows into an existing report: each replaces the row of the same issue and name, or goes after the table's last row. */
export function updateReport(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const r of rows) {
    const line = rowLine(r);
    const at = lines.findIndex((l) => l.startsWith(`| #${r.issue} | ${r.name} | `));
    if (at !== -1) lines[at] = line;
    else lines.splice(lines.findLastIndex((l) => l.startsWith('| #')) + 1, 0, line);
  }
  writeFileSync(path, lines.join('\n'));
}
