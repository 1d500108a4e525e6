import { describe, expect, it } from 'vitest';
import { isTranscript, parseRunbook, runnableScript } from '../../src/parser/index.js';

describe('blocks written with `$ ` prompts', () => {
  it('runs them without the prompts when every command carries one', () => {
    expect(runnableScript('$ export A=1\n$ echo "$A"')).toBe('export A=1\necho "$A"');
    // Comments, blank lines and continuation lines need no prompt; a continuation keeps its text.
    expect(runnableScript('# drain first\n$ kubectl drain node-1 \\\n    --ignore-daemonsets\n\n$ echo done')).toBe('# drain first\nkubectl drain node-1 \\\n    --ignore-daemonsets\n\necho done');
    // Bash is given LF line ends, whatever the document's.
    expect(runnableScript('$ echo a\r\n$ echo b\r\n')).toBe('echo a\necho b\n');
    expect(runnableScript('echo a\recho b')).toBe('echo a\necho b');
  });

  it('leaves a block without prompts exactly as written', () => {
    const body = 'echo "$ not a prompt"\nprintf "%s" "$HOME"';
    expect(runnableScript(body)).toBe(body);
    expect(isTranscript(body)).toBe(false);
  });

  it('calls prompted commands among their output a transcript, which never runs', () => {
    const body = '$ kubectl get pods\nNAME    READY\napi-1   1/1';
    expect(isTranscript(body)).toBe(true);
    expect(runnableScript(body)).toBe(body);
    const model = parseRunbook(`# Pods\n\n\`\`\`bash\n${body}\n\`\`\`\n\n\`\`\`bash\n$ echo fine\n\`\`\`\n`);
    expect(model.blocks.map((b) => [b.runnable, b.skipReason?.startsWith('a terminal transcript') ?? null])).toEqual([
      [false, true],
      [true, null],
    ]);
  });

  it('reads the lines of a here-document a prompted command opens as its input, not as output', () => {
    expect(runnableScript("$ cat > app.conf <<EOF\nlisten 8080\nEOF\n$ cat app.conf")).toBe("cat > app.conf <<EOF\nlisten 8080\nEOF\ncat app.conf");
    expect(runnableScript("$ cat <<-'END' > x\n\tkeep $HOME\n\tEND\n$ wc -l x")).toBe("cat <<-'END' > x\n\tkeep $HOME\n\tEND\nwc -l x");
    // A here-string opens nothing: the line after it is output.
    expect(isTranscript('$ grep -c a <<< "abc"\n1')).toBe(true);
    // Output after the terminator still makes a transcript.
    expect(isTranscript('$ cat <<EOF\nhello\nEOF\nhello')).toBe(true);
  });
});
