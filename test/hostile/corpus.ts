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
