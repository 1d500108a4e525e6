import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { App, type Controller } from '../../src/tui/App.js';
import { initialState, type PlayState, type Step } from '../../src/tui/state.js';

const steps: Step[] = [
  { id: 0, kind: 'heading', depth: 0, label: 'Deploy', line: 1, ref: 0, status: 'info', rollback: false },
  { id: 1, kind: 'block', depth: 1, label: 'build', line: 3, ref: 0, status: 'passed', durationMs: 1200, rollback: false },
  { id: 2, kind: 'block', depth: 1, label: 'ship', line: 8, ref: 1, status: 'pending', rollback: false },
  { id: 3, kind: 'task', depth: 1, label: 'Tell the team', line: 12, ref: 0, status: 'pending', rollback: false },
];

function controller(calls: string[]): Controller {
  return {
    title: 'Deploy',
    file: 'deploy.md',
    color: false,
    describe: (step) => ({ prose: [`about ${step.label}`], code: step.kind === 'block' ? [`echo ${step.label}`] : [], options: null, columns: [] }),
    confirmWord: (step) => (step.label === 'ship' ? 'prod' : null),
    edit: () => null,
    run: async (step, on) => {
      calls.push(`run ${step.label}`);
      on.start();
      on.output('shipping\n');
      return { status: 'passed', durationMs: 50, exitCode: 0, outcome: 'passed', cwd: '/tmp', changedVars: ['VERSION'] };
    },
    skip: (step) => calls.push(`skip ${step.label}`),
    toggle: (step) => {
      calls.push(`toggle ${step.label}`);
      return { status: 'ticked', message: 'ticked' };
    },
    prefill: () => '',
    fill: () => ({ message: 'filled' }),
    unticked: () => 0,
    cancel: () => calls.push('cancel'),
    quit: () => calls.push('quit'),
  };
}

const initial: PlayState = { ...initialState(steps, '/tmp'), column: 0 };

async function until(frame: () => string | undefined, text: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const now = frame() ?? '';
    if (now.includes(text)) return now;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never showed "${text}":\n${frame()}`);
}

describe('the play screen', () => {
  it('opens on the first unfinished step and shows what it will run', async () => {
    const { lastFrame, unmount } = render(<App controller={controller([])} initial={initial} />);
    const frame = await until(lastFrame, 'echo ship');
    expect(frame).toContain('✔ build (1.20 s)');
    expect(frame).toMatch(/›\s+○ ship/);
    expect(frame).toContain('about ship');
    unmount();
  });

  // A key pressed before the screen put the terminal in raw mode arrives as a line feed.
  it.each([
    ['a carriage return', '\r'],
    ['a line feed', '\n'],
  ])('runs a block only after its confirm word is typed, then moves on (Enter as %s)', async (_name, enter) => {
    const calls: string[] = [];
    const { lastFrame, stdin, unmount } = render(<App controller={controller(calls)} initial={initial} />);
    await until(lastFrame, 'echo ship');
    stdin.write(enter);
    await until(lastFrame, 'Type "prod" to run');
    stdin.write('pro');
    await until(lastFrame, 'Type "prod" to run: pro');
    stdin.write(enter);
    await until(lastFrame, '"pro" is not "prod": type "prod" exactly');
    expect(calls).toEqual([]);
    // The wrong word was cleared: the next try starts from nothing.
    stdin.write('prod');
    await until(lastFrame, 'run: prod');
    stdin.write(enter);
    const frame = await until(lastFrame, 'passed in 0.05 s');
    expect(calls).toEqual(['run ship']);
    expect(frame).toContain('│ shipping');
    expect(frame).toMatch(/›\s+○ Tell the team/);
    expect(frame).toContain('set VERSION');
    unmount();
  });

  it('ticks with space, skips with s, shows keys with ? and quits with q', async () => {
    const calls: string[] = [];
    const { lastFrame, stdin, unmount } = render(<App controller={controller(calls)} initial={initial} />);
    await until(lastFrame, 'echo ship');
    stdin.write('s');
    await until(lastFrame, 'skipped');
    stdin.write(' ');
    await until(lastFrame, '☑ Tell the team');
    stdin.write('?');
    await until(lastFrame, 'Keys');
    stdin.write('x');
    await until(lastFrame, '⏱');
    stdin.write('q');
    await expect.poll(() => calls).toEqual(['skip ship', 'toggle Tell the team', 'quit']);
    unmount();
  });
});
