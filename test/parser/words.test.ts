import { describe, expect, it } from 'vitest';
import { parseRunbook, wordText, writtenFiles } from '../../src/parser/index.js';

const files = (script: string) => writtenFiles(script).map(wordText);

describe('the files a script writes', () => {
  it('reads the targets of >, >>, >|, &> and a descriptor\'s redirection', () => {
    expect(files('echo a > out.log\necho b >> all.log\necho c >| forced.log\nmake &> build.log\nrun 2> err.log')).toEqual(['out.log', 'all.log', 'forced.log', 'build.log', 'err.log']);
  });

  it('reads a target written against its operator and one in quotes as one word', () => {
    expect(files('echo a >out.log\nps aux > "top processes.txt"')).toEqual(['out.log', 'top processes.txt']);
  });

  it('reads every file tee names, after a pipe or an assignment, and not its options', () => {
    expect(files('seq 3 | tee -a one.txt two.txt\nLC_ALL=C tee three.txt < in')).toEqual(['one.txt', 'two.txt', 'three.txt']);
  });

  it('leaves out descriptor duplications, /dev files, quoted or commented operators and the word tee as an argument', () => {
    expect(files('cmd 2>&1 >/dev/null\necho ">" not.txt\necho tee x.txt # > comment.txt\necho a\\>b.txt')).toEqual([]);
  });

  it('skips here-document bodies and keeps the redirection on their line', () => {
    expect(files('cat <<EOF > notes.txt\n> quoted line.txt\nEOF\ncat <<-\'X\' >> more.txt\n\t> no.txt\n\tX')).toEqual(['notes.txt', 'more.txt']);
  });

  it('keeps expansions inside their word, and which parts were single-quoted', () => {
    const [word] = writtenFiles('docker logs api > "/tmp/incident-$(date +%s)-api.log"');
    expect(wordText(word!)).toBe('/tmp/incident-$(date +%s)-api.log');
    const [literal] = writtenFiles("echo x > '$HOME'/y.txt");
    expect(literal).toEqual([{ text: '$HOME', quote: 'single' }, { text: '/y.txt', quote: null }]);
  });
});

describe('the evidence option', () => {
  it('reads evidence as a flag, a list of paths, or turned off', () => {
    const model = parseRunbook('```bash { evidence }\n:\n```\n\n```bash { evidence=a.log,b/c.txt }\n:\n```\n\n```bash { evidence=false }\n:\n```\n\n```bash\n:\n```\n');
    expect(model.blocks.map((b) => [b.keepEvidence, b.evidenceFiles])).toEqual([[true, []], [true, ['a.log', 'b/c.txt']], [false, []], [null, []]]);
    expect(model.blocks.every((b) => b.options.unknown.length === 0)).toBe(true);
  });
});
