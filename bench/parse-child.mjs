// Parses one generated runbook in a fresh process and reports time and peak memory as JSON.
// Usage: node bench/parse-child.mjs model|bare KB
import { generateRunbook } from './generate.mjs';

const [mode, kb] = process.argv.slice(2);
const text = generateRunbook(Number(kb) * 1024);
let parse;
if (mode === 'model') {
  const { parseRunbook } = await import('./.out/parser.js');
  parse = parseRunbook;
} else {
  const { unified } = await import('unified');
  const { default: remarkParse } = await import('remark-parse');
  const { default: remarkGfm } = await import('remark-gfm');
  const processor = unified().use(remarkParse).use(remarkGfm);
  parse = (t) => processor.parse(t);
}
// Warm up on a small document so every size is measured with the same JIT state.
parse(generateRunbook(50 * 1024, 7));
const start = performance.now();
parse(text);
const ms = performance.now() - start;
console.log(JSON.stringify({ ms, bytes: text.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
