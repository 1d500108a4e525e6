import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN } from './cli.js';

const TIME = '/usr/bin/time';

/** Whether peak memory can be measured here (GNU time). */
export const canMeasure = existsSync(TIME) && spawnSync(TIME, ['-v', 'true']).status === 0;

/**
 * Runs `runbook ...args` as a real process under GNU time when it is there: its exit code,
 * output, and peak resident memory in MB (null when it cannot be measured). Never a wall time:
 * tests must not fail on a busy machine.
 */
export function runMeasured(args: string[], cwd: string) {
  const argv = [process.execPath, BIN, ...args];
  const run = canMeasure ? spawnSync(TIME, ['-v', ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, FORCE_COLOR: '0', GITHUB_ACTIONS: '' } }) : spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  let stderr = run.stderr;
  let rssMb: number | null = null;
  if (canMeasure) {
    const at = stderr.lastIndexOf('\tCommand being timed:');
    const report = stderr.slice(at);
    stderr = stderr.slice(0, at);
    const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
    rssMb = rss ? Number(rss[1]) / 1024 : null;
  }
  return { code: run.status, stdout: run.stdout, stderr, rssMb };
}
