import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// Every save swaps the new version in with renameat2(RENAME_EXCHANGE) through one helper process
// per session (perl's `syscall`), instead of a process per save. These tests look at that helper
// from inside the session: the blocks find it among the runbook process's children.

/** Bash that prints the PIDs of the perl processes whose parent is the runbook process (`$PPID` of the session's shell). */
const HELPERS = `{ for d in /proc/[0-9]*; do [ "$(cut -d' ' -f4 "$d/stat" 2>/dev/null)" = "$PPID" ] && grep -qa perl "$d/cmdline" 2>/dev/null && echo "\${d#/proc/}"; done; true; }`;

function session(blocks: string[], before: (tmp: string) => void = () => undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-swap-test-'));
  // A TMPDIR of the session's own, to see that the helper's pipes leave nothing behind.
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  before(tmp);
  const body = blocks.map((b, i) => `- [ ] step ${i + 1}\n\n  \`\`\`bash\n  ${b}\n  \`\`\`\n\n`).join('');
  writeFileSync(join(dir, 'doc.md'), `# Swaps\n\n${body}`);
  const result = runCli(['run', 'doc.md', '--yes'], { cwd: dir, env: { TMPDIR: tmp } });
  return { dir, tmp, result, text: readFileSync(join(dir, 'doc.md'), 'utf8') };
}

/** The user's swap folder in a temporary folder, where helpers make their folders of pipes. */
const SWAP = `runbook-swap-${process.getuid!()}`;

/** The folders of pipes left in the swap folder of `tmp` (none when it does not exist). */
const pipeFolders = (tmp: string): string[] => (existsSync(join(tmp, SWAP)) ? readdirSync(join(tmp, SWAP)) : []);

/** Whether the perl process `pid` is gone within 10 s. */
async function gone(pid: string): Promise<boolean> {
  const alive = () => existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('perl');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return !alive();
}

const ticked = (text: string) => (text.match(/^- \[x\] /gm) ?? []).length;

describe('the save helper', () => {
  it('is one process for the whole session, ends with it, and leaves no pipes behind', async () => {
    const { dir, tmp, result, text } = session([
      'true',
      `${HELPERS} > helpers-1`,
      'true',
      `${HELPERS} > helpers-2`,
      'true',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(ticked(text)).toBe(5);
    const first = readFileSync(join(dir, 'helpers-1'), 'utf8').trim();
    const second = readFileSync(join(dir, 'helpers-2'), 'utf8').trim();
    // One helper, the same one after several saves.
    expect(first).toMatch(/^\d+$/);
    expect(second).toBe(first);
    // Gone with the session (its requests ended: on a busy machine it may take a moment to be
    // scheduled and see that), and its folder of pipes too.
    expect(await gone(first)).toBe(true);
    expect(pipeFolders(tmp)).toEqual([]);
  });

  it('a helper killed mid-session costs nothing: every later save is made, nothing is lost', () => {
    const blocks = ['true', 'true', `for p in $(${HELPERS}); do kill -9 "$p" && echo "$p" >> killed; done`, ...Array.from({ length: 6 }, () => 'true')];
    const { dir, result, text } = session(blocks);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'killed'), 'utf8').trim()).toMatch(/^\d+$/);
    expect(ticked(text)).toBe(blocks.length);
    expect((text.match(/^ {2}\*runbook:\* ✅ passed/gm) ?? []).length).toBe(blocks.length);
  });

  it('one started for a session killed before its first save ends on its own', async () => {
    // The first block finds the helper (started with the lock, not yet asked), then kills runbook.
    const { dir, result } = session([`${HELPERS} > helpers; kill -9 $PPID`]);
    expect(result.code).not.toBe(0);
    const pid = readFileSync(join(dir, 'helpers'), 'utf8').trim();
    expect(pid).toMatch(/^\d+$/);
    expect(await gone(pid)).toBe(true);
  }, 20_000);

  it('sweeps away the pipes of a session killed while it started its helper', () => {
    // 999999999 is above any PID Linux gives; a folder of a live process (this one) stays.
    const { tmp, result } = session(['true', 'true'], (t) => {
      mkdirSync(join(t, SWAP), { mode: 0o700 });
      for (const pid of [999999999, process.pid]) {
        mkdirSync(join(t, SWAP, `${pid}-x1`));
        writeFileSync(join(t, SWAP, `${pid}-x1`, 'q'), '');
      }
    });
    expect(result.code, result.stderr).toBe(0);
    expect(pipeFolders(tmp)).toEqual([`${process.pid}-x1`]);
  });

  it('keeps its pipes in a folder of the user’s own, and never in one someone else could have made', () => {
    // A swap folder open to others is not used: the pipes go straight into the temporary folder.
    const { tmp, result, text } = session(['true', 'true'], (t) => mkdirSync(join(t, SWAP), { mode: 0o777 }));
    expect(result.code, result.stderr).toBe(0);
    expect(ticked(text)).toBe(2);
    chmodSync(join(tmp, SWAP), 0o700);
    expect(pipeFolders(tmp)).toEqual([]);
    expect(readdirSync(tmp).filter((name) => name.startsWith('runbook-swap-') && name !== SWAP)).toEqual([]);
    // Made by the session itself, it is the user's alone.
    const own = session(['true']);
    expect(statSync(join(own.tmp, SWAP)).mode & 0o777).toBe(0o700);
  });
});
