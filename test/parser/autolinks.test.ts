import fc from 'fast-check';
import type { Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { autolinkLiteralsWhereAny, mayHoldAutolinkLiteral } from '../../src/parser/autolinks.js';

const gfm = unified().use(remarkParse).use(remarkGfm);
const guarded = unified().use(remarkParse).use(remarkGfm).use(autolinkLiteralsWhereAny);
/** A tree with no autolink literals found in it yet (CommonMark alone). */
const unlinked = unified().use(remarkParse);

describe('which trees may hold an autolink literal', () => {
  it.each([
    ['a bare www. address in any case', 'see WWW.example.com now'],
    ['an http address in capitals', 'see HTTPS://example.com'],
    ['an e-mail address', 'mail ops@example.com'],
    ['a mailto: address', 'mailto:ops@example.com'],
    ['an @ written as a character reference', 'ops&#64;example.com'],
    ['www written with a character reference', '&#x77;ww.example.com'],
    ['an address inside emphasis in a list item', '- [ ] *x www.example.com*'],
  ])('%s', (_name, text) => {
    expect(mayHoldAutolinkLiteral(unlinked.parse(text) as Root)).toBe(true);
  });

  it.each([
    ['an address only in a code block', '```bash\ncurl http://127.0.0.1:8080/health\n```'],
    ['an address only in inline code', 'run `curl https://example.com` and `mail a@b.co`'],
    ['no address at all', '# Step\n\n- [ ] drain the node www\n\nhttp:/ not a scheme, wwwx.example.com'],
  ])('not %s', (_name, text) => {
    expect(mayHoldAutolinkLiteral(unlinked.parse(text) as Root)).toBe(false);
  });
});

describe('finding autolink literals only where text may hold one', () => {
  const pieces = ['www.example.com', 'WWW.Example.COM/x', 'http://a.b', 'HTTPS://a.b/c?d', 'ops@example.com', 'mailto:a@b.co', 'xmpp:a@b.co/r', 'a&#64;b.co', '&#x77;ww.a.b', '`http://a.b`', '[www.x.y](http://z.w)', '<https://a.b>', 'plain words', '**bold** _em_', '\n\n', '\n- [ ] ', '\n| a | b |\n|---|---|\n| ', ' | ', '\n```\nhttp://a.b\n```\n', '\\@', 'www', '@', 'http:/'];

  it('makes the same tree as GFM itself, for any text of addresses, near-addresses and markup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const text = parts.join(' ');
        expect(guarded.parse(text)).toEqual(gfm.parse(text));
      }),
      { numRuns: 400 },
    );
  });

  it('still links every kind of literal GFM knows', () => {
    const text = 'a www.example.com b HTTPS://example.com/x c ops@example.com d mailto:a@b.co e xmpp:a@b.co/r f a&#64;b.co\n';
    const links = (tree: unknown) => JSON.stringify(tree).match(/"type":"link"/g)?.length ?? 0;
    expect(links(guarded.parse(text))).toBe(links(gfm.parse(text)));
    expect(links(guarded.parse(text))).toBeGreaterThanOrEqual(5);
  });
});
