import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHART_MAX, ganttChart, ganttLabel } from '../../src/session/gantt.js';
import { readJournal, type JournalEvent } from '../../src/session/journal.js';
import { buildTimeline, lastSessions, WAIT_MS, type Bar, type Timeline } from '../../src/session/timeline.js';
import { parseRunbook } from '../../src/parser/index.js';

const JOURNAL = 'fixtures/report/gameday/.runbook/2026-11-20.md.journal.jsonl';

const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 10, 0, s)).toISOString();
const ev = (session: string, type: string, s: number, fields: Record<string, unknown> = {}): JournalEvent => ({ v: 1, type, session, t: at(s), ...fields });

describe('the timeline of a session, from its journal', () => {
  it('has one bar per step run, the waits between them, and each scenario\'s marks', () => {
    const events = readJournal(JOURNAL);
    const timeline = buildTimeline(events, parseRunbook(readFileSync('fixtures/report/gameday/2026-11-20.md', 'utf8')));
    const starts = events.filter((e) => e.type === 'block-start' || e.type === 'scenario-start');
    expect(timeline.bars.map((b) => b.start)).toEqual(starts.map((e) => Date.parse(e.t)));
    expect(timeline.bars.map((b) => b.outcome)).toEqual(['passed', 'passed', 'passed', 'failed', 'timed out', 'passed', 'passed', 'passed']);
    expect(timeline.bars.filter((b) => b.edited).map((b) => b.label)).toEqual(['scale-up']);
    const s1 = timeline.bars[2]!;
    const poll = events.find((e) => e.type === 'poll' && e.scenario === 0)!;
    expect(s1.gateMs).toBe(60_000);
    expect(s1.detected).toBe(s1.start + (poll.commandMs as number));
    expect(s1.recovered).toBe(s1.start + (poll.recoveredMs as number));
    // Every gap of a second or more between one step's end and the next one's start.
    for (const wait of timeline.waits) expect(wait.end - wait.start).toBeGreaterThanOrEqual(WAIT_MS);
    const gaps = timeline.bars.slice(1).filter((b, i) => b.start - timeline.bars[i]!.end >= WAIT_MS);
    expect(timeline.waits).toHaveLength(gaps.length);
    expect(timeline.outcome).toBe('failed');
    expect(timeline.operator).toBe('Dana Ops');
  });

  it('covers the last session and the ones it resumed, not the ones before', () => {
    const events = [
      ev('old', 'session-start', 0, { resumeOf: null }),
      ev('old', 'block-start', 1, { block: 0, name: 'a' }),
      ev('old', 'block-end', 2, { block: 0, outcome: 'passed' }),
      ev('old', 'session-end', 3, { outcome: 'passed' }),
      ev('first', 'session-start', 10, { resumeOf: null }),
      ev('first', 'block-start', 11, { block: 0, name: 'a' }),
      ev('first', 'block-end', 12, { block: 0, outcome: 'canceled' }),
      ev('first', 'session-end', 13, { outcome: 'aborted' }),
      ev('then', 'session-start', 20, { resumeOf: 'first' }),
      ev('then', 'block-start', 21, { block: 0, name: 'a' }),
      ev('then', 'block-end', 24, { block: 0, outcome: 'passed' }),
    ];
    expect(lastSessions(events)).toEqual(['first', 'then']);
    const timeline = buildTimeline(events, null, Date.parse(at(30)));
    expect(timeline.bars.map((b) => b.outcome)).toEqual(['canceled', 'passed']);
    // No end journaled yet: a session under way.
    expect(timeline.outcome).toBe('running');
    expect(timeline.waits).toEqual([{ start: Date.parse(at(12)), end: Date.parse(at(21)) }]);
  });
});

describe('the Mermaid chart of a timeline', () => {
  it('escapes every character Mermaid could read as syntax, and cuts long names', () => {
    expect(ganttLabel('a: b # c; d %% e "f" 🚀')).toBe('a#58; b #35; c#59; d #37;#37; e #34;f#34; #128640;');
    const long = ganttLabel('x'.repeat(200));
    expect(long).toBe(`${'x'.repeat(59)}#8230;`);
  });

  it('draws one task per bar and a milestone per gate, times in epoch milliseconds', () => {
    const timeline = buildTimeline(readJournal(JOURNAL));
    const chart = ganttChart(timeline);
    expect(chart.split('\n').filter((l) => / :(?:done|crit|active), t\d+, \d+, \d+$/.test(l))).toHaveLength(timeline.bars.length);
    expect(chart.split('\n').filter((l) => / :milestone, g\d+, \d+, 0ms$/.test(l))).toHaveLength(5);
    expect(chart).toContain('dateFormat x');
  });

  it('stays within what Mermaid draws however many steps ran, in runs of steps that keep every failure', () => {
    const bar = (i: number, outcome: Bar['outcome']): Bar => ({ kind: 'block', ref: String(i + 1), label: `restart node #${i}: ${'🚀'.repeat(i % 7)}`, line: i * 4 + 3, start: 1_000 + i * 10, end: 1_005 + i * 10, outcome, exitCode: outcome === 'passed' ? 0 : 1, reason: null, edited: false });
    const steps = 3000;
    const timeline: Timeline = { sessions: ['s1'], start: 1_000, end: 40_000, bars: Array.from({ length: steps }, (_, i) => bar(i, i === 1234 ? 'failed' : i === 2500 ? 'skipped' : 'passed')), waits: [], operator: null, host: null, outcome: 'failed' };
    const chart = ganttChart(timeline);
    expect(chart.length).toBeLessThanOrEqual(CHART_MAX);
    const tasks = chart.split('\n').filter((l) => / :(?:done|crit|active), t\d+, \d+, \d+$/.test(l));
    // Every step is in exactly one run, the runs in order, from the first start to the last end.
    const ranges = tasks.map((l) => /^ {2}(\d+)-(\d+)\. /.exec(l)!.slice(1).map(Number) as [number, number]);
    expect(ranges[0]![0]).toBe(1);
    expect(ranges.at(-1)![1]).toBe(steps);
    for (let k = 1; k < ranges.length; k++) expect(ranges[k]![0]).toBe(ranges[k - 1]![1] + 1);
    expect(tasks[0]).toMatch(/, 1000, \d+$/);
    expect(tasks.at(-1)).toMatch(new RegExp(`, ${1_005 + (steps - 1) * 10}$`));
    const failed = tasks.filter((l) => l.includes(':crit'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('1 failed');
    expect(tasks.filter((l) => l.includes(':active'))[0]).toContain('1 skipped');
    // A session that fits is drawn a step per bar, as before.
    const small = ganttChart({ ...timeline, bars: timeline.bars.slice(0, 50) });
    expect(small.split('\n').filter((l) => / :done, t\d+, /.test(l))).toHaveLength(50);
  });
});
