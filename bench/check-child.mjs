// Issue 7: checking generated runbooks (without ShellCheck) against only parsing them.
// Usage: node bench/check-child.mjs parse|check COUNT
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRunbook } from './generate.mjs';
import { parseRunbook } from './.out/parser.js';
import { checkDocuments } from './.out/document.js';

const [mode, count] = [process.argv[2], Number(process.argv[3])];
const dir = mkdtempSync(join(tmpdir(), 'runbook-check-bench-'));
const docs = Array.from({ length: count }, (_, i) => {
  const file = join(dir, `r${i}.md`);
  const text = generateRunbook(4 * 1024, i + 1);
  writeFileSync(file, text);
  return { file, text };
});
// Both sides warm up on the first document, then do the whole set the way the command does.
if (mode === 'parse') parseRunbook(docs[0].text);
else checkDocuments(docs.slice(0, 1), false, (check) => check.severity);
const start = performance.now();
if (mode === 'parse') docs.forEach(({ text }) => parseRunbook(text));
else checkDocuments(docs, false, (check) => check.severity);
console.log(JSON.stringify({ ms: performance.now() - start }));
