import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { isTimeColumn } from '../../src/audit/rules/place.js';
import { parseCellTime, runsBackwards } from '../../src/parser/index.js';

const clock = (h: number, m: number, s = 0) => ({ kind: 'clock', seconds: h * 3600 + m * 60 + s });
const instant = (iso: string) => ({ kind: 'instant', ms: Date.parse(iso) });

describe('reading the times operators write', () => {
  it.each([
    ['2026-11-23T19:20:01Z', instant('2026-11-23T19:20:01Z')],
    ['2026-11-23 19:20', instant('2026-11-23T19:20:00Z')],
    ['2026-11-23 19:20 UTC', instant('2026-11-23T19:20:00Z')],
    ['2026-11-23T19:20:01.250+01:00', instant('2026-11-23T18:20:01Z')],
    ['2026-11-23T19:20:01+0100', instant('2026-11-23T18:20:01Z')],
    ['2026-11-23 7:20 pm GMT', instant('2026-11-23T19:20:00Z')],
    ['`19:20`', clock(19, 20)],
    ['19:20:05 UTC', clock(19, 20, 5)],
    ['7:20 PM', clock(19, 20)],
    ['12:05 a.m.', clock(0, 5)],
    ['12:05pm', clock(12, 5)],
    ['19h20', clock(19, 20)],
    ['20:20 CET', clock(19, 20)],
    ['00:30 CEST', clock(22, 30)],
    ['2026-11-23 11:20 PST', instant('2026-11-23T19:20:00Z')],
    ['2026-07-01 09:00 BST', instant('2026-07-01T08:00:00Z')],
    // Zones as on-call engineers type them: India, UTC±N, the US zones without their season.
    ['14:00 IST', clock(8, 30)],
    ['14:11 UTC+1', clock(13, 11)],
    ['2026-11-23 14:11 UTC+05:30', instant('2026-11-23T08:41:00Z')],
    ['09:00 GMT-3', clock(12, 0)],
    ['2026-11-23 06:00 PT', instant('2026-11-23T14:00:00Z')],
    ['09:00 ET', clock(14, 0)],
    // A remark after the time, and a sign that it is approximate.
    ['14:25 (alert fired)', clock(14, 25)],
    ['~14:40', clock(14, 40)],
    ['≈ 2026-11-23 19:20 [from the pager]', instant('2026-11-23T19:20:00Z')],
    // Relative to the drill's start.
    ['T0', { kind: 'relative', seconds: 0 }],
    ['T+0', { kind: 'relative', seconds: 0 }],
    ['T+2m', { kind: 'relative', seconds: 120 }],
    ['T + 90 s', { kind: 'relative', seconds: 90 }],
    ['T+1h30m', { kind: 'relative', seconds: 5400 }],
    ['T+5', { kind: 'relative', seconds: 300 }],
    ['T-10 min', { kind: 'relative', seconds: -600 }],
    ['T+02:30', { kind: 'relative', seconds: 150 }],
    ['T+1:02:30', { kind: 'relative', seconds: 3750 }],
  ])('reads %j', (text, expected) => {
    expect(parseCellTime(text)).toEqual(expected);
  });

  it.each(['yesterday', '25:00', '19:61', '13:00 pm', '19:20 XYZ', '2026-11-23', '19', 'about 19:20', '2026-02-30 10:00', 'T+soon', 'T+5 fortnights', 'T+5m later'])('does not read %j as a time', (text) => {
    expect(parseCellTime(text)).toBeNull();
  });

  it('reads clock times across midnight as going forwards', () => {
    expect(runsBackwards(clock(23, 58) as never, clock(0, 4) as never)).toBe(false);
    expect(runsBackwards(clock(14, 5) as never, clock(14, 1) as never)).toBe(true);
    expect(runsBackwards(instant('2026-11-23T23:58:00Z') as never, instant('2026-11-23T00:04:00Z') as never)).toBe(true);
  });

  it('orders relative times among themselves, and never against clock times', () => {
    const at = (text: string) => parseCellTime(text)!;
    expect(runsBackwards(at('T+2m'), at('T+9m'))).toBe(false);
    expect(runsBackwards(at('T+9m'), at('T+2m'))).toBe(true);
    expect(runsBackwards(at('T+9m'), at('14:00'))).toBe(false);
    // A dated time and a clock time: by their time of day, in UTC.
    expect(runsBackwards(at('2026-11-23T14:10:00Z'), at('14:05'))).toBe(true);
    expect(runsBackwards(at('2026-11-23T14:10:00Z'), at('14:12'))).toBe(false);
    expect(runsBackwards(at('14:10'), at('2026-11-23T14:05:00Z'))).toBe(true);
    expect(runsBackwards(at('23:58'), at('2026-11-24T00:03:00Z'))).toBe(false);
  });
});

describe('time columns', () => {
  it('reads a zone in the header (IST, UTC+1) for the times that carry none, and leaves a plan\'s words alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-time-'));
    writeFileSync(
      join(dir, 'day.md'),
      '# Day\n\n| Time (IST) | Event |\n|---|---|\n| 14:00 | paged |\n| 08:45 UTC | mitigated |\n\n| At (UTC+1) | Event |\n|---|---|\n| 10:00 | a |\n| 09:30 Z | b |\n\n| When | Task | Done |\n|---|---|---|\n| T-24h | Announce | [x] |\n| Day before | Freeze deploys | [x] |\n| Morning of | Check dashboards | [x] |\n',
    );
    const result = runCli(['audit', 'day.md', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
  });

  it.each(['Started', 'Time (UTC)', 'Timestamp (CET)', 'At (+01:00)', 'Resolved at', 'Mitigated at (UTC)', '**Detected**', 'Recovered'])('reads %j as a time column', (header) => {
    expect(isTimeColumn(header)).toBe(true);
  });

  it.each(['Resolved', 'Mitigated?', 'Time to recover', 'Owner', 'Timeline notes'])('does not read %j as a time column', (header) => {
    expect(isTimeColumn(header)).toBe(false);
  });
});
