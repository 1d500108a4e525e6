import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A host as ssh is told to reach it. */
export interface SshHost {
  /** The name the runbook uses (in output, results and the journal). */
  name: string;
  destination: string;
  port: number | null;
  user: string | null;
}

/** How every connection of a session is made. */
export interface SshSettings {
  /** `-F FILE`; null: ssh's own default (`~/.ssh/config`). */
  configFile: string | null;
  /** `BatchMode=yes`: never ask for a passphrase or password (`run`). */
  batch: boolean;
  /** Seconds between keep-alives; a link silent for three of them is taken as lost. */
  keepAliveSec: number;
}

/** Why a host could not be reached before anything ran. */
export interface Unreachable {
  host: SshHost;
  reason: string;
}

/**
 * The session's connections through the system's OpenSSH client: one multiplexed master per host
 * (`ControlMaster`/`ControlPersist`), its control socket in a private 0700 folder removed at the
 * end. The user's `known_hosts` and host-key policy are left as the ssh config has them.
 */
export class SshConnections {
  /** The folder of control sockets and ssh logs, 0700 as `mkdtemp` makes it. */
  readonly dir = mkdtempSync(join(tmpdir(), 'runbook-ssh-'));
  private readonly open = new Set<SshHost>();

  constructor(readonly settings: SshSettings) {}

  /** The ssh arguments up to the destination, for a connection over `host`'s master. */
  args(host: SshHost, master: 'auto' | 'no' = 'no', extra: string[] = []): string[] {
    const { configFile, batch, keepAliveSec } = this.settings;
    return [
      ...(configFile ? ['-F', configFile] : []),
      '-E', this.logOf(host),
      '-o', `ControlPath=${join(this.dir, '%C')}`,
      '-o', `ControlMaster=${master}`,
      ...(master === 'auto' ? ['-o', 'ControlPersist=60'] : []),
      // A host that takes a connection and then says nothing (frozen, a black hole) is given up
      // on as a silent link is: after three keep-alives' time.
      '-o', `ConnectTimeout=${keepAliveSec * 3}`,
      '-o', `ServerAliveInterval=${keepAliveSec}`,
      '-o', 'ServerAliveCountMax=3',
      ...(batch ? ['-o', 'BatchMode=yes'] : []),
      ...(host.port !== null ? ['-p', String(host.port)] : []),
      ...(host.user !== null ? ['-l', host.user] : []),
      ...extra,
      '--', host.destination,
    ];
  }

  private logOf(host: SshHost): string {
    return join(this.dir, `${[...host.name].map((c) => (/[\w.-]/.test(c) ? c : '_')).join('')}.log`);
  }

  /**
   * Opens a master connection to each host, all at once; resolves with the hosts that could not
   * be reached, each with ssh's own last word (unknown name, refused, key not accepted).
   */
  async connect(hosts: SshHost[], interactive = false): Promise<Unreachable[]> {
    const results = await Promise.all(
      hosts.map(async (host) => {
        rmSync(this.logOf(host), { force: true });
        // `-N -f`: the master goes to the background once the host has taken the key, with no
        // session opened for a command (a session costs a round of process starts on the host).
        const code = await exitOf('ssh', this.args(host, 'auto', ['-N', '-f']), interactive);
        if (code === 0) {
          this.open.add(host);
          return null;
        }
        return { host, reason: lastWord(this.logOf(host), code) };
      }),
    );
    return results.filter((r): r is Unreachable => r !== null);
  }

  /** Runs a short command on a host over its master; resolves with its exit code. */
  command(host: SshHost, command: string): Promise<number | null> {
    return exitOf('ssh', [...this.args(host), command]);
  }

  /** What ssh last said about a host (why a connection ended), or null. */
  said(host: SshHost): string | null {
    try {
      return readFileSync(this.logOf(host), 'utf8').trim().split('\n').at(-1) || null;
    } catch {
      return null;
    }
  }

  /** Ends every master and removes the folder of sockets and logs. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((host) => exitOf('ssh', this.args(host, 'no', ['-O', 'exit']))));
    this.open.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs a program with no output kept; resolves with its exit code (null when it could not start). */
function exitOf(program: string, argv: string[], interactive = false): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(program, argv, { stdio: [interactive ? 'inherit' : 'ignore', 'ignore', interactive ? 'inherit' : 'ignore'] });
    child.once('error', () => resolve(null));
    // 'exit', not 'close': a master gone to the background may still hold a descriptor.
    child.once('exit', (code) => resolve(code));
  });
}

/** ssh's last line in its log, or what its exit code says. */
function lastWord(log: string, code: number | null): string {
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // No log: ssh did not start.
  }
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (code === null) return 'ssh is not installed (Debian package openssh-client)';
  return lines.at(-1) ?? `ssh exited with ${code}`;
}
