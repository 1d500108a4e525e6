
import type { Step } from '../session/steps.js';
import type { DiffLine } from './diff.js';
import type { WaitEvent } from '../session/poll.js';

/** Where a wait for recovery stands, as the running line shows it. */
export type Wait = Omit<WaitEvent, 'type'>;

export type { Step };

/** What the screen is doing. */
export type Mode =
  | { name: 'browse' }
  /**
   * `script`: the operator's edit, run instead of the block, with its `diff` against the block;
   * `unticked`: checklist items above the block in its section not ticked yet; the prompt says so;
   * `save`: the operator chose to save the edit into the document's block before it runs.
   */
  | { name: 'confirm'; word: string | null; typed: string; script?: string; diff?: DiffLine[]; unticked?: number; save?: boolean }
  /** `wait`: where the step's wait for recovery stands, once it waits (see `WaitEvent`). */
  | { name: 'running'; startedAt: number; wait?: Wait }
  | { name: 'failed'; exitCode: number | null; outcome: string }
  | { name: 'fill'; column: number; typed: string }
  | { name: 'help'; back: Mode };

/** One host of a block on a group, as the screen shows it: how it went there (`outcome` null: running). */
export interface HostRow {
  host: string;
  outcome: string | null;
  durationMs: number;
  reason: string | null;
}

/** The whole screen state: everything the view shows, nothing it computes. */
export interface PlayState {
  steps: Step[];
  selected: number;
  mode: Mode;
  /** Output of the block shown, last lines only. */
  output: string[];
  /** Lines the running (or last) step printed, all of them, not only those kept. */
  outputLines: number;
  /** Lines scrolled back from the tail (0 follows the tail). */
  scroll: number;
  /** The first code line shown when the command is taller than its pane (the confirm screen scrolls it). */
  codeTop: number;
  /** Table column under the cursor on a row step; -1 until the operator moves it: the row's first cell to fill. */
  column: number;
  message: string | null;
  /** Of a block on a group: one row per host that started, in the order they did. */
  hosts: HostRow[];
  cwd: string;
  changedVars: string[];
  quitting: boolean;
}

/** How many output lines the state keeps; the screen shows the last of them. */
export const OUTPUT_LINES = 500;

/** How many characters of one output line the state keeps: a line wider than that is cut anyway. */
export const LINE_CHARS = 4096;

/** The screen as it opens: browsing, nothing run yet. */
export function initialState(steps: Step[], cwd: string, message: string | null = null): PlayState {
  return { steps, selected: 0, mode: { name: 'browse' }, output: [], outputLines: 0, scroll: 0, codeTop: 0, column: -1, message, hosts: [], cwd, changedVars: [], quitting: false };
}
