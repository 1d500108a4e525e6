import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium: the tests drive the browser the machine has, nothing is downloaded. */
export const CHROMIUM = process.env.RUNBOOK_CHROMIUM ?? '/usr/bin/chromium';

/** Mermaid's browser build, loaded into the page from node_modules (no network). */
export const MERMAID_JS = 'node_modules/mermaid/dist/mermaid.min.js';

/** Starts headless chromium; as root it needs no sandbox, which a test page does not need anyway. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}
