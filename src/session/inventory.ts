import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import type { BlockTarget } from '../parser/index.js';

/** One host a block can run on: the name the runbook uses and how ssh reaches it. */
export interface HostEntry {
  name: string;
  /** What ssh is given: `ansible_host`, else the name (which the ssh config may resolve). */
  destination: string;
  port: number | null;
  user: string | null;
}

/** The hosts and groups a session knows, and the ssh config its connections read. */
export interface Inventory {
  groups: Map<string, string[]>;
  hosts: Map<string, HostEntry>;
  /** `--ssh-config`, else the front matter's `ssh-config:`; null: ssh's own default. */
  sshConfig: string | null;
  /** `Host` patterns of that ssh config (the user's `~/.ssh/config` when none is named). */
  sshPatterns: string[];
  /** Things worth saying once: keys of an Ansible inventory that runbook ignores. */
  notes: string[];
}

/** Where an inventory comes from besides the document's front matter. */
export interface InventorySources {
  inventory?: string;
  sshConfig?: string;
  /** `--hosts GROUP=a,b`: a group's members, replacing what the inventory says. */
  hosts?: string[];
  /** Where relative flag paths start. */
  cwd: string;
  home?: string;
}

const ANSIBLE_KEYS = new Set(['ansible_host', 'ansible_port', 'ansible_user', 'ansible_ssh_host', 'ansible_ssh_port', 'ansible_ssh_user']);

/**
 * Builds a document's inventory: the front matter's `hosts:` map (group → ssh destinations) and
 * `inventory:`/`ssh-config:` keys (relative to the document), then `--inventory` (an Ansible YAML
 * inventory), `--ssh-config` and `--hosts GROUP=a,b`, later ones winning. Throws a one-line
 * error for a file that cannot be read or a value of the wrong shape.
 */
export function loadInventory(docPath: string, frontMatter: Record<string, unknown>, sources: InventorySources): Inventory {
  const docDir = dirname(resolve(docPath));
  const inv: Inventory = { groups: new Map(), hosts: new Map(), sshConfig: null, sshPatterns: [], notes: [] };
  const fm = frontMatter.hosts;
  if (fm !== undefined && fm !== null) {
    if (typeof fm !== 'object' || Array.isArray(fm)) throw new Error('front matter `hosts:` must map each group to a list of ssh destinations (web: [web-1, web-2])');
    for (const [group, members] of Object.entries(fm as Record<string, unknown>)) {
      const list = Array.isArray(members) ? members : typeof members === 'string' ? [members] : null;
      if (!list || list.some((m) => typeof m !== 'string' || m.trim() === '')) throw new Error(`front matter \`hosts:\` group ${group} must be a list of ssh destinations`);
      inv.groups.set(group, list.map((m) => (m as string).trim()));
    }
  }
  const fmPath = (key: string) => {
    const value = frontMatter[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`front matter \`${key}:\` must be a file path`);
    return isAbsolute(value) ? value : resolve(docDir, value);
  };
  const inventoryFile = sources.inventory !== undefined ? resolve(sources.cwd, sources.inventory) : fmPath('inventory');
  if (inventoryFile) readAnsible(inventoryFile, sources.inventory !== undefined ? `--inventory ${sources.inventory}` : 'front matter `inventory:`', inv);
  for (const given of sources.hosts ?? []) {
    const match = /^([^=\s]+)=(.*)$/.exec(given);
    const members = match?.[2]!.split(',').map((m) => m.trim()).filter(Boolean) ?? [];
    if (!match || !members.length) throw new Error(`--hosts ${given}: write GROUP=host1,host2`);
    inv.groups.set(match[1]!, members);
  }
  inv.sshConfig = sources.sshConfig !== undefined ? resolve(sources.cwd, sources.sshConfig) : fmPath('ssh-config');
  if (inv.sshConfig && !existsSync(inv.sshConfig)) throw new Error(`${sources.sshConfig !== undefined ? '--ssh-config' : 'front matter `ssh-config:`'} ${inv.sshConfig} does not exist`);
  inv.sshPatterns = hostPatterns(inv.sshConfig ?? resolve(sources.home ?? homedir(), '.ssh', 'config'));
  return inv;
}

/**
 * Reads an Ansible YAML inventory: groups with `hosts:` (name → variables), `children:` (groups
 * nested in it, whose hosts it includes) and `vars:`; of the variables only `ansible_host`,
 * `ansible_port` and `ansible_user` mean something to ssh, the rest are ignored with a note.
 */
