#!/usr/bin/env node
// The installed command. The real entry is bundled into dist/ by `npm install` (the `prepare`
// script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('runbook: not built yet; run `npm install` (or `npm run build`) in the project folder\n');
  process.exit(2);
}
await import(entry.href);
