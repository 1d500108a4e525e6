#!/usr/bin/env node
// The installed command. The real entry is bundled into dist/ by `npm install` (the `prepare`
// script) or `npm run build`. CommonJS (see bin/package.json): Node starts it sooner than an ES
// module.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli.cjs');
if (!existsSync(entry)) {
  process.stderr.write('runbook: not built yet; run `npm install` (or `npm run build`) in the project folder\n');
  process.exit(2);
}
require(entry);
