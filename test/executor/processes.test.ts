import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, ShellSession } from '../../src/executor/session.js';
import type { ExecEvent, RunRequest } from '../../src/executor/types.js';
import { parseRunbook, runnableScript } from '../../src/parser/index.js';
import { killAll } from '../support/procs.js';

const sessions: ShellSession[] = [];
const strays: number[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  killAll(strays.splice(0));
});

async function start(cwd = realpathSync(mkdtempSync(join(tmpdir(), 'runbook-procs-'))), secrets: string[] = []) {
  const session = await ShellSession.start({ cwd, env: { PATH: process.env.PATH!, HOME: cwd }, secrets, graceMs: 300 });
  sessions.push(session);
  return session;
}

async function run(session: ShellSession, script: string, extra: Partial<RunRequest> = {}) {
  const events: ExecEvent[] = [];
  const outcome = await session.run({ script, timeoutMs: 20_000, errexit: true, pipefail: true, ...extra }, (e) => events.push(e)).done;
  const out = events.flatMap((e) => (e.type === 'output' ? [e.text] : [])).join('');
  return { outcome, out };
}

const pidsOf = (out: string) => out.trim().split('\n').map(Number);

describe('what a block leaves running', () => {
  it('is named on its outcome: background, disowned, nohup and setsid processes', async () => {
    const session = await start();
    const { outcome, out } = await run(session, 'sleep 601 & echo $!\nsleep 602 & echo $!; disown\nnohup sleep 603 >/dev/null 2>&1 & echo $!\nsetsid sleep 604 >/dev/null 2>&1 & echo $!');
    const [bg, disowned, nohup, detached] = pidsOf(out);
    strays.push(detached!);
    expect(outcome.exitCode).toBe(0);
    // Sorted by command, not by pid: pids wrap, so a later process may have a smaller one.
    const left = [...(outcome.left ?? [])].sort((a, b) => a.command.localeCompare(b.command));
    expect(left).toEqual([
      { pid: bg, command: 'sleep 601', detached: false },
      { pid: disowned, command: 'sleep 602', detached: false },
      { pid: nohup, command: 'sleep 603', detached: false },
      { pid: detached, command: 'sleep 604', detached: true },
    ]);
    // Named once: the next block left nothing of its own.
    expect((await run(session, 'true')).outcome.left).toEqual([]);
    expect(session.processes().map((p) => p.pid).sort()).toEqual([bg, disowned, nohup, detached].sort());
  });

  it('finds a daemon that double-forked out of the session, by the mark in its environment', async () => {
    const session = await start();
    // The block ends once the daemon has become `sleep` in a session of its own: whether one
    // still forking at the block's end is named is a race this test does not time.
    const { outcome, out } = await run(session, 'p=$( ( setsid sleep 605 >/dev/null 2>&1 & echo $! ) ); echo "$p"; until [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ] && [ "$(ps -o sid= -p "$p" | tr -d " ")" = "$p" ]; do sleep 0.05; done');
    const [pid] = pidsOf(out);
    strays.push(pid!);
    expect(outcome.left).toEqual([{ pid, command: 'sleep 605', detached: true }]);
  });

  it('masks secrets in the command lines it reports', async () => {
    const session = await start(undefined, ['hunter22']);
    const { outcome } = await run(session, 'sleep 606 hunter22 2>/dev/null & :');
    // sleep refuses the extra argument at once, or is still starting: either way no secret shows.
    expect(JSON.stringify(outcome.left ?? [])).not.toContain('hunter22');
  });

  it('finds the service the bundled failover drill starts', async () => {
    const doc = resolve('docs/runbooks/failover-drill.md');
    const model = parseRunbook(readFileSync(doc, 'utf8'));
    const first = model.blocks.find((b) => b.runnable)!;
    const session = await start(resolve('docs/runbooks'));
    const { outcome } = await run(session, runnableScript(first.body));
    expect(outcome.exitCode).toBe(0);
    const serving = (outcome.left ?? []).filter((p) => p.command.includes('drill.mjs serve'));
    expect(serving.map((p) => p.command.match(/--role (\w+)/)![1])).toEqual(['primary', 'replica']);
    expect(session.processes().filter((p) => p.command.includes('drill.mjs serve'))).toHaveLength(2);
    await run(session, 'kill "$(cat "$DRILL_DIR/primary.pid")" "$(cat "$DRILL_DIR/replica.pid")"; rm -r -- "$DRILL_DIR"');
  });
});

