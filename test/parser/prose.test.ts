import { describe, expect, it } from 'vitest';
import { renderProse } from '../../src/parser/index.js';

describe('renderProse', () => {
  it('renders headings, lists, tasks, emphasis, inline code, links and tables for a terminal', () => {
    const text = [
      '## Drain the node',
      '',
      'Wait until **no** connections remain on `api-2`; see [the guide](https://example.com/g).',
      '',
      '1. First',
      '2. Second',
      '   - [x] done',
      '   - [ ] open',
      '',
      '> Careful: *production*.',
      '',
      '| Knob | Default |',
      '|------|---------|',
      '| `PORT` | 8080 |',
      '',
      '```bash',
      'echo hidden',
      '```',
    ].join('\n');
    expect(renderProse(text, 0, text.length)).toEqual([
      '▌ Drain the node',
      'Wait until no connections remain on `api-2`; see the guide (https://example.com/g).',
      '1. First',
      '2. Second',
      '   ☑ done',
      '   ☐ open',
      '│ Careful: production.',
      'Knob   │ Default',
      '───────┼────────',
      '`PORT` │ 8080',
    ]);
  });

  it('shows a table row with the header’s cells, as GitHub does, dropping the ones beyond', () => {
    const text = '| Step | Owner |\n|---|---|\n| a \\| b | `x|y` | extra |\n| c |\n';
    expect(renderProse(text, 0, text.length)).toEqual(['Step  │ Owner', '──────┼──────', 'a | b │ `x', 'c']);
  });

  it('renders only the part asked for', () => {
    const text = '# A\n\nfirst\n\n# B\n\nsecond\n';
    expect(renderProse(text, text.indexOf('# B'), text.length)).toEqual(['▌ B', 'second']);
  });
});
