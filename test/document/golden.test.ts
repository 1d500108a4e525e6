import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/document/edits.js';
import { readSource } from '../../src/document/source.js';
import { parseRunbook } from '../../src/parser/index.js';
import { runEditFixture } from '../support/ops.js';

const cases = readdirSync('fixtures/edits');
const dir = mkdtempSync(join(tmpdir(), 'runbook-golden-'));

function allMarkdown(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? allMarkdown(path) : name.endsWith('.md') ? [path] : [];
  });
}

describe('edits, byte for byte', () => {
  it.each(cases)('%s: the output equals expected.md exactly', (name) => {
    const out = join(dir, `${name}.md`);
    runEditFixture(`fixtures/edits/${name}`, out);
    expect(readFileSync(out).equals(readFileSync(`fixtures/edits/${name}/expected.md`))).toBe(true);
  });

  it.each(cases)('%s: the result parses back to what was written', (name) => {
    const model = parseRunbook(readSource(`fixtures/edits/${name}/expected.md`).text);
    const ops = JSON.parse(readFileSync(`fixtures/edits/${name}/ops.json`, 'utf8')) as Array<{ op: string; text?: string }>;
    for (const op of ops.filter((o) => o.op === 'result')) {
      expect(model.blocks.some((b) => b.result && op.text!.includes(`exit ${b.result.exitCode}`) && op.text!.endsWith(b.result.operator))).toBe(true);
    }
  });

  it.each(allMarkdown('fixtures').concat(allMarkdown('docs')))('zero edits give back the same bytes: %s', (path) => {
    const bytes = readFileSync(path);
    const source = readSource(path);
    expect(Buffer.from(applyEdits(source.text, []), 'utf8').equals(bytes)).toBe(true);
  });
});
