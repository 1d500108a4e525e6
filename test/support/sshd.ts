import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** One sshd of a test, on 127.0.0.1. */
export interface TestHost {
  name: string;
  port: number;
  process: ChildProcess;
}

/** sshd instances a test started, a client key they accept, and an ssh config naming them. */
export interface TestHosts {
  dir: string;
  /** The ssh config to give `--ssh-config`: each host by name, with the key and known_hosts of the run. */
  config: string;
  hosts: TestHost[];
  /** Stops one host's sshd and every connection it serves (the host goes away). */
  kill(name: string): void;
  /** Freezes one host's sshd and everything under it (SIGSTOP): the link goes silent, nothing closes it. */
  freeze(name: string): void;
  /** Stops every sshd, by its process id, and removes the folder. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts one sshd per name on 127.0.0.1 high ports, as the current user, each with its own
 * sshd_config and host key, and a client key made for this run; never any address off this
 * machine. `unknownKey` hosts are left out of known_hosts; `refuseKey` hosts accept no client key.
 * The config also reaches 127.0.0.1 by address (with any port), as an inventory's `ansible_host` does.
 */
export async function startHosts(names: string[], options: { unknownKey?: string[]; refuseKey?: string[] } = {}): Promise<TestHosts> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sshd-'));
  // sshd refuses to start without its privilege separation folder, which the service makes at boot.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'ignore' });
  keygen(join(dir, 'client'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')));
  writeFileSync(join(dir, 'no_keys'), '');
  const user = userInfo().username;
  const hosts: TestHost[] = [];
  const known: string[] = [];
  const config: string[] = [];
  for (const name of names) {
    const port = await freePort();
    const key = join(dir, `host-${name}`);
    keygen(key);
    const sshdConfig = join(dir, `sshd-${name}.conf`);
    writeFileSync(
      sshdConfig,
      [`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${key}`, `PidFile ${join(dir, `sshd-${name}.pid`)}`, `AuthorizedKeysFile ${join(dir, options.refuseKey?.includes(name) ? 'no_keys' : 'authorized_keys')}`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes', 'PermitRootLogin yes', 'LogLevel ERROR', 'MaxSessions 100', 'MaxStartups 100'].join('\n') + '\n',
    );
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', sshdConfig], { stdio: 'ignore' });
    hosts.push({ name, port, process: child });
    if (!options.unknownKey?.includes(name)) known.push(`[127.0.0.1]:${port} ${readFileSync(`${key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}`);
    config.push(`Host ${name}`, '  HostName 127.0.0.1', `  Port ${port}`, `  User ${user}`, `  IdentityFile ${join(dir, 'client')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  LogLevel ERROR', '');
  }
  config.push('Host 127.0.0.1', `  User ${user}`, `  IdentityFile ${join(dir, 'client')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  LogLevel ERROR', '');
  writeFileSync(join(dir, 'known_hosts'), `${known.join('\n')}\n`);
  writeFileSync(join(dir, 'ssh_config'), config.join('\n'));
  for (const host of hosts) {
    for (let i = 0; i < 100 && !(await listening(host.port)); i++) await new Promise((r) => setTimeout(r, 20));
  }
  const children = (pid: number): number[] => {
    try {
      return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number).flatMap((c) => [c, ...children(c)]);
    } catch {
      return [];
    }
  };
  const signal = (name: string, sig: NodeJS.Signals) => {
    const host = hosts.find((h) => h.name === name)!;
    const pids = host.process.pid ? [host.process.pid, ...children(host.process.pid)] : [];
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  };
  const frozen = new Set<string>();
  const kill = (name: string) => signal(name, 'SIGKILL');
  return {
    dir,
    config: join(dir, 'ssh_config'),
    hosts,
    kill,
    freeze(name) {
      frozen.add(name);
      signal(name, 'SIGSTOP');
    },
    async stop() {
      // A frozen host's processes are ended where they stand.
      for (const name of frozen) kill(name);
      for (const host of hosts) {
        if (host.process.exitCode === null && host.process.signalCode === null) {
          const exited = new Promise((resolve) => host.process.once('exit', resolve));
          host.process.kill('SIGTERM');
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
