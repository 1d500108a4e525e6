#!/usr/bin/env node
// The installed command. The real entry is bundled into dist/ by `npm run build` (and by
// `npm pack` before a package is made). CommonJS (see bin/package.json): Node starts it sooner
// than an ES module.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli.cjs');
if (!existsSync(entry)) {
  process.stderr.write('runbook: not built yet; run `npm install` then `npm run build` in the project folder\n');
  process.exit(2);
}
require(entry);
