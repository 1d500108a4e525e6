import { render } from 'ink';
import { App, type Controller } from './App.js';
import type { PlayState } from './state.js';

/** Shows the play screen until the operator quits. */
export async function mountApp(controller: Controller, initial: PlayState): Promise<void> {
  // Ink draws only a final frame when it thinks it runs in CI (CI=true). play always has a
  // terminal, so it draws live; the blocks' own environment was copied before this.
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (key in process.env) process.env[key] = 'false';
  // Once the terminal is gone, reading and drawing fail (EIO); that must not stop the session
  // from stopping its block and writing its record.
  const ignore = () => undefined;
  process.stdout.on('error', ignore);
  process.stdin.on('error', ignore);
  const lostTerminal = (error: NodeJS.ErrnoException) => {
    if (['EIO', 'EPIPE', 'ENOTTY', 'EBADF'].includes(error.code ?? '')) return;
    process.off('uncaughtException', lostTerminal);
    throw error;
  };
  process.on('uncaughtException', lostTerminal);
  try {
    const app = render(<App controller={controller} initial={initial} />, { exitOnCtrlC: false, patchConsole: false, maxFps: 30 });
    await app.waitUntilExit();
  } finally {
    process.off('uncaughtException', lostTerminal);
  }
}
