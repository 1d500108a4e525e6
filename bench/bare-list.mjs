// The floor for `runbook list`: import unified + remark-parse + remark-gfm and parse one file.
import { readFileSync } from 'node:fs';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';

unified().use(remarkParse).use(remarkGfm).parse(readFileSync(process.argv[2], 'utf8'));
