import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShellSession } from '../../src/executor/session.js';
import type { ExecEvent, RunRequest } from '../../src/executor/types.js';
import { alive } from '../support/process.js';

const sessions: ShellSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

async function start(secrets: string[] = [], graceMs = 300) {
  const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'runbook-exec-')));
  const session = await ShellSession.start({ cwd, env: { PATH: process.env.PATH!, HOME: cwd, API_TOKEN: 'tok-123456' }, secrets, graceMs });
  sessions.push(session);
  return { session, cwd };
}

function request(script: string, extra: Partial<RunRequest> = {}): RunRequest {
  return { script, timeoutMs: 20_000, errexit: true, pipefail: true, ...extra };
}

async function run(session: ShellSession, script: string, extra: Partial<RunRequest> = {}) {
  const events: ExecEvent[] = [];
  const outcome = await session.run(request(script, extra), (e) => events.push(e)).done;
  const out = events.flatMap((e) => (e.type === 'output' && e.stream === 'stdout' ? [e.text] : [])).join('');
  const err = events.flatMap((e) => (e.type === 'output' && e.stream === 'stderr' ? [e.text] : [])).join('');
  return { outcome, out, err, events };
}

describe('a shell session', () => {
  it('carries exports, plain assignments and the working directory from block to block', async () => {
    const { session, cwd } = await start();
    const first = await run(session, 'export REGION=eu-west-1\nCOUNT=3\nmkdir -p sub && cd sub');
    expect(first.outcome).toMatchObject({ exitCode: 0, changedVars: ['COUNT', 'REGION'], cwd: join(cwd, 'sub'), cwdChanged: true });
    const second = await run(session, 'echo "$REGION $COUNT $(pwd)"; bash -c \'echo "child sees ${REGION:-nothing} ${COUNT:-nothing}"\'');
    expect(second.out).toBe(`eu-west-1 3 ${join(cwd, 'sub')}\nchild sees eu-west-1 nothing\n`);
    expect(second.outcome.changedVars).toEqual([]);
    const third = await run(session, 'unset COUNT');
    expect(third.outcome.changedVars).toEqual(['COUNT']);
  });

  it('gives a block no positional parameters, as at a prompt', async () => {
    const { session } = await start();
    const { outcome, out } = await run(session, 'echo "args=$# first=${1-none}"');
    expect(outcome.exitCode).toBe(0);
    expect(out).toBe('args=0 first=none\n');
    // A check (run in a subshell) sees none either.
    expect((await run(session, 'echo "args=$#"', { check: true })).out).toBe('args=0\n');
  });

  it('fails a block at its first failing command, and keeps going when errexit is off', async () => {
    const { session } = await start();
    const strict = await run(session, 'echo one\nfalse\necho two');
    expect(strict.outcome.exitCode).toBe(1);
    expect(strict.out).toBe('one\n');
    const pipe = await run(session, 'true | false | true\necho after');
    expect(pipe.outcome.exitCode).toBe(1);
    const lax = await run(session, 'echo one\nfalse\necho two', { errexit: false });
    expect(lax.outcome.exitCode).toBe(0);
    expect(lax.out).toBe('one\ntwo\n');
    const guarded = await run(session, 'if false; then :; fi\nfalse || echo handled\ngrep -q x /dev/null && echo never\necho end');
    expect(guarded.outcome.exitCode).toBe(0);
    expect(guarded.out).toBe('handled\nend\n');
  });

  it('survives a block that runs exit, keeping the state it had', async () => {
    const { session } = await start();
    await run(session, 'export KEPT=yes');
    const exited = await run(session, 'echo bye; exit 7');
    expect(exited.outcome.exitCode).toBe(7);
    expect(exited.out).toBe('bye\n');
    const after = await run(session, 'echo "kept=$KEPT"');
    expect(after.out).toBe('kept=yes\n');
    expect(after.outcome.exitCode).toBe(0);
  });

  it('stops a block at its time limit and leaves none of its processes running', async () => {
    const { session, cwd } = await start();
    const pids = join(cwd, 'pids');
    const slow = await run(session, `sleep 60 & echo $! > ${pids}\n(sleep 60; echo late) & echo $! >> ${pids}\nsleep 60`, { timeoutMs: 500 });
    expect(slow.outcome).toMatchObject({ timedOut: true, canceled: false, exitCode: null, signal: 'SIGINT' });
    const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(children).toHaveLength(2);
    // Background children ignore SIGINT; the SIGTERM that follows the grace period ends them.
    await expect.poll(() => children.filter(alive), { timeout: 5000 }).toEqual([]);
    const next = await run(session, 'echo still here');
    expect(next.out).toBe('still here\n');
  });

  it('ends the escalation of a stopped block with its shell: the next block, started within the grace periods, runs to its end', async () => {
    const { session } = await start([], 400);
    const slow = await run(session, 'sleep 60', { timeoutMs: 200 });
    expect(slow.outcome.timedOut).toBe(true);
    // The next block (in a new shell) outlives both the SIGTERM (at one grace period) and the
    // SIGKILL (at two) that the stopped block's shell was given.
    const next = await run(session, 'sleep 1.2\necho survived');
    expect(next.outcome).toMatchObject({ exitCode: 0, signal: null });
    expect(next.out).toBe('survived\n');
  });

  it('fails a block whose shell a signal ended, whatever ran last before it', async () => {
    const { session } = await start();
    for (const [script, signal] of [['true; kill -TERM $$\necho not reached', 'SIGTERM'], ['sleep 60 &\nkill -HUP $$', 'SIGHUP'], ['kill 0\necho not reached', 'SIGTERM']] as const) {
      const ended = await run(session, script);
      expect(ended.out).toBe('');
      expect(ended.outcome.signal).toBe(signal);
      expect(ended.outcome.exitCode).toBeNull();
    }
    expect((await run(session, 'echo next')).outcome).toMatchObject({ exitCode: 0, signal: null });
  });

  it('cancels a running block on request', async () => {
    const { session } = await start();
    const running = session.run(request('echo started; sleep 60'), () => undefined);
    setTimeout(() => running.cancel(), 300);
    const outcome = await running.done;
    expect(outcome).toMatchObject({ canceled: true, timedOut: false, exitCode: null });
    expect(outcome.durationMs).toBeLessThan(5000);
  });

  it('masks secrets in output, even when a chunk boundary cuts one', async () => {
    const { session } = await start(['tok-123456']);
    const { out } = await run(session, 'echo "token is $API_TOKEN"; printf tok-12; sleep 0.2; printf "3456\\n"');
    expect(out).toBe('token is ••••••\n••••••\n');
  });

  it('streams a large output without keeping it', async () => {
    const { session } = await start();
    let bytes = 0;
    let lines = 0;
    const outcome = await session.run(request('seq 1 200000'), (e) => {
      if (e.type === 'output') {
        bytes += e.text.length;
        lines += e.text.split('\n').length - 1;
      }
    }).done;
    expect(outcome.exitCode).toBe(0);
    expect(lines).toBe(200_000);
    expect(bytes).toBeGreaterThan(1_200_000);
    expect(outcome.tail.length).toBeLessThanOrEqual(4096);
    expect(outcome.tail.endsWith('199999\n200000\n')).toBe(true);
  });

  it('refuses a working directory that does not exist, without running anything', async () => {
    const { session, cwd } = await start();
    const missing = await run(session, 'touch ran', { cwd: join(cwd, 'nope') });
    expect(missing.outcome.error).toMatch(/does not exist/);
    expect(missing.outcome.exitCode).toBeNull();
    const own = await run(session, 'pwd', { cwd: '/' });
    expect(own.out).toBe('/\n');
    expect(own.outcome.cwd).toBe(cwd);
  });
});

describe('checks (recovery polls)', () => {
  it('see the session but cannot change it, and an exit in one ends only the check', async () => {
    const { session, cwd } = await start();
    await run(session, 'export TARGET=primary; mkdir sub');
    const before = await run(session, 'echo $BASHPID');
    const seen = await run(session, 'echo "$TARGET $PWD"; cd sub; TARGET=changed; exit 3', { check: true, errexit: false });
    expect(seen.out).toBe(`primary ${cwd}\n`);
    expect(seen.outcome.exitCode).toBe(3);
    const after = await run(session, 'echo "$TARGET $PWD"');
    expect(after.out).toBe(`primary ${cwd}\n`);
    expect(after.outcome.changedVars).toEqual([]);
    // The same shell still runs: the exit did not end the session.
    expect((await run(session, 'echo $BASHPID')).out).toBe(before.out);
  });
});
