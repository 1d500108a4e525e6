import { describe, expect, it } from 'vitest';
import { LineIndex, parseRunbook } from '../../src/parser/index.js';
import { cmarkFacts, ourFacts } from '../support/cmark.js';
import { lineOf, parsed, slice } from '../support/fixtures.js';

describe('parseRunbook: blocks', () => {
  it('finds ~~~ fences and ignores fences inside a longer fence', () => {
    const { text, model } = parsed('parser/fences.md');
    const runnable = model.blocks.filter((b) => b.runnable).map((b) => b.name ?? b.body);
    expect(runnable).toEqual(['tilde', 'echo "a fence may hold ``` when it is not at the start"']);
    const tilde = model.blocks[0]!;
    expect(slice(text, tilde.infoSpan)).toBe('bash { name=tilde }');
    expect(slice(text, tilde.closeSpan!)).toBe('~~~');
    expect(slice(text, tilde.bodySpan)).toBe('echo tilde\n');
    expect(model.blocks.map((b) => b.lang)).toEqual(['bash', 'markdown', 'bash', 'text', 'python', 'bash']);
    expect(model.blocks[5]!.skipReason).toBe('marked to skip');
    expect(model.blocks[4]!.skipReason).toBe('`python` is not a shell');
    expect(model.tasks).toEqual([]);
  });

  it('gives each block its section, owning task and container prefix', () => {
    const { text, model } = parsed('parser/containers.md');
    const byName = Object.fromEntries(model.blocks.map((b) => [b.name ?? b.lang, b]));
    expect(byName.ordered!.prefix).toBe('   ');
    expect(byName.ordered!.task).toBeNull();
    expect(model.tasks[byName['nested-task']!.task!]!.text).toBe('A task inside an ordered item');
    expect(byName.quoted!.prefix).toBe('> ');
    expect(model.tasks[byName.zsh!.task!]!.text).toBe('Deep task');
    expect(model.tasks[byName.zsh!.task!]!.checked).toBe(true);
    for (const block of model.blocks) expect(model.sections[block.section!]!.text).toBe('Containers');
    expect(slice(text, byName.zsh!.closeSpan!)).toBe('```');
  });

  it('reads result lines back, inside lists and block quotes', () => {
    const { text, model } = parsed('parser/containers.md');
    const nested = model.blocks.find((b) => b.name === 'nested-task')!;
    expect(nested.result).toMatchObject({ outcome: 'passed', exitCode: 0, durationMs: 50, at: '2026-11-01T10:00:00Z', operator: 'alice' });
    expect(slice(text, nested.result!.span)).toMatch(/^\*runbook:\* ✅ passed/);
    const quoted = model.blocks.find((b) => b.name === 'quoted')!;
    expect(quoted.result).toMatchObject({ outcome: 'failed', exitCode: 3, durationMs: 1500, operator: 'bob' });
    expect(model.blocks.find((b) => b.name === 'ordered')!.result).toBeNull();
  });

  it('reads a result line a blank line under its fence, as a Markdown formatter leaves it, and not two', () => {
    const line = '*runbook:* ✅ passed · exit 0 · 0.05 s · 2026-11-01T10:00:00Z · alice';
    const model = parseRunbook(`- [x] a\n\n  \`\`\`bash\n  true\n  \`\`\`\n\n  ${line}\n\n\`\`\`bash\ntrue\n\`\`\`\n\n\n${line}\n`);
    expect(model.blocks[0]!.result).toMatchObject({ outcome: 'passed', operator: 'alice', line: 7 });
    expect(model.blocks[1]!.result).toBeNull();
  });

  it('reads options from info strings and from an HTML comment before the fence', () => {
    const { model } = parsed('parser/comments.md');
    expect(model.tasks).toEqual([]);
    const [first, second, third] = model.blocks;
    expect(model.blocks).toHaveLength(3);
    expect(first!.options).toMatchObject({ source: 'comment', values: { name: 'from-comment', timeout: '30s' } });
    expect(second!.options.values).toEqual({ name: 'json-comment', confirm: 'prod' });
    expect(third!.options.unknown).toEqual(['colour']);
    expect(third!.options.values.colour).toBe('blue');
  });

  it('reports an unclosed fence and parses it the way GitHub renders it', () => {
    const { model } = parsed('parser/unclosed-fence.md');
    expect(model.tasks.map((t) => t.text)).toEqual(['before']);
    expect(model.blocks).toHaveLength(1);
    expect(model.blocks[0]!.closeSpan).toBeNull();
    expect(model.blocks[0]!.body).toContain('## Still code');
    expect(model.sections.map((s) => s.text)).toEqual(['Unclosed fence']);
    expect(model.problems).toEqual([expect.objectContaining({ ruleId: 'unclosed-fence', line: 5 })]);
  });
});

