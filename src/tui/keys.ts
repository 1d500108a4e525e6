import type { Mode, Step } from './state.js';

type Kind = Step['kind'];

/** One key of the play screen: what to press, what it does, and the steps it applies to (none: any). */
interface Key {
  keys: string;
  does: string;
  short?: string;
  on?: Kind[];
}

/** Every key, in the order help lists them. */
export const KEYS: Key[] = [
  { keys: '↑↓ j k', does: 'move between steps' },
  { keys: 'Enter', does: 'run the block or scenario (asks first)', short: 'Enter run', on: ['block', 'scenario'] },
  { keys: 'r', does: 're-run the block or scenario', on: ['block', 'scenario'] },
  { keys: 'e', does: 'edit the block in $EDITOR, then run the edit once', short: 'e edit', on: ['block'] },
  { keys: 'Tab', does: 'after e: save the edit into the document too, or not', on: ['block'] },
  { keys: 's', does: 'skip the step', short: 's skip', on: ['block', 'task', 'scenario', 'row'] },
  { keys: 'space', does: 'tick or untick the task or the checkbox cell', short: 'space tick', on: ['task', 'row', 'scenario'] },
  { keys: 'f', does: 'fill the cell under the cursor', short: 'f fill', on: ['row', 'scenario'] },
  { keys: '← →', does: 'choose the column on a table row', short: '←→ column', on: ['row', 'scenario'] },
  { keys: 'n p', does: 'next / previous unfinished step', short: 'n/p next/prev' },
  { keys: 'b', does: 'jump to the rollback section' },
  { keys: '[ ]', does: 'scroll output back / forward; a long command on the confirm screen' },
  { keys: 'Ctrl-L', does: 'redraw the screen' },
  { keys: 'Ctrl-C', does: 'stop the running block (not the app); else quit' },
  { keys: '?', does: 'this help', short: '? keys' },
  { keys: 'q', does: 'quit', short: 'q quit' },
];

/** The keys the footer names for what is on screen: the selected step's kind, or the running block. */
export function footerKeys(step: Step | undefined, mode: Mode): string {
  if (mode.name === 'running') return 'Ctrl-C stop · [ ] scroll · ? keys';
  if (mode.name === 'confirm') return `${mode.word === null ? 'y run · n/Esc' : 'Enter run · Esc'} cancel${mode.script === undefined ? '' : ' · Tab save'} · [ ] scroll`;
  if (mode.name === 'fill') return 'Enter save · Esc cancel';
  const kind = step?.kind;
  return KEYS.filter((k) => k.short && (!k.on || (kind && k.on.includes(kind))))
    .map((k) => k.short)
    .join(' · ');
}
