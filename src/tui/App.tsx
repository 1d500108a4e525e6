import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { DiffLine } from './diff.js';
import { footerKeys, KEYS } from './keys.js';
import { layout } from './layout.js';
import { firstUnfinished, reduce, unfinished } from './reducer.js';
import { screenLine } from './text.js';
import { hostRows } from './hosts.js';
import type { HostRow, Mode, PlayState, Step, Wait } from './state.js';

/** What the screen asks of the command that runs it; all decisions and I/O live there. */
export interface Controller {
  title: string;
  file: string;
  color: boolean;
  /** Text shown for a step: prose around it, its code with variables resolved (masked). */
  /** What the panel shows; for a table row, its columns and the one `f` fills unless the operator picks another. */
  describe(step: Step): { prose: string[]; code: string[]; options: string | null; columns: string[]; fillColumn?: number };
  confirmWord(step: Step): string | null;
  /** Opens the block in the operator's editor; the edited text and its diff against the block (masked), or null when there is nothing to edit. */
  edit(step: Step): { script: string; diff: DiffLine[] } | null;
  /**
   * Runs a block (or the operator's edit of it, saved into the document first when `save`) or a scenario, telling `on` when it starts, what it prints and where its wait for
   * recovery stands; `message` and `label`, when given, replace the status line and the step's label.
   */
  run(step: Step, on: { start(): void; output(text: string): void; wait(wait: Wait): void; host(row: HostRow): void }, edit?: { script: string; save: boolean }): Promise<{ status: Step['status']; durationMs: number; exitCode: number | null; outcome: string; edited?: boolean; cwd: string; changedVars: string[]; unsetVars?: string[]; evidence?: string[]; message?: string; label?: string }>;
  skip(step: Step): void;
  toggle(step: Step, column: number): { status: Step['status']; message: string; label?: string };
  prefill(step: Step, column: number): string;
  /** Fills a cell; `status`, when given, is the row's status now (done once nothing is left to tick or fill). */
  fill(step: Step, column: number, value: string): { message: string; label?: string; status?: Step['status'] };
  /** How many checklist items above a block, in its section, are not ticked yet. */
  unticked(step: Step): number;
  cancel(): void;
  quit(): void;
}

const MARKS: Record<Step['status'], string> = { pending: '○', running: '◐', passed: '✔', failed: '✘', skipped: '↷', ticked: '☑', info: ' ' };

/** The confirm line: the question, with what is still unticked above the block when something is. */
function confirmPrompt(mode: Extract<Mode, { name: 'confirm' }>, step: Step | undefined): string {
  const unticked = mode.unticked ? `${mode.unticked} pre-flight item${mode.unticked === 1 ? '' : 's'} unticked: ` : '';
  if (mode.word !== null) return `${unticked}Type "${mode.word}" to run: ${mode.typed}`;
  return unticked ? `${unticked}run anyway? [y/N]` : `Run this ${step?.kind === 'scenario' ? 'scenario' : 'block'}? [y/N]`;
}

/** A duration as the screen's clocks show it: minutes and seconds. */
function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * The running step's line: its clock and lines printed, or, while it waits for recovery, the
 * checks run so far, the time left before the deadline and what the last check said.
 */
function runningLine(mode: Extract<Mode, { name: 'running' }>, lines: number, now: number): string {
  const wait = mode.wait;
  if (!wait) return `◐ running ${clock(now - mode.startedAt)} · ${lines} line${lines === 1 ? '' : 's'} · Ctrl-C stops it`;
  const polls = `${wait.polls} ${wait.polls === 1 ? 'poll' : 'polls'}`;
  return `◐ waiting ${clock(now - mode.startedAt)} · ${polls} · ${clock(wait.deadlineAt - now)} left · Ctrl-C stops it${wait.last ? ` · last: ${wait.last}` : ''}`;
}

/**
 * The `play` screen: an outline, the selected step, live output and a status bar. The key handler
 * and the view share one component because each key reads the state the view last drew.
 */