describe('closing a session', () => {
  it('stops what blocks left running, except a process a block detached on purpose', async () => {
    const session = await start();
    const { out } = await run(session, 'sleep 611 & echo $!\nnohup sleep 612 >/dev/null 2>&1 & echo $!; disown\nsetsid sleep 613 >/dev/null 2>&1 & echo $!');
    const [bg, nohup, detached] = pidsOf(out);
    strays.push(detached!);
    await session.close();
    expect([bg, nohup].filter((pid) => alive(pid!))).toEqual([]);
    expect(alive(detached!)).toBe(true);
  });

  it('leaves everything running when asked, to be found again by pid and command', async () => {
    const session = await start();
    const { outcome, out } = await run(session, 'sleep 621 & echo $!');
    const [pid] = pidsOf(out);
    strays.push(pid!);
    const found = { pid: pid!, command: 'sleep 621', detached: false };
    expect(outcome.left).toEqual([found]);
    expect(session.processes()).toEqual([found]);
    await session.close({ leave: true });
    expect(alive(pid!, found.command)).toBe(true);
    expect(alive(pid!, 'sleep 999')).toBe(false);
  });

  it('stops the processes it is given', async () => {
    const session = await start();
    const { out } = await run(session, 'setsid sleep 631 >/dev/null 2>&1 & echo $!\nsleep 632 & echo $!');
    const pids = pidsOf(out);
    strays.push(...pids);
    expect(await session.stop(session.processes().map((p) => p.pid))).toEqual([]);
    expect(pids.filter((pid) => alive(pid))).toEqual([]);
  });

  it('does not wait for a block that is still running', async () => {
    const session = await start();
    const running = session.run({ script: 'trap "" INT TERM; sleep 641', timeoutMs: null, errexit: true, pipefail: true }, () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const from = Date.now();
    await session.close();
    expect(Date.now() - from).toBeLessThan(5000);
    expect((await running.done).exitCode).not.toBe(0);
  });
});

describe('the control channel', () => {
  it('is out of reach of a block: its descriptors, variables and traps show no token', async () => {
    const session = await start();
    const hostile = [
      'exec 3>/dev/null 4>&1 63>&- 255>&-',
      'for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null',
      'ls -l /proc/$$/fd',
      'declare -p; declare -f; trap -p; set',
      'exec 2>&1; echo merged >&2',
    ];
    for (const script of hostile) {
      const { outcome, out } = await run(session, script);
      expect(outcome.exitCode, script).toBe(0);
      expect(out).not.toMatch(/\x1e|rb[0-9a-f]{16}/);
      expect((await run(session, 'echo still here')).out).toBe('still here\n');
    }
  });

  it('runs the next block once, in a new shell, when a block closed the input the shell reads', async () => {
    const session = await start();
    const cwd = session.cwd;
    await run(session, 'export KEPT=yes\nfor fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null');
    const next = await run(session, 'echo "once $KEPT" >> count; cat count');
    expect(next.outcome.exitCode).toBe(0);
    expect(next.out).toBe('once yes\n');
    expect(readFileSync(join(cwd, 'count'), 'utf8')).toBe('once yes\n');
  });

  it('is made again when a block removes it', async () => {
    const session = await start();
    // The end markers on stdout and stderr end this block; the next one gets a new FIFO.
    expect((await run(session, 'rm -f -- "$__rb_ctl"')).outcome.exitCode).toBe(0);
    const silent = await run(session, 'exec >/dev/null 2>&1', { timeoutMs: 5000 });
    expect(silent.outcome).toMatchObject({ exitCode: 0, timedOut: false });
    expect((await run(session, 'rm -f -- "$__rb_ctl"; exit 4')).outcome.exitCode).toBe(4);
    expect((await run(session, 'echo new shell')).out).toBe('new shell\n');
  });

  it('ends a block whose output went elsewhere without waiting for it', async () => {
    const session = await start();
    const { outcome } = await run(session, 'exec >/dev/null 2>&1; echo gone');
    expect(outcome.exitCode).toBe(0);
    expect(outcome.durationMs).toBeLessThan(400);
  });
});
