import { render } from 'ink';
import { App, type Controller } from './App.js';
import type { PlayState } from './state.js';

/** Shows the play screen until the operator quits. */
export async function mountApp(controller: Controller, initial: PlayState): Promise<void> {
  const app = render(<App controller={controller} initial={initial} />, { exitOnCtrlC: false, patchConsole: false, maxFps: 30 });
  await app.waitUntilExit();
}
