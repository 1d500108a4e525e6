/**
 * Hostile documents, generated rather than committed: nesting that took the parser down (issue
 * 16) and documents just inside the limits. Each is a name and a function building its text.
 */
export const HOSTILE: Array<[name: string, build: () => string]> = [
  ['a 10 KB line of 10 000 block quote markers', () => `# T\n\n${'>'.repeat(10_000)} x\n`],
  ['list markers repeated 3 000 times on one line', () => `# T\n\n${'- '.repeat(3000)}x\n`],
  ['ordered markers repeated on one line', () => `# T\n\n${'1. '.repeat(3000)}x\n`],
  ['quotes and lists alternating on one line', () => `# T\n\n${'> - '.repeat(2500)}x\n`],
  ['1 999 lines of growing block quotes (2 MB)', () => {
    let text = '# T\n\n';
    for (let i = 1; i < 2000; i++) text += `${'>'.repeat(i)} x\n`;
    return text;
  }],
  ['list items nested 1 000 deep by indentation', () => {
    let text = '# T\n\n';
    for (let i = 0; i < 1000; i++) text += `${'  '.repeat(i)}- [ ] step ${i}\n`;
    return text;
  }],
  ['block quotes 90 deep continued on 5 000 lines', () => `# T\n\n- [ ] step\n\n${`${'>'.repeat(90)} x\n`.repeat(5000)}`],
];

/** Distinct backtick runs that never close, then a long tail: each run looked ahead to the paragraph's end. */
function unclosedRuns(count: number, tail: number): string {
  let text = '';
  for (let i = 1; i <= count; i++) text += `${'`'.repeat(i)}a `;
  return `${text}${'word '.repeat(tail / 5)}`;
}

/**
 * Inline markup that made micromark's time grow with the square of a paragraph's markers (or with
 * their number times its length), each about 100 KB. A task before it shows the document is still read.
 */
export const HOSTILE_CODE_SPANS: Array<[name: string, build: () => string]> = [
  ['300 backtick runs that never close, then 60 KB of text', () => `# T\n\n- [ ] step\n\n${unclosedRuns(300, 60_000)}\n`],
  ['300 backtick runs closed only in the next list item', () => `# T\n\n- [ ] step\n\n${unclosedRuns(300, 60_000)}\n- ${unclosedRuns(300, 0)}\n`],
];

export const HOSTILE_INLINE: Array<[name: string, build: () => string]> = [
  ['a paragraph of 50 000 unmatched `*a`', () => `# T\n\n- [ ] step\n\n${'*a'.repeat(50_000)}\n`],
  ['a paragraph of 33 000 `_a `', () => `# T\n\n- [ ] step\n\n${'a_ '.repeat(33_000)}\n`],
  ['a paragraph of 50 000 `~a`', () => `# T\n\n- [ ] step\n\n${'~a'.repeat(50_000)}\n`],
  ['20 000 nested `[` then as many `]`', () => `# T\n\n- [ ] step\n\n${'['.repeat(20_000)}a${']'.repeat(20_000)}\n`],
  ['a paragraph of 50 000 `a]`', () => `# T\n\n- [ ] step\n\n${'a]'.repeat(50_000)}\n`],
  ['a task whose text holds 40 000 `*a`', () => `# T\n\n- [ ] step ${'*a'.repeat(40_000)}\n`],
  ['a paragraph over many lines of `*a_` and `[`', () => `# T\n\n- [ ] step\n\n${'*a_ [b '.repeat(20).concat('\n').repeat(700)}`],
];
