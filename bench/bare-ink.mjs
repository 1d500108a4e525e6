// The floor for play's first frame: import ink, react and the parser, parse a runbook, render
// one frame, then wait to be stopped.
import { readFileSync } from 'node:fs';
import { render, Text } from 'ink';
import { createElement } from 'react';
import { parseRunbook } from './.out/parser.js';

const model = parseRunbook(readFileSync(process.argv[2], 'utf8'));
render(createElement(Text, null, `${model.title} — first frame`));
setInterval(() => {}, 1000);