export function App({ controller, initial }: { controller: Controller; initial: PlayState }) {
  const [state, dispatch] = useReducer(reduce, { ...initial, selected: firstUnfinished(initial.steps) });
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout, write } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [now, setNow] = useState(Date.now());
  const started = useRef(Date.now());
  useEffect(() => {
    const resize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', resize);
    // A terminal resized between the first frame and this listener (a new tmux pane settling
    // its size) sent its resize before anyone listened: read the size again now.
    resize();
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      stdout.off('resize', resize);
      clearInterval(tick);
    };
  }, [stdout]);
  useEffect(() => {
    if (state.quitting) {
      controller.quit();
      exit();
    }
  }, [state.quitting]);

  const step = state.steps[state.selected];
  // Describing a step renders its prose; do it when the step changes, not on every output frame.
  const detail = useMemo(() => (step ? controller.describe(step) : { prose: [], code: [], options: null, columns: [] }), [controller, step]);
  const column = state.column >= 0 ? state.column : (detail.fillColumn ?? 0);
  const mode = state.mode;
  const hosts = hostRows(state.hosts);
  const fixed = 3 + hosts.length + (detail.options ? 1 : 0) + (step?.kind === 'row' || step?.kind === 'scenario' ? 1 : 0) + (['confirm', 'fill', 'failed', 'running'].includes(mode.name) ? 1 : 0) + (state.message ? 1 : 0);
  // After an edit, the confirm screen shows what the edit changed in the block instead of the block.
  const codeLines = mode.name === 'confirm' && mode.diff ? mode.diff.map((l) => ({ text: l.text, margin: `${l.op} `, color: l.op === '-' ? 'red' : l.op === '+' ? 'green' : undefined })) : detail.code.map((text) => ({ text, margin: '  ', color: 'yellow' }));
  const rows = layout(size.rows, { steps: state.steps.length, prose: detail.prose.length, code: codeLines.length, fixed, confirm: mode.name === 'confirm' });

  const startRun = (target: Step, mode?: Extract<Mode, { name: 'confirm' }>) => {
    const edit = mode?.script === undefined ? undefined : { script: mode.script, save: mode.save === true };
    void controller
      .run(target, { start: () => dispatch({ type: 'run-started', at: Date.now() }), output: (text) => dispatch({ type: 'output', text }), wait: (wait) => dispatch({ type: 'wait', wait }), host: (row) => dispatch({ type: 'host', ...row }) }, edit)
      .then((result) => dispatch({ type: 'run-ended', ...result }));
  };

  // Keys are read against the latest state, whenever Ink re-subscribes the handler.
  const latest = useRef(state);
  latest.current = state;
  useInput(
    (input, key) => {
      // A key pressed before the screen took the terminal into raw mode arrives as the terminal
      // translated it: Enter as a line feed. It is still Enter.
      const enter = key.return || input === '\n';
      const state = latest.current;
      const mode = state.mode;
      const step = state.steps[state.selected];
      if (!step) return;
      if (key.ctrl && input === 'l') {
        // Whatever drew over the screen goes; Ink writes the whole frame again after this.
        write('\x1b[2J\x1b[H');
        return;
      }
      if (mode.name === 'running') {
        if (key.ctrl && input === 'c') controller.cancel();
        else if (input === '?') dispatch({ type: 'help' });
        else if (input === '[') dispatch({ type: 'scroll', by: 5 });
        else if (input === ']') dispatch({ type: 'scroll', by: -5 });
        return;
      }
      if (mode.name === 'confirm') {
        if (key.escape) dispatch({ type: 'cancel-input' });
        else if (enter) {
          if (mode.word === null || mode.typed === mode.word) startRun(step, mode);
          else dispatch({ type: 'refuse-confirm' });
        } else if (key.backspace || key.delete) dispatch({ type: 'backspace' });
        else if (input === '[' || input === ']') dispatch({ type: 'scroll-code', by: (input === '[' ? -1 : 1) * Math.max(1, rows.code - 1), lines: codeLines.length, rows: rows.code });
        else if (mode.word === null && (input === 'y' || input === 'Y')) startRun(step, mode);
        else if (key.tab) dispatch({ type: 'toggle-save' });
        else if (mode.word === null && (input === 'n' || input === 'N')) dispatch({ type: 'cancel-input' });
        else if (mode.word !== null && input && !key.ctrl) dispatch({ type: 'type', text: input });
        return;
      }
      if (mode.name === 'fill') {
        if (key.escape) dispatch({ type: 'cancel-input' });
        else if (enter) dispatch({ type: 'filled', ...controller.fill(step, mode.column, mode.typed) });
        else if (key.backspace || key.delete) dispatch({ type: 'backspace' });
        else if (input && !key.ctrl) dispatch({ type: 'type', text: input });
        return;
      }
      if (mode.name === 'help') {
        dispatch({ type: 'help' });
        return;
      }
      if (key.ctrl && input === 'c') dispatch({ type: 'quit' });
      else if (key.upArrow || input === 'k') dispatch({ type: 'move', by: -1 });
      else if (key.downArrow || input === 'j') dispatch({ type: 'move', by: 1 });
      else if (key.leftArrow) dispatch({ type: 'column', by: -1, width: detail.columns.length, from: column });
      else if (key.rightArrow) dispatch({ type: 'column', by: 1, width: detail.columns.length, from: column });
      else if (enter || input === 'r') dispatch({ type: 'request-run', word: controller.confirmWord(step), unticked: controller.unticked(step) });
      else if (input === 's') {
        controller.skip(step);
        dispatch({ type: 'skip' });
      } else if (input === ' ') dispatch({ type: 'ticked', ...controller.toggle(step, column) });
      else if (input === 'f') dispatch({ type: 'start-fill', column, prefill: step.kind === 'row' || step.kind === 'scenario' ? controller.prefill(step, column) : '' });
      else if (input === 'e' && step.kind === 'block') {
        const edited = controller.edit(step);
        if (edited !== null) dispatch({ type: 'request-run', word: controller.confirmWord(step), ...edited, unticked: controller.unticked(step) });
      } else if (input === 'n') dispatch({ type: 'next-unfinished' });
      else if (input === 'p') dispatch({ type: 'previous-unfinished' });
      else if (input === 'b') dispatch({ type: 'jump-rollback' });
      else if (input === '[') dispatch({ type: 'scroll', by: 5 });
      else if (input === ']') dispatch({ type: 'scroll', by: -5 });
      else if (input === '?') dispatch({ type: 'help' });
      else if (input === 'q') dispatch({ type: 'quit' });
    },
    { isActive: isRawModeSupported },
  );

  const c = (color: string) => (controller.color ? color : undefined);
  // Every line is cut one column short of the terminal, so none wraps and the frame keeps its height.
  const width = size.columns;
  const cut = (s: string, margin = '') => screenLine(s, width - 1, controller.color, margin);
  const first = Math.max(0, Math.min(state.selected - Math.floor(rows.outline / 2), state.steps.length - rows.outline));
  const visible = state.steps.slice(first, first + rows.outline);
  const end = state.output.length - state.scroll;
  const output = rows.output ? state.output.slice(Math.max(0, end - rows.output), end) : [];
  const codeTop = mode.name === 'confirm' ? Math.min(state.codeTop, Math.max(0, codeLines.length - rows.code)) : 0;
  const code = codeLines.slice(codeTop, codeTop + rows.code);
  const codeMore = mode.name === 'confirm' ? `lines ${codeTop + 1}–${codeTop + code.length} of ${codeLines.length} · [ up · ] down` : `… ${codeLines.length - code.length} more lines: Enter shows them all`;

  if (mode.name === 'help') {
    return (
      <Box flexDirection="column">
        <Text bold>Keys</Text>
        {KEYS.map((k) => (
          <Text key={k.keys} wrap="truncate-end">{cut(`  ${k.keys.padEnd(8)} ${k.does}`)}</Text>
        ))}
        <Text dimColor>any key to go back</Text>
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={c('cyan')} wrap="truncate-end">{cut(`${controller.title} — ${controller.file}`)}</Text>
      {visible.map((s) => {
        const here = s.id === state.selected;
        const mark = s.kind === 'heading' ? '' : `${unfinished(s) ? MARKS[s.status === 'failed' ? 'failed' : 'pending'] : MARKS[s.status]} `;
        const time = s.durationMs !== undefined && s.kind !== 'scenario' ? ` (${(s.durationMs / 1000).toFixed(2)} s)` : '';
        const label = s.kind === 'heading' ? s.label : `${mark}${s.label}${time}`;
        const color = s.status === 'passed' || s.status === 'ticked' ? 'green' : s.status === 'failed' ? 'red' : s.status === 'running' ? 'yellow' : undefined;
        return (
          <Text key={s.id} inverse={here} bold={s.kind === 'heading'} color={color ? c(color) : undefined} wrap="truncate-end">
            {cut(`${here ? '›' : ' '} ${'  '.repeat(s.depth)}${label}`)}
          </Text>
        );
      })}
      <Text dimColor>{'─'.repeat(Math.max(10, width - 1))}</Text>
      {(rows.prose ? detail.prose.slice(-rows.prose) : []).map((line, i) => (
        <Text key={`p${i}`} wrap="truncate-end">{cut(line)}</Text>
      ))}
      {detail.options ? <Text dimColor wrap="truncate-end">{cut(detail.options)}</Text> : null}
      {code.map((line, i) => (
        <Text key={`c${i}`} color={line.color ? c(line.color) : undefined} wrap="truncate-end">{cut(line.text, line.margin)}</Text>
      ))}
      {rows.codeMore ? <Text dimColor wrap="truncate-end">{cut(codeMore)}</Text> : null}
      {step?.kind === 'row' || step?.kind === 'scenario' ? <Text wrap="truncate-end">{cut(`column: ${detail.columns[column] ?? ''}  (←→ to change)`)}</Text> : null}
      {hosts.map((row, i) => (
        <Text key={`h${i}`} color={row.color ? c(row.color) : undefined} wrap="truncate-end">{cut(row.text)}</Text>
      ))}
      {output.map((line, i) => (
        <Text key={`o${i}`} dimColor={mode.name !== 'failed'} wrap="truncate-end">{cut(line, '│ ')}</Text>
      ))}
      {mode.name === 'confirm' ? (
        <Text color={c('yellow')} wrap="truncate-end">{cut(confirmPrompt(mode, step))}</Text>
      ) : null}
      {mode.name === 'fill' ? <Text color={c('yellow')} wrap="truncate-end">{cut(`${detail.columns[mode.column] ?? ''}: ${mode.typed}▏ (Enter saves, Esc cancels)`)}</Text> : null}
      {mode.name === 'failed' ? (
        <Text color={c('red')} wrap="truncate-end">{cut(`✘ ${mode.outcome}${mode.exitCode !== null ? ` (exit ${mode.exitCode})` : ''} — r retry · s skip · b rollback · n next`)}</Text>
      ) : null}
      {mode.name === 'running' ? <Text color={c('yellow')} wrap="truncate-end">{cut(runningLine(mode, state.outputLines, now))}</Text> : null}
      {state.message ? <Text wrap="truncate-end">{cut(state.message)}</Text> : null}
      <Text dimColor wrap="truncate-end">{cut(`⏱ ${clock(now - started.current)} · ${footerKeys(step, mode)} · cwd ${state.cwd}${state.changedVars.length ? ` · set ${state.changedVars.join(', ')}` : ''}`)}</Text>
    </Box>
  );
}