describe('parseRunbook: tasks', () => {
  it('keeps offsets exact with a BOM and CRLF line endings', () => {
    const { text, model } = parsed('parser/crlf-bom.md');
    expect(model.bom).toBe(true);
    expect(model.eol).toBe('\r\n');
    expect(model.tasks.map((t) => [t.line, t.checked, slice(text, t.checkboxSpan)])).toEqual([
      [3, false, '[ ]'],
      [4, true, '[x]'],
    ]);
    expect(model.blocks[0]!.line).toBe(6);
    expect(slice(text, model.blocks[0]!.bodySpan)).toBe('echo "crlf"\r\n');
    expect(model.tables[0]!.rows[0]!.line).toBe(12);
  });

  it('counts a lone CR as a line ending', () => {
    const { model } = parsed('parser/cr-only.md');
    expect(model.eol).toBe('\r');
    expect(model.tasks[0]!.line).toBe(3);
    expect(model.blocks[0]!.line).toBe(5);
  });

  it('handles tabs after bullets and tab indentation', () => {
    const { text, model } = parsed('parser/tabs.md');
    expect(model.tasks.map((t) => [t.line, t.checked, slice(text, t.checkboxSpan)])).toEqual([
      [3, false, '[ ]'],
      [4, true, '[x]'],
    ]);
    expect(model.blocks.map((b) => b.line)).toEqual([8]);
  });

  it('nests tasks and reads a file with no final newline', () => {
    const { model } = parsed('runbooks/chaos-experiments.md');
    const deep = model.tasks.find((t) => t.text.startsWith('Checked the dashboard'))!;
    expect(model.tasks[deep.parent!]!.text).toBe('No 5xx seen by the synthetic monitor');
    // Tasks in block quotes are shown as text by cmark-gfm's tasklist extension.
    expect(model.tasks.some((t) => t.text.startsWith('Experiment window'))).toBe(false);
    const end = parsed('parser/no-final-newline.md').model;
    expect(end.finalNewline).toBe(false);
    expect(end.blocks[0]!.closeSpan!.end).toBe(end.length);
  });
});

