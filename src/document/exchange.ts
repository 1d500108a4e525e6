import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
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
 * both ends, both names can go. Until then it looks once a second whether the runbook process
 * that started it is still there, and ends when it is not (killed before it ever asked).
 */
const SERVE = `${IGNORE} my ($n, $m, $q, $r) = @ARGV; for ($r, $q) { syscall($m, ${AT_FDCWD}, $_, ${FIFO}, 0) == 0 or exit 1 } my $p = getppid(); $SIG{ALRM} = sub { exit 0 if getppid() != $p; alarm 1 }; alarm 1; my ($out, $in); until (open($out, '>', $r)) { exit 1 unless $!{EINTR} } until (open($in, '<', $q)) { exit 1 unless $!{EINTR} } alarm 0; select($out); $| = 1; $/ = "\\0"; while (defined(my $a = <$in>)) { my $b = <$in>; last unless defined $b; chop $a; chop $b; print ${SWAP}, "\\n" }`;

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

/** A helper spawned ahead of the first swap (see `prepareExchange`), its pipes not opened yet. */
interface Launched {
  pid: number;
  dir: string;
}

let launched: Launched | null = null;

/**
 * Spawns the helper now, so that it has made its pipes by the first swap: a writer calls this
 * when it knows it will write (a session, once it holds the lock). Does nothing where swaps are
 * not supported or the helper is already there.
 */
export function prepareExchange(): void {
  if (!supported || helper !== undefined || launched) return;
  launched = launch();
  if (!launched) helper = null;
}

/** Spawns the helper in a new folder of pipes; null when it cannot be. */
function launch(): Launched | null {
  let dir: string | null = null;
  try {
    const parent = swapFolder();
    dir = mkdtempSync(join(parent ?? tmpdir(), `${parent ? '' : 'runbook-swap-'}${process.pid}-`));
    const child = spawn('perl', ['-e', SERVE, String(RENAMEAT2[process.arch]), String(MKNODAT[process.arch]), join(dir, 'q'), join(dir, 'r')], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error('perl did not start');
    return { pid: child.pid, dir };
  } catch {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

// A helper spawned and never asked waits for its reader forever: it ends with this process.
process.on('exit', () => {
  if (!launched) return;
  try {
    process.kill(launched.pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
  rmSync(launched.dir, { recursive: true, force: true });
  launched = null;
});

/** Opens the launched helper's pipes, or says why not (null). Its folder of pipes is gone once both ends are open. */
function startHelper(): Helper | null {
  const started = launched ?? launch();
  launched = null;
  if (!started) return null;
  const { pid, dir } = started;
  let answers: number | null = null;
  try {
    const q = join(dir, 'q');
    const r = join(dir, 'r');
    // Each end is opened without waiting, so that a helper that never gets there cannot hang us:
    // the answers once the pipe exists (ENOENT before), the requests once it has a reader (ENXIO).
    const until = Date.now() + ANSWER_MS;
    const open = (path: string, flags: number, early: string[]): number => {
      for (;;) {
        try {
          return openSync(path, flags);
        } catch (error) {
          if (!early.includes((error as NodeJS.ErrnoException).code ?? '') || Date.now() > until || gone(pid)) throw error;
          sleep(0.5);
        }
      }
    };
    answers = open(r, constants.O_RDONLY | constants.O_NONBLOCK, ['ENOENT']);
    return { pid, requests: open(q, constants.O_WRONLY | constants.O_NONBLOCK, ['ENOENT', 'ENXIO']), answers };
  } catch {
    if (answers !== null) closeSync(answers);
    end(pid);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where helpers make their folders of pipes: `runbook-swap-<uid>` in the temporary folder, the
 * user's own (mode 700), so that sweeping reads a few names, not the whole temporary folder.
 * Sessions killed while starting their helper left folders there; those whose runbook process is
 * gone are removed first. Should the folder be someone else's, null: the temporary folder itself is used.
 */
function swapFolder(): string | null {
  const uid = process.getuid?.() ?? 0;
  const folder = join(tmpdir(), `runbook-swap-${uid}`);
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) return null;
  sweep(folder);
  return folder;
}

/** Removes the folders of pipes in `folder` whose runbook process is gone. */
function sweep(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^(\d+)-/.exec(name)?.[1];
    if (pid && gone(Number(pid))) rmSync(join(folder, name), { recursive: true, force: true });
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
