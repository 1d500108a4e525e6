import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockAnchor, type Anchor } from '../../src/document/anchors.js';
import { Document } from '../../src/document/document.js';
import { parseRunbook } from '../../src/parser/index.js';

/** Writes `text` to a new file and saves `body` into its block `index`; the file's bytes after. */
function saveBody(text: string, index: number, body: string): { after: Buffer; doc: Document } {
  const path = join(mkdtempSync(join(tmpdir(), 'runbook-body-')), 'doc.md');
  writeFileSync(path, text);
  const doc = Document.open(path);
  try {
    doc.apply([{ kind: 'body', anchor: blockAnchor(doc.model, index) as Anchor & { kind: 'block' }, body }]);
  } finally {
    doc.close();
  }
  return { after: readFileSync(path), doc };
}

describe("saving an operator's edit into a block", () => {
  it('changes only the lines the edit changes, inside a block quote, with CRLF and a BOM', () => {
    const text = '\ufeff# Fix\r\n\r\n> ```bash\r\n> echo   keep  \r\n>\r\n> echo old\r\n> \techo tab\r\n> ```\r\n\r\ntail\r\n';
    const { after } = saveBody(text, 0, 'echo   keep  \n\necho new\necho added\n\techo tab');
    expect(after.toString('utf8')).toBe(text.replace('> echo old\r\n', '> echo new\r\n> echo added\r\n'));
    expect(parseRunbook(after.toString('utf8')).blocks[0]!.body).toBe('echo   keep  \r\n\r\necho new\r\necho added\r\n\techo tab');
  });

  it('keeps a list item\'s indentation on new lines, blank ones without trailing spaces', () => {
    const text = '- [ ] Step\n\n  ```bash { name=a }\n  echo one\n  ```\n';
    const { after } = saveBody(text, 0, 'echo one\n\necho two');
    expect(after.toString('utf8')).toBe('- [ ] Step\n\n  ```bash { name=a }\n  echo one\n\n  echo two\n  ```\n');
  });

  it('refuses code that would end the fence early, writing nothing', () => {
    const text = '# Fix\n\n```bash\necho one\n```\n\n- [ ] after\n';
    expect(() => saveBody(text, 0, 'echo one\n```\n- [ ] smuggled')).toThrow(/cannot be saved into the block as it is/);
  });

  it('empties a block and fills an empty one', () => {
    const text = '```sh\necho gone\n```\n\n```sh\n```\n';
    expect(saveBody(text, 0, '').after.toString('utf8')).toBe('```sh\n```\n\n```sh\n```\n');
    expect(saveBody(text, 1, 'echo here').after.toString('utf8')).toBe('```sh\necho gone\n```\n\n```sh\necho here\n```\n');
  });
});
