import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { randomHex, sha256 } from '../src/random.js';

describe('hashes and random ids', () => {
  it('hashes as SHA-256 does, for text and for bytes, small and large', () => {
    const large = 'ä runbook line\n'.repeat(30_000);
    for (const input of ['', 'runbook', 'Zoë ✅\n', 'x'.repeat(100_000), large, 'after the large one']) {
      expect(sha256(input)).toBe(createHash('sha256').update(input).digest('hex'));
      expect(sha256(Buffer.from(input))).toBe(createHash('sha256').update(input).digest('hex'));
    }
  });

  it('loads node:crypto for a large input where Node has no getBuiltinModule (before 20.16)', async () => {
    const saved = process.getBuiltinModule;
    Reflect.deleteProperty(process, 'getBuiltinModule');
    try {
      expect(typeof process.getBuiltinModule).toBe('undefined');
      vi.resetModules();
      const fresh = await import('../src/random.js');
      const big = 'y'.repeat(300_000);
      expect(fresh.sha256(big)).toBe(createHash('sha256').update(big).digest('hex'));
    } finally {
      process.getBuiltinModule = saved;
    }
  });

  it('hands out ids of the length asked, never the same twice, past the pool it reads at once', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => randomHex(1 + (i % 9)));
    ids.forEach((id, i) => expect(id).toMatch(new RegExp(`^[0-9a-f]{${2 * (1 + (i % 9))}}$`)));
    const long = ids.filter((id) => id.length === 16);
    expect(new Set(long).size).toBe(long.length);
    expect(randomHex(300)).toHaveLength(600);
    // Not a constant pattern: every hex digit turns up.
    expect(new Set(ids.join('')).size).toBe(16);
  });
});
