import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { auditDocument } from '../../src/audit/audit.js';
import { loadConfig } from '../../src/audit/config.js';
import type { Finding } from '../../src/audit/types.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

describe('the findings an audit holds until it prints them', () => {
  it('keep their own lines and messages, not the whole documents they were found in', () => {
    const config = loadConfig(mkdtempSync(join(tmpdir(), 'runbook-findings-')));
    // 30 documents of 100 KB, each with a few unticked tasks: 3 MB of text that is let go once
    // each is audited, whatever its findings say of it.
    // (One audit first, so that what the rules make once is not counted.)
    auditDocument('warm-up.md', '# Warm up\n\n- [ ] Check\n', config);
    const before = heapMb();
    const kept: Finding[][] = [];
    for (let d = 0; d < 30; d++) {
      const filler = `Notes for document ${d}: ${'the primary is healthy and replication lag is low. '.repeat(2000)}\n\n`;
      const text = `# Drill ${d}\n\n${filler}${Array.from({ length: 4 }, (_, i) => `- [ ] Check replica ${d}-${i} is in sync\n`).join('')}`;
      kept.push(auditDocument(`doc-${d}.md`, text, config, { snippets: true }));
    }
    const after = heapMb();
    expect(kept.flat().filter((f) => f.ruleId === 'unticked-task' && f.snippet?.startsWith('- [ ] Check replica'))).toHaveLength(120);
    expect(after - before, `${(after - before).toFixed(2)} MB kept`).toBeLessThan(1);
  });
});
