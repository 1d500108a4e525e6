import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedModel } from '../../src/audit/model-cache.js';
import { unpackValue } from '../../src/audit/unpack-model.js';
import { parseRunbook } from '../../src/parser/index.js';

/** Every Markdown file under `dir`. */
const markdownIn = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => join(e.parentPath, e.name));

describe('a model read back from the cache', () => {
  it('is the model a parse makes, exactly, for every fixture and bundled runbook', () => {
    const texts = [...markdownIn('fixtures'), ...markdownIn('docs')].map((file) => readFileSync(file, 'utf8'));
    // Characters outside ASCII, lone surrogates, a BOM and a NUL-free control character.
    texts.push('\ufeff# Ünïcödé 🚀 \ud800 lone\r\n\r\n- [ ] ✅ tick ⬜\r\n\r\n```bash\necho "é\u0007\u007f"\n```\n');
    expect(texts.length).toBeGreaterThan(80);
    for (const text of texts) {
      const cache = mkdtempSync(join(tmpdir(), 'runbook-models-'));
      const parsed = parseRunbook(text);
      cachedModel(text, cache);
      const [entry, ...more] = readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(more).toEqual([]);
      const bytes = readFileSync(join(entry!.parentPath, entry!.name));
      // Its own key on the first line, then the model, exactly.
      const key = bytes.toString('latin1', 0, bytes.indexOf(10));
      expect(`${key}.model`).toBe(entry!.name);
      expect(unpackValue(bytes, key.length + 1)).toStrictEqual(parsed);
      expect(cachedModel(text, cache)).toStrictEqual(parsed);
    }
  });
});
