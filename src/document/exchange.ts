import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './whole.js';

/**
 * The number of renameat2(2) on the Linux machines runbook runs on; its flag RENAME_EXCHANGE
 * swaps two names in one step.
 */
const RENAMEAT2: Partial<Record<string, number>> = { x64: 316, arm64: 276 };
/** And of mknodat(2), which makes the helper's pipes (S_IFIFO, mode 600). */
const MKNODAT: Partial<Record<string, number>> = { x64: 259, arm64: 33 };
const FIFO = 0o010600;
const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

// Node has no binding for renameat2; Perl's `syscall` reaches it, and perl-base is part of every
// Debian and Ubuntu system. The helper ignores the terminal's Ctrl-C and hang-up: it ends when the
// process that started it does (its requests end).
const IGNORE = `$SIG{$_} = 'IGNORE' for qw(INT HUP TERM QUIT PIPE);`;
const SWAP = `syscall($n, ${AT_FDCWD}, $a, ${AT_FDCWD}, $b, ${RENAME_EXCHANGE}) == 0 ? 0 : $! + 0`;
/** One swap, the exit status 0 or the errno. */
const ONCE = `${IGNORE} my ($n, $a, $b) = @ARGV; exit(${SWAP})`;
/**
 * A swap per request: two NUL-terminated names in, the status (0 or the errno) and a newline out.
 * Spawning perl costs a few milliseconds, a request to one already running a few microseconds.
 * It makes the two named pipes itself and opens the answers first: once the requests are open at
 * both ends, both names can go.
 */
const SERVE = `${IGNORE} my ($n, $m, $q, $r) = @ARGV; for ($r, $q) { syscall($m, ${AT_FDCWD}, $_, ${FIFO}, 0) == 0 or exit 1 } open(my $out, '>', $r) or exit 1; open(my $in, '<', $q) or exit 1; select($out); $| = 1; $/ = "\\0"; while (defined(my $a = <$in>)) { my $b = <$in>; last unless defined $b; chop $a; chop $b; print ${SWAP}, "\\n" }`;

/** Errnos that say this machine or file system cannot swap names: ENOSYS, EINVAL, ENOTSUP, EPERM. */
const UNSUPPORTED = new Set([38, 22, 95, 1]);
/** How long a request may wait for its answer before the helper is taken for stuck and ended. */
const ANSWER_MS = 10_000;

let supported = process.platform === 'linux' && RENAMEAT2[process.arch] !== undefined && process.env.RUNBOOK_NO_EXCHANGE !== '1';

/** The running helper: where requests go and answers come from. */
interface Helper {
  pid: number;
  requests: number;
  answers: number;
}

/** The helper, once started; null when it could not be (then each swap spawns perl). */
let helper: Helper | null | undefined;

/** Starts the helper, or says why not (null). Its folder of pipes is gone once both ends are open. */
function startHelper(): Helper | null {
  let dir: string | null = null;
  let answers: number | null = null;
  let pid: number | undefined;
  try {
    sweep();
    dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    const q = join(dir, 'q');
    const r = join(dir, 'r');
    const child = spawn('perl', ['-e', SERVE, String(RENAMEAT2[process.arch]), String(MKNODAT[process.arch]), q, r], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    child.on('error', () => undefined);
    child.unref();
    pid = child.pid;
    if (pid === undefined) throw new Error('perl did not start');
    // Each end is opened without waiting, so that a helper that never gets there cannot hang us:
    // the answers once the pipe exists (ENOENT before), the requests once it has a reader (ENXIO).
    const until = Date.now() + ANSWER_MS;
    const open = (path: string, flags: number, early: string[]): number => {
      for (;;) {
        try {
          return openSync(path, flags);
        } catch (error) {
          if (!early.includes((error as NodeJS.ErrnoException).code ?? '') || Date.now() > until || gone(pid!)) throw error;
          sleep(0.5);
        }
      }
    };
    answers = open(r, constants.O_RDONLY | constants.O_NONBLOCK, ['ENOENT']);
    return { pid, requests: open(q, constants.O_WRONLY | constants.O_NONBLOCK, ['ENOENT', 'ENXIO']), answers };
  } catch {
    if (answers !== null) closeSync(answers);
    if (pid !== undefined) end(pid);
    return null;
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

/** The helper's folder of pipes: `runbook-swap-<pid of its runbook>-<random>` in the temporary folder. */
const PREFIX = 'runbook-swap-';

/**
 * Removes the folders of pipes that sessions killed while starting their helper left behind
 * (whose runbook process is gone); any other moment, the folder is gone by the first save.
 */
function sweep(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(PREFIX) ? /^(\d+)-/.exec(name.slice(PREFIX.length))?.[1] : undefined;
    if (pid && gone(Number(pid))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Whether the process `pid` has ended (or is a zombie: ended, not yet waited for). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return /^\S+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return true;
  }
}

/** Kills `pid` and waits until it is no more: a swap it had not made yet will never be made. */
function end(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  const until = Date.now() + ANSWER_MS;
  while (!gone(pid) && Date.now() < until) sleep(1);
}

/** Drops the helper (after it failed): later swaps spawn perl each. */
function dropHelper(h: Helper): void {
  end(h.pid);
  closeSync(h.requests);
  closeSync(h.answers);
  helper = null;
}

/** The helper's answer to one swap: its status, or null when it gave none (it is then gone). */
function ask(h: Helper, a: string, b: string): number | null {
  const request = Buffer.from(`${a}\0${b}\0`);
  try {
    let sent = 0;
    while (sent < request.length) sent += writeSync(h.requests, request, sent);
  } catch {
    // EPIPE: it ended; EAGAIN: it stopped reading. Either way no swap of this request is made
    // once it is ended.
    dropHelper(h);
    return null;
  }
  const buffer = Buffer.alloc(16);
  let length = 0;
  const until = Date.now() + ANSWER_MS;
  for (let turn = 0; ; turn++) {
    let n = 0;
    try {
      n = readSync(h.answers, buffer, length, buffer.length - length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
    length += n;
    const newline = buffer.subarray(0, length).indexOf(10);
    if (newline >= 0) return Number(buffer.subarray(0, newline).toString('latin1'));
    if (Date.now() > until || (n === 0 && turn % 64 === 63 && gone(h.pid))) {
      dropHelper(h);
      return null;
    }
    // The answer takes some microseconds: look again at once a few times, then at short intervals.
    if (turn > 32) sleep(0.05);
  }
}

/**
 * Swaps the files named `a` and `b` (both must exist) in one atomic step: afterwards `b` names
 * what `a` named and `a` names what `b` named, whatever happened to `b` up to that instant.
 * Returns false where the system cannot do that (not Linux, no perl, a file system without
 * RENAME_EXCHANGE) and the caller renames instead. Should the helper die or stall all the same,
 * it is ended before this returns false, and whether the swap took place is for the caller to
 * tell from the inodes.
 */
export function exchange(a: string, b: string): boolean {
  if (!supported) return false;
  if (helper === undefined) helper = startHelper();
  let status: number | null;
  if (helper) {
    status = ask(helper, a, b);
  } else {
    const result = spawnSync('perl', ['-e', ONCE, String(RENAMEAT2[process.arch]), a, b], { stdio: 'ignore' });
    status = result.error ? 38 : result.status;
  }
  if (status === 0) return true;
  if (status === null) return false;
  if (UNSUPPORTED.has(status)) {
    supported = false;
    return false;
  }
  const error = new Error(`${b}: cannot swap in the new version (errno ${status})`) as NodeJS.ErrnoException;
  error.errno = status;
  throw error;
}
