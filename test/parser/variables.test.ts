import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parser/index.js';

/** The defaults a knob table declares, cell by cell, as the model reads them. */
function defaults(rows: Array<[string, string]>): Array<[string, string | null]> {
  const table = ['| Knob | Default | When to change |', '|---|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} | x |`)].join('\n');
  return parseRunbook(`# Knobs\n\n${table}\n`).declarations.map((d) => [d.name, d.default]);
}

describe('knob table defaults', () => {
  it.each([
    ['3600', '3600'],
    ['3600 (1 h)', '3600'],
    ['0.005 (0.5 %)', '0.005'],
    ['`api_pool`', 'api_pool'],
    ['`api_pool` (prod only)', 'api_pool'],
    ['http://prom.lxd:9090', 'http://prom.lxd:9090'],
    ['30 s', '30 s'],
    ['`--dry-run --verbose`', '--dry-run --verbose'],
    ['`""`', ''],
    ['""', ''],
    ['`(unset)`', '(unset)'],
  ])('reads %j as %j', (cell, value) => {
    expect(defaults([['`NAME`', cell]])).toEqual([['NAME', value]]);
  });

  it.each(['(unset)', 'unset', '(none)', 'None', '*required*', '(required)', '—', '-', 'N/A', '', 'TBD', 'not set'])('reads %j as no default', (cell) => {
    expect(defaults([['NAME', cell]])).toEqual([['NAME', null]]);
  });

  it('reads names written as code, with a $ or in braces', () => {
    expect(defaults([['`$REGION`', 'eu-west-1'], ['${ZONE}', 'b']])).toEqual([
      ['REGION', 'eu-west-1'],
      ['ZONE', 'b'],
    ]);
  });
});
