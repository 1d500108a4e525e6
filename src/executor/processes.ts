import { readdirSync, readFileSync } from 'node:fs';
import { SESSION_VAR } from './prelude.js';
import { MASK } from './redact.js';
import { signalProcess } from './shell.js';
import type { SessionProcess } from './types.js';

interface Stat {
  state: string;
  pgrp: number;
  session: number;
  /** Start time in clock ticks since boot: tells a process from a later one given the same pid. */
  start: string;
}

/** Fields of /proc/PID/stat; the command name in parentheses may itself hold spaces and parentheses. */
function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, pgrp: Number(fields[2]), session: Number(fields[3]), start: fields[19]! };
}

/**
 * A copy of the session's shell that has not run its command yet, a wrapper about to run its own,
 * or a process in the middle of exec (its command line reads empty for that moment).
 */
const SETTLING = /^(?:|bash --noprofile --norc|setsid|nohup)(?: |$)/;

function readCommand(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return null;
  }
}

/**
 * Finds the processes a session started, wherever they went: every process started from the
 * session's shells carries `RUNBOOK_SESSION=<id>` in its environment (as Jenkins finds a build's
 * strays by its cookie), and every process in the shells' sessions or process groups is theirs
 * whatever its environment. Found: background jobs, `disown`ed and `nohup`ed ones, `setsid`
 * children and daemons (double fork) that kept the environment, and their children. Not found: a
 * process that both cleared its environment (`env -i`, a service manager such as systemd starting
 * it) and left the session (`setsid`); processes of another user (`sudo`) when they also left it.
 * Linux only (/proc); elsewhere nothing is found.
 *
 * `update` looks only at pids it has not seen before, so the look after every block costs one
 * listing of /proc (it misses a process given, during one block, the pid of another user's
 * process that ended meanwhile); `list` looks at every process again.
 */
export class ProcessTracker {
  private readonly cookie: string;
  /** Pids already looked at, whatever they turned out to be. */
  private seen = new Set<number>();
  /** Pids the last look could not tell about yet (mid-exec): `settle` waits for them too. */
  private readonly pending = new Set<number>();
  /** The session's processes: pid → start time. */
  private readonly ours = new Map<number, string>();

  constructor(
    id: string,
    private readonly shells: ReadonlySet<number>,
    private readonly mask: (text: string) => string,
  ) {
    this.cookie = `\0${SESSION_VAR}=${id}\0`;
    // What runs before the session's first shell is not the session's (its mark is new): taken
    // as seen without a look, so that a process whose environment reads empty (a kernel thread) is
    // not looked at again and again.
    this.seen = new Set(this.present());
  }

  private present(): number[] {
    try {
      return readdirSync('/proc').map(Number).filter(Number.isInteger);
    } catch {
      return [];
    }
  }

  /** Processes of the session that started since the last look. */
  update(): SessionProcess[] {
    const present = new Set<number>();
    const fresh: SessionProcess[] = [];
    this.pending.clear();
    for (const pid of this.present()) {
      present.add(pid);
      if (this.seen.has(pid)) continue;
      const found = this.look(pid);
      // A process caught in the middle of exec shows no environment yet: it is looked at again
      // next time rather than taken for someone else's.
      if (found !== undefined) this.seen.add(pid);
      else this.pending.add(pid);
      if (found) fresh.push(found);
    }
    for (const pid of this.seen) if (!present.has(pid)) this.seen.delete(pid);
    for (const pid of this.ours.keys()) if (!present.has(pid)) this.ours.delete(pid);
    return fresh;
  }

  /**
   * The same processes a moment later, once each has become what it was started as: a block that
   * ends right after `setsid cmd &` leaves a copy of the shell that has not yet run `setsid`, nor
   * `setsid` `cmd`. Waits at most `ms`, and only while one of them is still on its way.
   */
  async settle(found: SessionProcess[], ms = 500): Promise<SessionProcess[]> {
    const until = Date.now() + ms;
    let now = found;
    while ((this.pending.size || now.some((p) => SETTLING.test(p.command))) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      now = [...now.flatMap((p) => this.describe(p.pid) ?? []), ...this.update()];
    }
    return now;
  }

