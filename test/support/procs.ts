import { readdirSync, readFileSync } from 'node:fs';

/** A process found in /proc. */
export interface Found {
  pid: number;
  command: string;
}

/**
 * Processes whose environment holds `NAME=value`: a test gives the tool a variable of its own, and
 * every process the tool starts inherits it, wherever it ends up in the process tree. Zombies
 * (already exited, waiting for their parent) are not counted.
 */
export function processesWithEnv(name: string, value: string): Found[] {
  const wanted = `${name}=${value}`;
  const found: Found[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      if (!environ.includes(wanted)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').filter(Boolean).join(' ');
      found.push({ pid: Number(entry), command });
    } catch {
      // Gone meanwhile, or another user's.
    }
  }
  return found;
}

/** SIGKILL to each pid, ignoring those already gone. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