describe('parseRunbook: tables', () => {
  it('splits cells on unescaped pipes, even in code, and classifies them', () => {
    const { text, model } = parsed('parser/cells.md');
    const table = model.tables[0]!;
    expect(table.header).toEqual(['Check', 'Command', 'Started', 'Result', 'Box', 'Answer']);
    expect(table.align).toEqual([null, null, null, null, 'center', null]);
    const [pipes, empty, na, placeholder, short, long] = table.rows;
    expect(pipes!.cells[1]!.text).toBe('`grep a|b log`');
    expect(slice(text, pipes!.cells[1]!.span)).toBe('`grep a\\|b log`');
    expect(pipes!.cells.map((c) => c.checkbox)).toEqual([null, null, null, null, 'checked', 'checked']);
    expect(empty!.cells.map((c) => c.kind)).toEqual(['text', 'fillable', 'fillable', 'fillable', 'checkbox', 'checkbox']);
    expect(empty!.cells[5]!.checkbox).toBe('failed');
    expect(na!.cells.map((c) => c.kind)).toEqual(['text', 'text', 'na', 'na', 'checkbox', 'checkbox']);
    expect(na!.cells.map((c) => c.family)).toEqual([null, null, null, null, 'ballot', 'ballot']);
    expect(placeholder!.cells.map((c) => c.kind)).toEqual(['text', 'text', 'fillable', 'fillable', 'checkbox', 'na']);
    expect(short!.cells).toHaveLength(6);
    expect(short!.cells[2]!.missing).toBe(true);
    expect(long!.cells).toHaveLength(6);
    expect(long!.cells[4]!.checkbox).toBe('checked');
  });

  it('reads boxes typed with the emoji variation selector (U+FE0F) as boxes', () => {
    const model = parseRunbook('| Step | Done | Auto? |\n|---|---|---|\n| a | ⬜\uFE0F | ✅\uFE0F |\n| b | ☑\uFE0F | ❌\uFE0F |\n| c | ☐\uFE0F | ✔\uFE0F |\n');
    const boxes = model.tables[0]!.rows.map((row) => row.cells.slice(1).map((c) => c.checkbox));
    expect(boxes).toEqual([
      ['unchecked', 'checked'],
      ['checked', 'failed'],
      // ✔️ is an answer written in the cell, not a box.
      ['unchecked', null],
    ]);
  });

  it('places an empty cell after one space of padding', () => {
    const { text, model } = parsed('parser/cells.md');
    const cell = model.tables[0]!.rows[1]!.cells[1]!;
    expect(cell.span.start).toBe(cell.span.end);
    expect(text.slice(cell.outer.start, cell.span.start)).toBe(' ');
  });
});