function readAnsible(file: string, label: string, inv: Inventory): void {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not YAML (${(error as Error).message.split('\n')[0]})`;
    throw new Error(`${label}: ${file} ${why}; runbook reads Ansible inventories in YAML`);
  }
  if (!isMap(data)) throw new Error(`${label}: ${file} is not an Ansible YAML inventory (a map of groups)`);
  const ignored = new Set<string>();
  const group = (name: string, node: unknown, inherited: Record<string, unknown>): string[] => {
    if (node === null || node === undefined) return inv.groups.get(name) ?? [];
    if (!isMap(node)) throw new Error(`${label}: group ${name} must be a map (hosts:, children:, vars:)`);
    const vars = { ...inherited, ...(isMap(node.vars) ? node.vars : {}) };
    const members: string[] = [];
    if (isMap(node.hosts)) {
      for (const [host, hostVars] of Object.entries(node.hosts)) {
        const own = { ...vars, ...(isMap(hostVars) ? hostVars : {}) };
        for (const key of Object.keys(own)) if (!ANSIBLE_KEYS.has(key)) ignored.add(key);
        const known = inv.hosts.get(host);
        const text = (key: string) => (own[key] ?? own[key.replace('ansible_', 'ansible_ssh_')]) as string | number | undefined;
        inv.hosts.set(host, {
          name: host,
          destination: text('ansible_host') === undefined ? (known?.destination ?? host) : String(text('ansible_host')),
          port: text('ansible_port') === undefined ? (known?.port ?? null) : Number(text('ansible_port')),
          user: text('ansible_user') === undefined ? (known?.user ?? null) : String(text('ansible_user')),
        });
        members.push(host);
      }
    }
    if (isMap(node.children)) for (const [child, sub] of Object.entries(node.children)) members.push(...group(child, sub, vars));
    for (const key of Object.keys(node)) if (!['hosts', 'children', 'vars'].includes(key)) ignored.add(key);
    const all = [...new Set([...(inv.groups.get(name) ?? []), ...members])];
    inv.groups.set(name, all);
    return all;
  };
  for (const [name, node] of Object.entries(data)) group(name, node, {});
  if (ignored.size) inv.notes.push(`${label}: ignored ${[...ignored].sort().join(', ')} (runbook reads ansible_host, ansible_port and ansible_user)`);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The patterns of an ssh config's `Host` lines (negated ones left out); none when it cannot be read. */
function hostPatterns(file: string): string[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split(/\r?\n/).flatMap((line) => {
    const match = /^\s*Host(?:\s*=\s*|\s+)(.*)$/i.exec(line);
    return match ? match[1]!.split(/\s+/).filter((p) => p && !p.startsWith('!')) : [];
  });
}

/**
 * The hosts a block's target names, or why it names none: a group the inventory defines, or a
 * host the inventory, a group or the ssh config knows (an address with a dot or an `@` is taken
 * as written: ssh resolves it at pre-flight).
 */
export function resolveTarget(inv: Inventory, target: BlockTarget): { hosts: HostEntry[] } | { error: string } {
  const entry = (name: string): HostEntry => inv.hosts.get(name) ?? { name, destination: name, port: null, user: null };
  if (target.kind === 'group') {
    const members = inv.groups.get(target.name);
    if (!members) return { error: `hosts=${target.name}: no group ${target.name} in the inventory${inv.groups.size ? ` (groups: ${[...inv.groups.keys()].join(', ')})` : ' (give one with front matter hosts:, --inventory or --hosts)'}` };
    if (!members.length) return { error: `hosts=${target.name}: the group ${target.name} has no hosts` };
    // A host named twice runs the block once: it has one shell.
    return { hosts: [...new Set(members)].map(entry) };
  }
  const name = target.name;
  const known = inv.hosts.has(name) || [...inv.groups.values()].some((m) => m.includes(name)) || /[.@]/.test(name) || inv.sshPatterns.some((p) => picomatch.isMatch(name, p.replace(/\?/g, '?'), { nocase: true, dot: true }));
  if (!known) return { error: `host=${name}: no host ${name} in the inventory or the ssh config${inv.groups.has(name) ? ` (${name} is a group: write hosts=${name})` : ''}` };
  return { hosts: [entry(name)] };
}

/**
 * Where a block runs, in words for `list` and `--dry-run`: `on hosts=web (web-1, web-2), 2 at a
 * time`, `on host=db-1`; `hosts` null when the names could not be resolved. Null for this machine.
 */
export function targetText(block: { target: BlockTarget | null; parallel: number }, hosts: HostEntry[] | null): string | null {
  const target = block.target;
  if (target === null) return null;
  const named = `${target.kind === 'group' ? 'hosts' : 'host'}=${target.name}`;
  const members = hosts === null ? ' (not defined)' : target.kind === 'group' || hosts[0]?.destination !== target.name ? ` (${hosts.map((h) => (target.kind === 'group' ? h.name : h.destination)).join(', ')})` : '';
  return `on ${named}${members}${target.kind === 'group' && hosts !== null ? `, ${Math.min(block.parallel, hosts.length)} at a time` : ''}`;
}

/** The hosts a block runs on as a document's own inventory (front matter) resolves them, or null. */
export function documentTargets(file: string, frontMatter: Record<string, unknown>, target: BlockTarget): HostEntry[] | null {
  try {
    const resolved = resolveTarget(loadInventory(file, frontMatter, { cwd: dirname(resolve(file)) }), target);
    return 'hosts' in resolved ? resolved.hosts : null;
  } catch {
    return null;
  }
}
