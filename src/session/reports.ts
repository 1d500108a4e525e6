import type { BlockRecord } from './player.js';

/** The `--report` JSON of a run. */
export interface RunReport {
  file: string;
  startedAt: string;
  finishedAt: string;
  operator: string;
  outcome: 'passed' | 'failed' | 'canceled';
  blocks: Array<Omit<BlockRecord, 'tail'> & { skipped?: boolean }>;
}

const xml = (s: string) =>
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML with one test case per block, as CI systems read it. */
export function junitXml(file: string, records: BlockRecord[], skipped: Array<{ index: number; name: string | null; line: number; reason: string }>): string {
  const failures = records.filter((r) => r.outcome !== 'passed').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = records.reduce((sum, r) => sum + r.durationMs, 0);
  const name = (r: { index: number; name: string | null; line: number }) => xml(`${r.name ?? `block ${r.index + 1}`} (line ${r.line})`);
  const cases = [
    ...records.map((r) => {
      const body =
        r.outcome === 'passed'
          ? ''
          : `\n      <failure message="${xml(`${r.outcome}${r.exitCode !== null ? ` with exit code ${r.exitCode}` : ''}${r.signal ? ` (${r.signal})` : ''}${r.reason ? `: ${r.reason}` : ''}`)}">${xml(r.tail)}</failure>\n    `;
      return `    <testcase classname="${xml(file)}" name="${name(r)}" time="${seconds(r.durationMs)}">${body}</testcase>`;
    }),
    ...skipped.map((s) => `    <testcase classname="${xml(file)}" name="${name(s)}" time="0">\n      <skipped message="${xml(s.reason)}"/>\n    </testcase>`),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${cases.length}" failures="${failures}" time="${seconds(total)}">`,
    `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" skipped="${skipped.length}" time="${seconds(total)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
