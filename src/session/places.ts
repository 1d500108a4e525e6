import { blockAnchor, resolve, type Anchor } from '../document/anchors.js';
import type { Runbook } from '../parser/index.js';
import type { RunStep } from './steps.js';

type Planned = { kind: 'block'; anchor: Anchor & { kind: 'block' } } | { kind: 'scenario'; index: number; id: string; command: string | null };

/**
 * Where each step of a session is in the document as it is now. Steps are planned, checked and
 * confirmed on the document as it was read; someone else's edit during the session (a block
 * added above, one moved, changed or removed) renumbers blocks and rows. So a step is found
 * again by what it is, never by its number: a block by its anchor (name, or place in its
 * section) and its code, a scenario row by its id and command. One that is no longer there as it
 * was planned is not run: what would run is not what was checked.
 */
export class Places {
  private readonly planned = new Map<RunStep, Planned>();

  constructor(model: Runbook, steps: readonly RunStep[]) {
    for (const step of steps) {
      if (step.kind === 'block') this.planned.set(step, { kind: 'block', anchor: blockAnchor(model, step.block.index) as Anchor & { kind: 'block' } });
      else this.planned.set(step, { kind: 'scenario', index: step.scenario.index, id: step.scenario.id, command: step.scenario.command });
    }
  }

  /** The index of the step's block or scenario row in `model`, or null when it is not there as planned. */
  find(model: Runbook, step: RunStep): number | null {
    const planned = this.planned.get(step);
    if (!planned) return step.kind === 'block' ? step.block.index : step.scenario.index;
    if (planned.kind === 'block') {
      const found = resolve(model, planned.anchor);
      if ('problem' in found) return null;
      return model.blocks[found.index]!.body === planned.anchor.body ? found.index : null;
    }
    const same = (s: Runbook['scenarios'][number] | undefined) => s !== undefined && s.id === planned.id && s.command === planned.command;
    if (same(model.scenarios[planned.index])) return planned.index;
    const matches = model.scenarios.filter(same);
    return matches.length === 1 ? matches[0]!.index : null;
  }

  /** Takes block `index` of `model`, as it is now, as what `step` runs (the operator saved an edit of it). */
  replan(model: Runbook, step: RunStep, index: number): void {
    if (step.kind === 'block') this.planned.set(step, { kind: 'block', anchor: blockAnchor(model, index) as Anchor & { kind: 'block' } });
  }
}

/** Why a step is not run when it cannot be found (see `Places`). */
export const LOST =
  'not run: someone else changed the document during the session, and this step is no longer where and what it was when the session began (run again to take the new version)';
