import { spawnSync } from 'node:child_process';

/**
 * The number of renameat2(2) on the Linux machines runbook runs on; its flag RENAME_EXCHANGE
 * swaps two names in one step.
 */
const RENAMEAT2: Partial<Record<string, number>> = { x64: 316, arm64: 276 };
const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

// Node has no binding for renameat2; Perl's `syscall` reaches it, and perl-base is part of every
// Debian and Ubuntu system. The exit status is 0 or the errno.
const SCRIPT = `$SIG{$_} = 'IGNORE' for qw(INT HUP TERM QUIT); syscall($ARGV[0], ${AT_FDCWD}, $ARGV[1], ${AT_FDCWD}, $ARGV[2], ${RENAME_EXCHANGE}) == 0 ? exit 0 : exit($! + 0)`;

/** Errnos that say this machine or file system cannot swap names: ENOSYS, EINVAL, ENOTSUP, EPERM. */
const UNSUPPORTED = new Set([38, 22, 95, 1]);

let supported = process.platform === 'linux' && RENAMEAT2[process.arch] !== undefined && process.env.RUNBOOK_NO_EXCHANGE !== '1';

/**
 * Swaps the files named `a` and `b` (both must exist) in one atomic step: afterwards `b` names
 * what `a` named and `a` names what `b` named, whatever happened to `b` up to that instant.
 * Returns false where the system cannot do that (not Linux, no perl, a file system without
 * RENAME_EXCHANGE) and the caller renames instead. The helper ignores the terminal's Ctrl-C and
 * hang-up; should it die all the same, whether the swap took place is for the caller to tell
 * from the inodes.
 */
export function exchange(a: string, b: string): boolean {
  if (!supported) return false;
  const result = spawnSync('perl', ['-e', SCRIPT, String(RENAMEAT2[process.arch]), a, b], { stdio: 'ignore' });
  if (result.status === 0) return true;
  if (result.status === null) return false;
  if (result.error || UNSUPPORTED.has(result.status)) {
    supported = false;
    return false;
  }
  const error = new Error(`${b}: cannot swap in the new version (errno ${result.status})`) as NodeJS.ErrnoException;
  error.errno = result.status;
  throw error;
}
