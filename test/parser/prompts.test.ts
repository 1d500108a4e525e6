import { spawnSync } from 'node:child_process';
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

describe('a prompted command that goes on over lines, as a terminal shows it', () => {
  it('runs the `> ` lines of a loop, an if, a pipe or an open quote as part of it, without their prompt', () => {
    expect(runnableScript('$ for h in web-1 web-2; do\n>   echo "host $h"\n> done\n$ echo after')).toBe('for h in web-1 web-2; do\n  echo "host $h"\ndone\necho after');
    expect(runnableScript('$ if systemctl is-active nginx; then\n>   echo up\n> else\n>   echo down\n> fi')).toBe('if systemctl is-active nginx; then\n  echo up\nelse\n  echo down\nfi');
    expect(runnableScript('$ kubectl get pods \\\n>   -n prod')).toBe('kubectl get pods \\\n  -n prod');
    expect(runnableScript('$ journalctl -u app |\n> tail -n 5')).toBe('journalctl -u app |\ntail -n 5');
    expect(runnableScript('$ echo "two\n> lines"')).toBe('echo "two\nlines"');
  });

  it('takes the `> ` prompts off a here-document typed at a terminal, and keeps a `> ` that is its text', () => {
    const typed = '$ cat <<EOF\n> port=8080\n> host=$HOST\n> EOF\n$ echo done';
    expect(runnableScript(typed)).toBe('cat <<EOF\nport=8080\nhost=$HOST\nEOF\necho done');
    // What bash prints for the script is what the terminal showed the command printing.
    const ran = spawnSync('bash', ['-c', runnableScript(typed)], { encoding: 'utf8', env: { ...process.env, HOST: 'db-1' } });
    expect(ran.stdout).toBe('port=8080\nhost=db-1\ndone\n');
    expect(ran.stderr).toBe('');
    // A here-document whose lines start with `> ` but ends with a bare terminator: `> ` is its text.
    expect(runnableScript('$ cat <<EOF\n> quoted\nEOF')).toBe('cat <<EOF\n> quoted\nEOF');
  });

  it('reads a `> ` line after a finished command as its output: a transcript', () => {
    expect(isTranscript('$ cat notes.md\n> quoted in the notes')).toBe(true);
    expect(isTranscript('$ for h in a b; do echo $h; done\n> not a command')).toBe(true);
  });

  it('agrees with bash on which first lines leave a command open', () => {
    const firsts = [
      'for h in a b; do',
      'for h in a b; do echo $h; done',
      'while read -r line; do',
      'if [ -f x ]; then echo y; fi',
      'if [ -f x ]; then',
      'case "$1" in',
      'case "$1" in a) echo a;; esac',
      '{ echo one',
      '{ echo one; }',
      'echo "unclosed',
      "echo 'it''s'",
      "echo 'open",
      'ls |',
      'true &&',
      'false ||',
      '(cd /tmp',
      '(cd /tmp; ls)',
      'echo done',
      'echo "fi"; if true; then',
      'echo "# not a comment" | grep -c "#"',
      'until curl -fs localhost; do sleep 1; done',
      'select x in a b; do',
      'echo if for while',
    ];
    for (const first of firsts) {
      const checked = spawnSync('bash', ['-n'], { input: `${first}\n`, encoding: 'utf8' });
      const bashOpen = /unexpected end of file|unexpected EOF while looking for matching/.test(checked.stderr);
      // Open: the `> ` line goes on with it and the block runs; closed: it is output.
      expect({ first, open: !isTranscript(`$ ${first}\n> echo next`) }).toEqual({ first, open: bashOpen });
    }
  });
});
