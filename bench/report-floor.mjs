// The floor for `runbook report`: parse the session doc with runbook's own parser and read its
// journal, nothing drawn.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseRunbook } from './.out/parser.js';

const doc = process.argv[2];
parseRunbook(readFileSync(doc, 'utf8'));
const journal = join(dirname(doc), '.runbook', `${basename(doc)}.journal.jsonl`);
const events = readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
if (!events.length) throw new Error('empty journal');
