import { RESULT_ICONS, type BlockResult } from '../parser/index.js';

/** How a block went on one host of its group. */
export interface HostRecord {
  host: string;
  outcome: BlockResult['outcome'];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** Why it failed there (masked), or null. */
  reason: string | null;
  cwd: string;
  changedVars: string[];
}

/** What a face hears of one host of a block on a group: it started (`outcome` null), or how it went. */
export interface HostEvent {
  type: 'host';
  host: string;
  outcome: BlockResult['outcome'] | null;
  durationMs: number;
  /** Why it did not pass there (masked), or null. */
  reason: string | null;
}

/**
 * Runs `run` for each host, at most `parallel` at once, in order: a rolling fan-out. After a
 * failing host no other host starts, unless `keepGoing`; hosts already running finish. `stopped`
 * ends it too (the operator canceled).
 */
export async function fanOut<T>(hosts: T[], parallel: number, keepGoing: boolean, run: (host: T) => Promise<boolean>, stopped: () => boolean): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < hosts.length && !stopped() && (keepGoing || !failed)) {
      const host = hosts[next++]!;
      if (!(await run(host))) failed = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, hosts.length)) }, worker));
}

/** What a block on a group came to: the first host that did not pass decides, and is named. */
export interface HostSummary {
  outcome: BlockResult['outcome'];
  /** Where, as the result line says it: `3/3 hosts`, `db-2 (1 of 3)`. */
  on: string;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
}

/** Sums up the hosts of a block: `passed on 3/3 hosts`, or `failed on db-2 (1 of 3): <reason>`. */
export function summarize(records: HostRecord[], total: number): HostSummary {
  const bad = records.filter((r) => r.outcome !== 'passed');
  const first = bad[0];
  if (!first) {
    const passed = records.length;
    return { outcome: passed === total ? 'passed' : 'canceled', on: `${passed}/${total} host${total === 1 ? '' : 's'}`, exitCode: passed === total ? 0 : null, signal: null, reason: passed === total ? null : `${total - passed} of ${total} hosts not run` };
  }
  const names = bad.map((r) => r.host).join(', ');
  return { outcome: first.outcome, on: `${names} (${bad.length} of ${total})`, exitCode: first.exitCode, signal: first.signal, reason: first.reason ?? (first.exitCode !== null ? `exit ${first.exitCode}` : first.signal) };
}

/**
 * Prefixes each line of output with its host, `[db-2] `, keeping apart the lines of hosts that
 * write at once: a line a host has not finished is continued without a second prefix.
 */
export class HostPrefixer {
  private readonly midLine = new Map<string, boolean>();

  /** The text with every line that starts in it prefixed. */
  push(host: string, text: string): string {
    let out = '';
    let at = 0;
    while (at < text.length) {
      const newline = text.indexOf('\n', at);
      const end = newline === -1 ? text.length : newline + 1;
      if (!this.midLine.get(host)) out += `[${host}] `;
      out += text.slice(at, end);
      this.midLine.set(host, newline === -1);
      at = end;
    }
    return out;
  }
}

/** A block on other hosts in one line, as `run` prints it and `play` shows it: `✅ passed on 3/3 hosts`, `❌ failed on db-2 (1 of 3): <reason>`. */
export function hostsLine(record: { outcome: BlockResult['outcome']; on?: string; reason: string | null }): string {
  return `${RESULT_ICONS[record.outcome]} ${record.outcome} on ${record.on ?? ''}${record.reason ? `: ${record.reason}` : ''}`;
}
