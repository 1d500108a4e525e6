import { describe, expect, it } from 'vitest';
import { hostRows } from '../../src/tui/hosts.js';
import { reduce } from '../../src/tui/reducer.js';
import { initialState, type HostRow } from '../../src/tui/state.js';

const row = (host: string, outcome: string | null, reason: string | null = null): HostRow => ({ host, outcome, durationMs: 1234, reason });

describe('the rows of a group\'s hosts on the play screen', () => {
  it('gives each host a row while they fit: running, passed, or why not', () => {
    expect(hostRows([row('web-1', 'passed'), row('web-2', 'failed', 'exit 3'), row('web-3', null)])).toEqual([
      { text: '  ✔ web-1 1.23 s', color: 'green' },
      { text: '  ✘ web-2 failed 1.23 s: exit 3', color: 'red' },
      { text: '  ◐ web-3 running', color: 'yellow' },
    ]);
  });

  it('sums up a large group and keeps the hosts that have not passed in view', () => {
    const hosts = [...Array.from({ length: 20 }, (_, i) => row(`web-${i + 1}`, 'passed')), row('web-21', 'timed out'), row('web-22', null)];
    expect(hostRows(hosts).map((r) => r.text)).toEqual(['  22 hosts: 20 passed, 1 running, 1 did not pass', '  ✘ web-21 timed out 1.23 s', '  ◐ web-22 running']);
  });

  it('updates a host\'s row in place as it ends, and starts afresh with the next run', () => {
    let state = reduce(initialState([], '/'), { type: 'run-started', at: 0 });
    state = reduce(state, { type: 'host', ...row('db-1', null) });
    state = reduce(state, { type: 'host', ...row('db-2', null) });
    state = reduce(state, { type: 'host', ...row('db-1', 'passed') });
    expect(state.hosts.map((h) => [h.host, h.outcome])).toEqual([['db-1', 'passed'], ['db-2', null]]);
    expect(reduce(state, { type: 'run-started', at: 1 }).hosts).toEqual([]);
  });
});