describe('parseRunbook: sections, front matter and variables', () => {
  it('reads front matter as metadata and builds GitHub anchors', () => {
    const { model } = parsed('parser/setext-frontmatter.md');
    expect(model.title).toBe('Front matter title');
    expect(model.sections.map((s) => [s.depth, s.anchor])).toEqual([
      [1, 'setext-heading-one'],
      [2, 'setext-heading-two'],
      [2, 'setext-heading-two-1'],
    ]);
    expect(model.sections[1]!.parent).toBe(0);
    expect(model.tasks[0]!.section).toBe(1);
    expect(model.declarations).toEqual([
      expect.objectContaining({ name: 'REGION', default: 'eu-west-1', source: 'front-matter', secret: false }),
      expect.objectContaining({ name: 'API_TOKEN', default: null, secret: true, description: 'token for the API' }),
    ]);
  });

  it('reads knob tables and the variables blocks use', () => {
    const { text, model } = parsed('runbooks/canary-release.md');
    expect(model.declarations.map((d) => [d.name, d.default])).toEqual([
      ['ARTIFACT', null],
      ['CANARY_NODE', 'api-2'],
      ['SLI_WINDOW', '3600'],
      ['PROM_URL', 'http://prom.internal:9090'],
      ['DEPLOY_TOKEN', null],
    ]);
    expect(model.declarations.find((d) => d.name === 'DEPLOY_TOKEN')!.secret).toBe(true);
    const uses = model.references.map((r) => `${r.name}@${r.line}${r.default !== null ? `:-${r.default}` : ''}`);
    expect(uses).toContain(`CANARY_NODE@${lineOf(text, 'echo "draining')}:-api-2`);
    expect(uses).toContain(`ARTIFACT@${lineOf(text, 'scp "$ARTIFACT"')}`);
    expect(uses).toContain(`DEPLOY_TOKEN@${lineOf(text, 'curl -fsS -H')}`);
  });

  it('does not report variables in single quotes, comments or quoted here-documents', () => {
    const model = parseRunbook(
      "```bash\necho '$QUOTED' \\$ESCAPED # $COMMENT\ncat <<'EOF'\n$HEREDOC\nEOF\nexport MINE=1\necho $MINE \"$USED\" ${DEF:-x}\n```\n",
    );
    expect(model.references.map((r) => [r.name, r.assignedBefore, r.default])).toEqual([
      ['MINE', true, null],
      ['USED', false, null],
      ['DEF', false, 'x'],
    ]);
  });

  it('needs no value for a variable tested for emptiness or expanded only when set', () => {
    const model = parseRunbook('```bash\nif [ -z "$FORCE" ]; then echo safe; fi\n[[ -n ${DRY_RUN} ]] && exit 0\necho "${VERBOSE:+--verbose}" ${QUIET+-q}\ntest -z $X1 || echo "$X1"\nprintf "%s" "$NEEDED" "-n $AFTER"\n```\n');
    expect(model.references.map((r) => [r.name, r.default])).toEqual([
      ['FORCE', ''],
      ['DRY_RUN', ''],
      ['VERBOSE', ''],
      ['QUIET', ''],
      ['X1', ''],
      ['X1', null],
      ['NEEDED', null],
      // Text that only looks like a test, inside a string argument.
      ['AFTER', null],
    ]);
  });

  it('counts every name as possibly set after a block sources a file or evals text', () => {
    const model = parseRunbook(
      '```bash\necho "$BEFORE"\nset -a; . ./env.sh; set +a\necho "$SAME_BLOCK"\n```\n\n```bash\necho "$LATER_BLOCK"\n```\n\n```bash\necho "source this" ./x.sh $ARG\n```\n',
    );
    expect(model.references.map((r) => [r.name, r.assignedBefore])).toEqual([
      ['BEFORE', false],
      ['SAME_BLOCK', true],
      ['LATER_BLOCK', true],
      ['ARG', true],
    ]);
    const words = parseRunbook('```bash\necho source ./x.sh "$A"\nif true; then eval "$(./vars)"; fi; echo "$B"\n```\n');
    expect(words.references.map((r) => [r.name, r.assignedBefore])).toEqual([
      ['A', false],
      ['B', true],
    ]);
  });

  it('never asks for what the block\'s own shell sets: bash\'s PS4 and GROUPS, zsh\'s ZSH_VERSION', () => {
    const model = parseRunbook('```bash\necho "$BASH_VERSION $PS4 ${GROUPS[0]} $RANDOM $MISSING"\n```\n\n```zsh\necho $ZSH_VERSION $HOST $ALSO_MISSING\n```\n');
    expect(model.references.filter((r) => !r.assignedBefore).map((r) => r.name)).toEqual(['MISSING', 'ALSO_MISSING']);
  });

  it('knows the names read, printf -v, getopts and mapfile assign, and that ${!prefix@} uses none', () => {
    const model = parseRunbook(
      "```bash\nwhile IFS=: read -r user _ uid _; do echo \"$user $uid\"; done\nread -rp 'Proceed? ' -t 5 ANSWER; echo $ANSWER\nread -a PARTS <<< 'a b'; echo ${PARTS[0]}\nIFS=, read -ra HOSTS <<< 'a,b'; echo ${HOSTS[@]}\nread -ar ZONES <<< 'z'; echo ${ZONES[0]}\nprintf -v STAMP '%s' x; echo $STAMP\ngetopts 'ab' OPT; echo $OPT\nmapfile -t -d '' FILES < list; echo ${FILES[0]}\necho ${!prefix@} $MISSING\n```\n",
    );
    expect(model.references.filter((r) => !r.assignedBefore).map((r) => r.name)).toEqual(['MISSING']);
  });

  it('knows ${X:=default} and arithmetic assign, and that comparisons do not', () => {
    const model = parseRunbook(
      '```bash\necho "${ALSO:=y}" "$ALSO"\n(( count = 5 )); echo $count\nfor (( i = 0; i < 3; i++ )); do echo $i; done\n((++hits)); echo $hits\n(( total += 2 )); echo $total\n(( LIMIT >= 5 )) && echo $LIMIT\n(( EQ == 1 )) && echo $EQ\n```\n',
    );
    // What a run would demand a value for: used, with no default, and not assigned first.
    expect(model.references.filter((r) => !r.assignedBefore && r.default === null).map((r) => r.name)).toEqual(['LIMIT', 'EQ']);
  });

  it('never confuses a long line or non-ASCII text', () => {
    const { text, model } = parsed('parser/long-lines.md');
    expect(model.tasks).toHaveLength(1);
    expect(model.blocks[0]!.body.length).toBeGreaterThan(20_000);
    expect(model.tables[0]!.rows[0]!.cells[1]!.checkbox).toBe('unchecked');
    expect(slice(text, model.tables[0]!.rows[0]!.cells[1]!.span)).toBe('[ ]');
    const uni = parsed('parser/unicode.md').model;
    expect(uni.sections[0]!.anchor).toBe('basculement-de-la-base--数据库切换-');
    expect(uni.tables[0]!.rows[0]!.cells[2]!.checkbox).toBe('unchecked');
    expect(uni.blocks[0]!.name).toBe('émoji');
  });
});

