import { monotonicMs } from '../clock.js';
import type { ShellSession } from '../executor/session.js';
import type { BlockOutcome, ExecEvent } from '../executor/types.js';
import { durationMs, notADuration } from '../parser/index.js';
import type { HostEvent } from './fanout.js';

/**
 * Where a wait for recovery stands, for a face to show while it lasts: sent when the wait starts
 * and after each check that did not pass. `deadlineAt` is wall-clock ms (as `Date.now()`).
 */
export interface WaitEvent {
  type: 'wait';
  /** The check, masked. */
  check: string;
  /** Checks run so far. */
  polls: number;
  /** What the last check came to, in one line (masked), or null before the first. */
  last: string | null;
  deadlineAt: number;
}

/** What a running step sends its face: the executor's events, its wait for recovery, and each host of a group. */
export type StepEvent = ExecEvent | WaitEvent | HostEvent;

/** How a wait for recovery ended. */
export interface PollResult {
  passed: boolean;
  /** From the step's start to the first passing check, ms; null when none passed. */
  recoveredMs: number | null;
  polls: number;
  /** The last failing check's outcome, for the record. */
  last: BlockOutcome | null;
  canceled: boolean;
}

/**
 * Runs `check` in the session's shell every `everyMs` until it passes or `withinMs` has gone by
 * since `startedAt` (the step's start): the time to the first passing check is what a gate
 * such as `RTO < 60 s` is about. Checks run in a subshell of the session's shell (same
 * variables, same directory, but what they change does not stay), without errexit, and their
 * output is not the block's.
 */
export async function pollUntil(
  shell: Pick<ShellSession, 'run'>,
  check: string,
  options: { everyMs: number; withinMs: number; startedAt: number; stopped: () => boolean; onRun: (cancel: () => void) => void; onPoll: (polls: number, last: BlockOutcome | null) => void },
): Promise<PollResult> {
  let polls = 0;
  let last: BlockOutcome | null = null;
  options.onPoll(polls, last);
  for (;;) {
    if (options.stopped()) return { passed: false, recoveredMs: null, polls, last, canceled: true };
    const remaining = options.withinMs - (monotonicMs() - options.startedAt);
    const running = shell.run({ script: check, timeoutMs: Math.max(1, remaining), errexit: false, pipefail: true, check: true }, () => undefined);
    options.onRun(running.cancel);
    const outcome = await running.done;
    polls++;
    const now = monotonicMs();
    if (outcome.exitCode === 0) return { passed: true, recoveredMs: Math.round(now - options.startedAt), polls, last: outcome, canceled: false };
    last = outcome;
    options.onPoll(polls, last);
    if (outcome.canceled) return { passed: false, recoveredMs: null, polls, last, canceled: true };
    const next = now + options.everyMs;
    if (next - options.startedAt > options.withinMs) return { passed: false, recoveredMs: null, polls, last, canceled: false };
    if (options.everyMs > 0) await new Promise((resolve) => setTimeout(resolve, options.everyMs));
  }
}

/**
 * How scenario rows poll their recovery check: front matter `poll: { every: 500ms, within: 2m }`,
 * else every second, within twice a `<`/`≤` gate (at least 10 s), else 60 s. Throws a
 * RangeError naming the key when a value does not read as a duration.
 */
export function scenarioPolling(frontMatter: Record<string, unknown>): { everyMs: number; withinMs: number | null } {
  const poll = frontMatter.poll;
  const table = poll && typeof poll === 'object' && !Array.isArray(poll) ? (poll as Record<string, unknown>) : {};
  const read = (key: string) => {
    const value = table[key];
    if (value === undefined || value === null) return null;
    const ms = durationMs(String(value));
    if (ms === null) throw new RangeError(`front matter poll.${key}: ${notADuration(String(value))}`);
    return ms;
  };
  return { everyMs: read('every') ?? 1000, withinMs: read('within') };
}
