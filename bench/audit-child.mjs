// Issue 6: auditing generated ~20 KB session docs against only parsing them, and how the cost
// grows with the number of documents. Usage: node bench/audit-child.mjs parse|audit COUNT
import { generateRunbook } from './generate.mjs';
import { parseRunbook } from './.out/parser.js';
import { auditDocument, loadConfig } from './.out/document.js';

const [mode, count] = [process.argv[2], Number(process.argv[3])];
const docs = Array.from({ length: count }, (_, i) => generateRunbook(20 * 1024, i + 1));
const config = loadConfig(process.cwd());
const work = mode === 'parse' ? (text) => parseRunbook(text) : (text, i) => auditDocument(`doc-${i}.md`, text, config);
work(generateRunbook(20 * 1024, 999), -1);
const start = performance.now();
docs.forEach(work);
console.log(JSON.stringify({ ms: performance.now() - start, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
