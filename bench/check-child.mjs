// Issue 7: checking generated runbooks (without ShellCheck) against only parsing them.
// Usage: node bench/check-child.mjs parse|check COUNT
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRunbook } from './generate.mjs';
import { parseRunbook } from './.out/parser.js';
import { CHECKS } from './.out/document.js';

const [mode, count] = [process.argv[2], Number(process.argv[3])];
const dir = mkdtempSync(join(tmpdir(), 'runbook-check-bench-'));
const docs = Array.from({ length: count }, (_, i) => {
  const file = join(dir, `r${i}.md`);
  const text = generateRunbook(4 * 1024, i + 1);
  writeFileSync(file, text);
  return { file, text };
});
const work = mode === 'parse'
  ? ({ text }) => parseRunbook(text)
  : ({ file, text }) => {
      const context = { file, text, model: parseRunbook(text), shellcheck: false };
      for (const check of CHECKS) check.check(context);
    };
work(docs[0]);
const start = performance.now();
docs.forEach(work);
console.log(JSON.stringify({ ms: performance.now() - start }));
