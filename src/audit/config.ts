import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import type { Severity } from './types.js';

/** `.runbook.yml` at the repository root, the `audit:` part. */
export interface AuditConfig {
  /** Globs (from the repository root) of the files that are session docs; empty: every Markdown file. */
  sessionDocs: string[];
  /** Severity per rule id, or `off`. */
  rules: Record<string, Severity | 'off'>;
  placeholders: string[];
  pendingWords: string[];
  /** Where the configuration was found, or null for the defaults. */
  path: string | null;
  root: string;
}

export const DEFAULT_PENDING = ['🟡', '⏳', 'PENDING', 'WIP'];
export const DEFAULT_PLACEHOLDERS = ['TBD', 'TODO', 'TBC', '?', '…', '...'];

/** Finds `.runbook.yml` from `cwd` up to the repository root (the folder holding `.git`). */
export function loadConfig(cwd: string): AuditConfig {
  let dir = resolve(cwd);
  let root = dir;
  for (;;) {
    if (existsSync(join(dir, '.runbook.yml'))) return read(join(dir, '.runbook.yml'), dir);
    if (existsSync(join(dir, '.git'))) {
      root = dir;
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { sessionDocs: [], rules: {}, placeholders: DEFAULT_PLACEHOLDERS, pendingWords: DEFAULT_PENDING, path: null, root };
}

function read(path: string, root: string): AuditConfig {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const audit = (data && typeof data === 'object' ? (data as Record<string, unknown>).audit : undefined) ?? {};
  if (typeof audit !== 'object' || Array.isArray(audit)) throw new UserError(`${path}: \`audit:\` must be a mapping`);
  const a = audit as Record<string, unknown>;
  const list = (key: string, fallback: string[], extend = false): string[] => {
    const value = a[key];
    if (value === undefined) return fallback;
    // An empty word would be found everywhere (every place a pending marker, say).
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim() !== '')) throw new UserError(`${path}: \`audit.${key}\` must be a list of strings, none of them empty`);
    return extend ? [...fallback, ...value] : value;
  };
  const rules: Record<string, Severity | 'off'> = {};
  for (const [id, level] of Object.entries((a.rules as Record<string, unknown>) ?? {})) {
    if (level !== 'error' && level !== 'warning' && level !== 'off') throw new UserError(`${path}: rule ${id} must be error, warning or off`);
    rules[id] = level;
  }
  return {
    sessionDocs: list('sessionDocs', []),
    rules,
    placeholders: list('placeholders', DEFAULT_PLACEHOLDERS, true),
    pendingWords: list('pendingWords', DEFAULT_PENDING, true),
    path,
    root,
  };
}