describe('parseRunbook: chunked parsing', () => {
  it('starts a piece at each fence opened at column 0, and reads the pieces as GitHub reads the whole', () => {
    const text = [
      '# One section',
      '',
      '```bash',
      'echo 1',
      '```',
      '- item right above a fence',
      '```bash',
      'echo 2',
      '```',
      '> a quote right above a fence',
      '~~~sh',
      'echo 3',
      '~~~',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '```bash',
      'echo 4',
      '```',
      '',
      '<!-- runbook: name=five timeout=5s -->',
      '```bash',
      'echo 5',
      '```',
      '',
      '   ```bash',
      'echo 6',
      '```',
      '``` not`a fence',
      '- [ ] a task',
      '',
      '<pre>',
      '```bash',
      'inside an HTML block',
      '```',
      '</pre>',
      '',
      '````markdown',
      '```bash',
      'inside a longer fence',
      '```',
      '````',
      '```bash',
      'echo 7',
      '```',
      '',
    ].join('\n');
    const model = parseRunbook(text);
    const fenceAt = (line: number) => new LineIndex(text).lineStart(line);
    // Cut: fences 1 to 4, the four-backtick fence and fence 7; not the one under an options
    // comment, not the one indented, not those an HTML block or a longer fence holds.
    expect(model.chunkStarts).toEqual([0, ...[3, 7, 11, 17, 38, 43].map(fenceAt)]);
    expect(model.blocks.map((b) => b.body)).toEqual(['echo 1', 'echo 2', 'echo 3', 'echo 4', 'echo 5', 'echo 6', '```bash\ninside a longer fence\n```', 'echo 7']);
    expect(model.blocks[4]).toMatchObject({ name: 'five', timeoutMs: 5000 });
    expect(ourFacts(text)).toEqual(cmarkFacts(text));
  });

  it('keeps an HTML block or open fence that swallows a heading in one piece', () => {
    const text = '# A\n\n<div>\n# not a heading\n</div>\n\n```bash\n# comment, not a heading\n```\n# B\n';
    const model = parseRunbook(text);
    expect(model.sections.map((s) => s.text)).toEqual(['A', 'B']);
    expect(model.blocks[0]!.body).toBe('# comment, not a heading');
  });

  it('gives the same model in one piece and in many', () => {
    const doc = Array.from({ length: 30 }, (_, i) => `# S${i}\n\n- [ ] t${i}\n\n\`\`\`bash\necho ${i}\n\`\`\`\n`).join('\n');
    const model = parseRunbook(doc);
    expect(model.tasks).toHaveLength(30);
    expect(model.blocks.map((b) => b.line)).toEqual(Array.from({ length: 30 }, (_, i) => 5 + i * 8));
    expect(model.blocks.every((b) => model.sections[b.section!]!.text === `S${b.index}`)).toBe(true);
  });
});
