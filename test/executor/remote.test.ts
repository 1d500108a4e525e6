import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK } from '../../src/executor/redact.js';
import { RemoteSession } from '../../src/executor/remote.js';
import { SshConnections, type SshHost } from '../../src/executor/ssh.js';
import type { ExecEvent } from '../../src/executor/types.js';
import { startHosts, type TestHosts } from '../support/sshd.js';

let hosts: TestHosts;
let ssh: SshConnections;
const host = (name: string): SshHost => ({ name, destination: name, port: null, user: null });

beforeAll(async () => {
  hosts = await startHosts(['alpha', 'beta', 'gamma']);
  ssh = new SshConnections({ configFile: hosts.config, batch: true, keepAliveSec: 1 });
  expect(await ssh.connect([host('alpha'), host('beta'), host('gamma')])).toEqual([]);
});
afterAll(async () => {
  await ssh?.close();
  await hosts?.stop();
});

function collect() {
  const out: string[] = [];
  return { out, on: (e: ExecEvent) => e.type === 'output' && out.push(e.text) };
}

describe('a persistent shell on another host', () => {
  it('carries environment and directory from block to block, and masks secrets', async () => {
    const session = await RemoteSession.start(host('alpha'), ssh, { env: { GREETING: "it's $(not run) `x`\nline2", TOKEN: 's3cr3t-value' }, secrets: ['s3cr3t-value'] });
    try {
      const a = collect();
      const first = await session.run({ script: 'cd /tmp && export STAGE=one\nprintf "%s\\n" "$GREETING"\necho "token $TOKEN"', timeoutMs: null, errexit: true, pipefail: true }, a.on).done;
      expect(first.exitCode).toBe(0);
      expect(a.out.join('')).toBe(`it's $(not run) \`x\`\nline2\ntoken ${MASK}\n`);
      expect(a.out.join('')).not.toContain('s3cr3t-value');
      expect(first.changedVars).toContain('STAGE');
      const b = collect();
      const second = await session.run({ script: 'echo "$STAGE in $PWD"; false', timeoutMs: null, errexit: true, pipefail: true }, b.on).done;
      expect(b.out.join('')).toBe('one in /tmp\n');
      expect(second.exitCode).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('stops the whole remote process group on cancel, background jobs included', async () => {
    const session = await RemoteSession.start(host('beta'), ssh, { env: {}, secrets: [], graceMs: 300 });
    const marker = `rb-cancel-${process.pid}-${Date.now()}`;
    try {
      const running = session.run({ script: `bash -c 'sleep 600; :' ${marker} &\nbash -c 'sleep 600; :' ${marker}`, timeoutMs: null, errexit: true, pipefail: true }, () => undefined);
      for (let i = 0; i < 50 && (await ssh.command(host('beta'), `test "$(pgrep -fc '[r]b-cancel-${process.pid}')" = 2`)) !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await ssh.command(host('beta'), `test "$(pgrep -fc '[r]b-cancel-${process.pid}')" = 2`)).toBe(0);
      running.cancel();
      const outcome = await running.done;
      expect(outcome.canceled).toBe(true);
      // Background jobs ignore SIGINT: the escalation (SIGTERM, SIGKILL) ends them within its grace periods.
      const gone = () => ssh.command(host('beta'), `! pgrep -f '[r]b-cancel-${process.pid}' >/dev/null`);
      for (let i = 0; i < 30 && (await gone()) !== 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await gone()).toBe(0);
      // The next block gets a new shell on the host.
      const ps = collect();
      expect((await session.run({ script: 'echo next', timeoutMs: null, errexit: true, pipefail: true }, ps.on).done).exitCode).toBe(0);
      expect(ps.out.join('')).toBe('next\n');
    } finally {
      await session.close();
    }
  });

  it('fails a block with the exit status a block exits with, and goes on in a new shell with the same state', async () => {
    const session = await RemoteSession.start(host('beta'), ssh, { env: {}, secrets: [] });
    try {
      // What the state travels in must not be read into it: `%`, `%1D`, `%00` and the frame's own byte.
      const odd = `/tmp/rb-50%-%1D-%00-${process.pid}`;
      const set = await session.run({ script: `mkdir -p '${odd}' && cd '${odd}'; KEEP=$'yes 100%25 \\x1d%00 \\x1d'`, timeoutMs: null, errexit: true, pipefail: true }, () => undefined).done;
      expect(set).toMatchObject({ exitCode: 0, cwd: odd, changedVars: ['KEEP'] });
      const exited = await session.run({ script: 'exit 7', timeoutMs: null, errexit: true, pipefail: true }, () => undefined).done;
      expect(exited).toMatchObject({ exitCode: 7, error: null });
      const out = collect();
      await session.run({ script: 'printf "%s|%s\\n" "$KEEP" "$PWD"; rmdir "$PWD"', timeoutMs: null, errexit: true, pipefail: true }, out.on).done;
      expect(out.out.join('')).toBe(`yes 100%25 \x1d%00 \x1d|${odd}\n`);
    } finally {
      await session.close();
    }
  });

  it('times out a remote block', async () => {
    const session = await RemoteSession.start(host('alpha'), ssh, { env: {}, secrets: [], graceMs: 200 });
    try {
      const outcome = await session.run({ script: 'sleep 30', timeoutMs: 300, errexit: true, pipefail: true }, () => undefined).done;
      expect(outcome).toMatchObject({ timedOut: true, exitCode: null });
    } finally {
      await session.close();
    }
  });

  it('fails the running block with "connection to HOST lost" when the host goes away, without a hang', async () => {
    const session = await RemoteSession.start(host('gamma'), ssh, { env: {}, secrets: [] });
    try {
      const out = collect();
      const running = session.run({ script: 'echo started; sleep 600', timeoutMs: null, errexit: true, pipefail: true }, out.on);
      for (let i = 0; i < 50 && !out.out.join('').includes('started'); i++) await new Promise((r) => setTimeout(r, 50));
      const killedAt = Date.now();
      hosts.kill('gamma');
      const outcome = await running.done;
      // Within the keep-alive window (three keep-alives of 1 s), with room for a loaded machine.
      expect(Date.now() - killedAt).toBeLessThan(3 * 1000 + 5000);
      expect(outcome).toMatchObject({ exitCode: null, canceled: false, timedOut: false, error: 'connection to gamma lost' });
      const next = await session.run({ script: 'true', timeoutMs: null, errexit: true, pipefail: true }, () => undefined).done;
      expect(next.error).toMatch(/^connection to gamma lost/);
    } finally {
      await session.close();
    }
  });
});
