import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { auditDocument } from '../../src/audit/audit.js';
import { loadConfig } from '../../src/audit/config.js';
import type { Finding } from '../../src/audit/types.js';
import { own } from '../../src/io.js';

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

  // V8 keeps a string of characters up to U+00FF in one byte each, unless it was cut from a string
  // holding a wider character: then it is two bytes a character, and so is every string made with
  // it, an output of 21 MB of JSON included (made and written five times slower). Its serialized
  // form tells which: tag '"' for one byte a character, 'c' (or a padding byte before it) for two.
  const oneByte = (s: string) => serialize(s)[2] === '"'.charCodeAt(0);

  it('are one byte a character where they can be, though the document has wider characters', () => {
    const wide = 'Failover — 10:42 ✅ then a line long enough to be cut rather than copied';
    const cut = wide.slice(wide.indexOf('then'));
    expect(oneByte(cut), 'a slice of a wider string is two bytes a character').toBe(false);
    expect(own(cut)).toBe(cut);
    expect(oneByte(own(cut))).toBe(true);
    expect(oneByte(own('café au lait, é is U+00E9'.slice(1)))).toBe(true);
    expect(own(wide)).toBe(wide);
    const config = loadConfig(mkdtempSync(join(tmpdir(), 'runbook-findings-')));
    const text = '# Drill — 2026-12-05 ✅\n\n- [ ] Check the replica is in sync\n- [ ] Promote the replica\n\n| Step | Observed |\n| --- | --- |\n| Promote | |\n';
    const findings = auditDocument('drill.md', text, config, { snippets: true });
    expect(findings.length).toBeGreaterThanOrEqual(3);
    for (const f of findings) {
      expect(oneByte(f.message), f.message).toBe(true);
      expect(oneByte(f.snippet!), f.snippet).toBe(true);
    }
  });
});