  /** Whether the last look met a process it could not tell about yet (see `settle`). */
  get unsure(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Every process of the session still running. Only processes new since the last look are
   * looked at: one that was not the session's cannot become so, and a pid that went away is
   * forgotten at the next look, so only a pid given to a new process of the session between two
   * looks (the whole pid space used up within one block) could be missed.
   */
  list(): SessionProcess[] {
    this.update();
    return [...this.ours.keys()].flatMap((pid) => this.describe(pid) ?? []);
  }

  /**
   * The session's processes in the shell `shell`'s session but outside its process group:
   * commands that made a group of their own (GNU `timeout` does), which a signal to the shell's
   * group does not reach. Not the detached ones (`setsid`), which are left on purpose, and not
   * those of another shell of the session (the one started after `shell` was stopped).
   */
  outside(shell: number): number[] {
    this.update();
    return [...this.ours.keys()].filter((pid) => {
      const stat = readStat(pid);
      return stat !== null && stat.start === this.ours.get(pid) && stat.state !== 'Z' && stat.pgrp !== shell && stat.session === shell;
    });
  }

  /** A process of the session as it is now, or null once it is gone (or its pid given to another). */
  private describe(pid: number): SessionProcess | null {
    const stat = readStat(pid);
    if (!stat || stat.start !== this.ours.get(pid)) {
      this.ours.delete(pid);
      this.seen.delete(pid);
      return null;
    }
    if (stat.state === 'Z') return null;
    const command = this.mask(readCommand(pid) ?? '?').slice(0, 200);
    return { pid, command, detached: !this.shells.has(stat.session) };
  }

  /** A new process of the session, null when it is not one, undefined when that cannot be told yet. */
  private look(pid: number): SessionProcess | null | undefined {
    if (this.shells.has(pid) || pid === process.pid) return null;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z' || this.ours.get(pid) === stat.start) return null;
    const member = this.shells.has(stat.session) || this.shells.has(stat.pgrp);
    const mark = member || this.marked(pid);
    if (mark === undefined) return undefined;
    if (!mark) return null;
    this.ours.set(pid, stat.start);
    return this.describe(pid);
  }

  /** Whether the process carries the session's mark; undefined while its environment reads empty (mid-exec). */
  private marked(pid: number): boolean | undefined {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      return false;
    }
    return environ === '' ? undefined : `\0${environ}`.includes(this.cookie);
  }
}

/**
 * The processes still running that carry `RUNBOOK_SESSION=mark` (see `ProcessTracker`): what a
 * session whose tool was killed outright left behind. Linux only (/proc); elsewhere none.
 */
export function markedProcesses(mark: string): Array<{ pid: number; command: string }> {
  const cookie = `\0${SESSION_VAR}=${mark}\0`;
  let pids: number[];
  try {
    pids = readdirSync('/proc').map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    if (pid === process.pid) return [];
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      return [];
    }
    if (!`\0${environ}`.includes(cookie) || readStat(pid)?.state === 'Z') return [];
    return [{ pid, command: (readCommand(pid) ?? '?').slice(0, 200) }];
  });
}

/**
 * True while the process `pid` runs (not a zombie). With `command` (as `processes()` reported
 * it, masked parts matching anything), a process that has since been given the same pid is told
 * apart: its command line must still match.
 */
export function alive(pid: number, command?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readStat(pid);
  if (stat?.state === 'Z') return false;
  if (command === undefined) return true;
  const now = readCommand(pid);
  if (now === null) return true;
  const parts = command.split(MASK);
  let at = 0;
  for (const [i, part] of parts.entries()) {
    const found = i === 0 ? (now.startsWith(part) ? 0 : -1) : now.indexOf(part, at);
    if (found === -1) return false;
    at = found + part.length;
  }
  // The recorded command was cut to 200 characters; a longer one only has to start the same.
  return parts.length > 1 || command.length >= 200 || now === command;
}

/** SIGTERM to each process, SIGKILL to those still running after `graceMs`; the pids still alive. */
export async function stopProcesses(pids: number[], graceMs: number): Promise<number[]> {
  for (const pid of pids) signalProcess(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (pids.some((pid) => alive(pid)) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
  const rest = pids.filter((pid) => alive(pid));
  for (const pid of rest) signalProcess(pid, 'SIGKILL');
  if (rest.length) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter((pid) => alive(pid));
}
