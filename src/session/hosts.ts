import { UserError } from '../errors.js';
import { RemoteSession } from '../executor/remote.js';
import { SshConnections, type SshHost } from '../executor/ssh.js';
import type { HostEntry } from './inventory.js';
import type { Prepared } from './prepare.js';

/** Seconds between keep-alives when `RUNBOOK_SSH_KEEPALIVE` does not say: a dead link is noticed within 15 s. */
const KEEPALIVE_SEC = 5;

/**
 * The other hosts of a session: one multiplexed connection and, from its first block there, one
 * persistent shell per host. Every connection is made before anything runs.
 */
export class RemoteHosts {
  private readonly shells = new Map<string, Promise<RemoteSession>>();

  private constructor(
    private readonly ssh: SshConnections,
    private readonly env: Record<string, string>,
    private secrets: string[],
  ) {}

  /**
   * Connects to every host the session's blocks name, all at once, and throws one list of those
   * that are unknown, unreachable or refuse the key (exit 2: nothing has run). Null when no block
   * runs on another host.
   */
  static async connect(prepared: Prepared, mode: 'run' | 'play', env: NodeJS.ProcessEnv): Promise<RemoteHosts | null> {
    if (!prepared.targets.size) return null;
    const byName = new Map<string, HostEntry>();
    for (const hosts of prepared.targets.values()) for (const host of hosts) byName.set(host.name, host);
    const keepAlive = Number(env.RUNBOOK_SSH_KEEPALIVE);
    const ssh = new SshConnections({ configFile: prepared.inventory?.sshConfig ?? null, batch: mode === 'run', keepAliveSec: keepAlive > 0 ? keepAlive : KEEPALIVE_SEC });
    const failed = await ssh.connect([...byName.values()], mode === 'play');
    if (failed.length) {
      await ssh.close();
      const lines = failed.map(({ host, reason }) => `${host.name}${host.destination === host.name ? '' : ` (${host.destination})`}: ${reason}`);
      throw new UserError(`${prepared.file}: cannot reach ${failed.length} of ${byName.size} host${byName.size === 1 ? '' : 's'} (nothing was run):\n  ${lines.join('\n  ')}`);
    }
    // The runbook's variables go to every host; this machine's own environment stays here: a value
    // taken from it goes only for a name the runbook declares (`$HOME` on a host is the host's).
    const declared = new Set(prepared.doc.model.declarations.map((d) => d.name));
    const { values: all, sources } = prepared.variables;
    const values = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => typeof e[1] === 'string' && (sources[e[0]] !== 'env' || declared.has(e[0]))));
    const remote = new RemoteHosts(ssh, values, prepared.secrets);
    // Each host's shell starts now, while the local session gets ready: the first block there
    // does not wait for it.
    for (const host of byName.values()) void remote.shell(host).catch(() => undefined);
    return remote;
  }

  /** The host's persistent shell, started at its first block. */
  shell(host: SshHost): Promise<RemoteSession> {
    let shell = this.shells.get(host.name);
    if (!shell) {
      shell = RemoteSession.start(host, this.ssh, { env: this.env, secrets: this.secrets });
      this.shells.set(host.name, shell);
      // A shell that could not start is tried again at the host's next block.
      shell.catch(() => this.shells.delete(host.name));
    }
    return shell;
  }

  /** Masks these values too, on every host, from now on. */
  addSecrets(values: readonly string[]): void {
    this.secrets = [...new Set([...this.secrets, ...values])];
    for (const shell of this.shells.values()) void shell.then((s) => s.addSecrets(values), () => undefined);
  }

  /** Ends every host's shell and the processes it started there, then the connections. */
  async close(): Promise<void> {
    await Promise.all([...this.shells.values()].map((shell) => shell.then((s) => s.close(), () => undefined)));
    await this.ssh.close();
  }
}
