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

describe('tables that document variables without defaults', () => {
  it('declares the variables of a Variable | Description table, with no default', () => {
    const model = parseRunbook('# Deploy\n\n| Variable | Description |\n|---|---|\n| `ARTIFACT` | the binary to ship |\n| `$REGION` | where |\n\n```bash\nscp "$ARTIFACT" "host-$REGION:"\n```\n');
    expect(model.declarations.map((d) => [d.name, d.default, d.description])).toEqual([
      ['ARTIFACT', null, 'the binary to ship'],
      ['REGION', null, 'where'],
    ]);
  });

  it('does not read a table of settings or environments with only descriptions as variables', () => {
    const model = parseRunbook('# Envs\n\n| Environment | Description |\n|---|---|\n| staging | the test bed |\n\n| Setting | Purpose |\n|---|---|\n| MAX_CONN | pool size |\n');
    expect(model.declarations).toEqual([]);
  });
});
