import { DURATION_EXAMPLES, durationMs, notADuration } from './duration.js';
import { readFlag as flag } from './options.js';
import { isTranscript } from './prompts.js';
import type { BlockOptions, BlockSettings } from './types.js';

type Value = string | boolean;

/** A problem one of a block's options has, before it is given a place. */
export interface OptionIssue {
  ruleId: 'option-value' | 'unsupported-option';
  message: string;
}

/** What the parser makes of a block's options. */
export interface ReadBlock {
  settings: BlockSettings;
  /** Why a shell block is not runnable, when it is not (see `Block.skipReason`). */
  skipReason: string | null;
  issues: OptionIssue[];
}

/** The shell a block of this language runs in, as `interpreter=`/`shell=` may name it. */
function ownShell(lang: string): string {
  return lang === 'sh' || lang === 'zsh' ? lang : 'bash';
}

/** An option as its author wrote it, for messages: `timeout=abc`, `skip`, `until="a b"`. */
function written(key: string, value: Value): string {
  if (value === true) return key;
  const text = String(value);
  return /[\s"]/.test(text) || text === '' ? `${key}=${JSON.stringify(text)}` : `${key}=${text}`;
}

// How to write an option that needs a value, for the message when it has none.
const EXAMPLES: Record<string, string> = { host: 'db-1', hosts: 'web', name: 'drain', id: 'drain', description: '"Drain the node"', confirm: 'production', cwd: 'scripts', until: '"curl -fsS localhost/health"', secret: 'TOKEN' };

type Reader = (settings: BlockSettings, value: Value, key: string) => string | null;

const text = (set: (s: BlockSettings, v: string) => void): Reader => (s, v, key) => {
  if (typeof v !== 'string' || v.trim() === '') return `${key} needs a value (${key}=${EXAMPLES[key]})`;
  set(s, v);
  return null;
};

const duration = (set: (s: BlockSettings, ms: number) => void, aboveZero = false): Reader => (s, v, key) => {
  if (typeof v !== 'string') return `${key} needs a value: a duration (${DURATION_EXAMPLES})`;
  const ms = durationMs(v);
  if (ms === null) return notADuration(written(key, v));
  // The executor would stop the block the moment it starts: nobody means that.
  if (aboveZero && ms === 0) return `${written(key, v)} would stop the block at once: give a duration above zero (${DURATION_EXAMPLES})`;
  set(s, ms);
  return null;
};

const yesNo = (set: (s: BlockSettings, b: boolean) => void): Reader => (s, v, key) => {
  const b = flag(v);
  if (b === null) return `${written(key, v)} is neither true nor false`;
  set(s, b);
  return null;
};

const READERS: Record<string, Reader> = {
  name: text((s, v) => (s.name = v)),
  id: text((s, v) => (s.id = v)),
  description: text((s, v) => (s.description = v)),
  confirm: text((s, v) => (s.confirm = v)),
  cwd: text((s, v) => (s.cwd = v)),
  until: text((s, v) => (s.until = v)),
  timeout: duration((s, ms) => (s.timeoutMs = ms), true),
  every: duration((s, ms) => (s.everyMs = ms)),
  within: duration((s, ms) => (s.withinMs = ms)),
  errexit: yesNo((s, b) => (s.errexit = b)),
  pipefail: yesNo((s, b) => (s.pipefail = b)),
  rollback: yesNo((s, b) => (s.rollback = b)),
  skip: yesNo((s, b) => (s.skip ||= b)),
  excludeFromRunAll: yesNo((s, b) => (s.skip ||= b)),
  host: target('host'),
  hosts: target('group'),
  parallel: (s, v, key) => {
    if (typeof v !== 'string' || !/^[1-9]\d*$/.test(v.trim())) return `${written(key, v)}: give how many hosts at once, a whole number from 1 (parallel=5)`;
    s.parallel = Number(v.trim());
    return null;
  },
  evidence: (s, v) => {
    const b = flag(v);
    s.keepEvidence = b !== false;
    s.evidenceFiles = b === null ? String(v).split(',').map((f) => f.trim()).filter(Boolean) : [];
    return null;
  },
  secret: (s, v, key) => {
    if (typeof v !== 'string' || v.trim() === '') return `${key} needs a value (${key}=${EXAMPLES[key]})`;
    const names = v.split(/[\s,]+/).filter(Boolean);
    s.secret = names.filter((name) => /^[A-Za-z_]\w*$/.test(name));
    const bad = names.find((name) => !s.secret.includes(name));
    return bad === undefined ? null : `${written(key, v)}: ${bad} is not a variable name`;
  },
};

/** `host=NAME` or `hosts=GROUP`: where the block runs; a block names one or the other. */
function target(kind: 'host' | 'group'): Reader {
  return (s, v, key) => {
    if (typeof v !== 'string' || !/^[\w.@:\[\]-]+$/.test(v.trim())) return `${key} needs a ${kind} name (${key}=${EXAMPLES[key]})`;
    if (s.target && s.target.kind !== kind) return `${written(key, v)}: a block runs on one host (host=) or one group (hosts=), not both`;
    s.target = { kind, name: v.trim() };
    return null;
  };
}

/**
 * Options runbook reads but cannot honour yet. A block carrying one must not run: above all,
 * one meant for another host must never run on this machine. Null when the value asks for what
 * runbook does anyway (`interactive=false`, `interpreter=bash` on a bash block).
 */
const UNSUPPORTED: Record<string, (value: Value, lang: string) => string | null> = {
  interactive: (v) => (flag(v) === false ? null : 'blocks that read from the terminal are not supported yet; runbook will not run this block'),
  background: (v) => (flag(v) === false ? null : 'background blocks are not supported yet; runbook will not run this block (start the process with `&` inside the block instead)'),
  interpreter: (v, lang) => otherInterpreter(v, lang),
  shell: (v, lang) => otherInterpreter(v, lang),
};

function otherInterpreter(value: Value, lang: string): string | null {
  // `/bin/bash`, `/usr/bin/env bash` and `bash -e` all name bash.
  const words = String(value).trim().split(/\s+/).map((word) => word.replace(/^.*\//, ''));
  const program = words[0] === 'env' ? words[1] : words[0];
  if (program === ownShell(lang) || program === lang) return null;
  return `runbook runs ${lang} blocks in its own ${ownShell(lang)} session and no other interpreter; it will not run this block`;
}

/** Settings for a block with no options. */
function defaults(): BlockSettings {
  return { name: null, id: null, description: null, timeoutMs: null, confirm: null, cwd: null, errexit: true, pipefail: true, secret: [], until: null, everyMs: null, withinMs: null, rollback: false, skip: false, keepEvidence: null, evidenceFiles: [], target: null, parallel: 1 };
}

/**
 * Reads a block's options into typed settings, decides whether it runs, and says what is wrong
 * with them. Only shell blocks are judged: nothing else ever runs, so its options matter to no one.
 */
export function readBlock(options: BlockOptions, lang: string, body: string, shell: boolean): ReadBlock {
  const settings = defaults();
  const issues: OptionIssue[] = [];
  for (const [key, value] of Object.entries(options.values)) {
    const message = READERS[key]?.(settings, value, key) ?? null;
    if (message !== null) issues.push({ ruleId: 'option-value', message });
  }
  settings.name ??= settings.id;
  let skipReason: string | null = null;
  if (!shell) skipReason = lang ? `\`${lang}\` is not a shell` : 'no language';
  else if (settings.skip) skipReason = 'marked to skip';
  else if (isTranscript(body)) {
    skipReason = 'a terminal transcript: `$ ` lines are commands and the others their output (keep only the commands, or mark it `console`)';
  }
  if (!shell) return { settings, skipReason, issues: [] };
  // What cannot be honoured matters only for a block that would run.
  if (skipReason === null) {
    for (const [key, value] of Object.entries(options.values)) {
      const why = UNSUPPORTED[key]?.(value, lang.toLowerCase()) ?? null;
      if (why !== null) issues.push({ ruleId: 'unsupported-option', message: `${written(key, value)}: ${why}` });
    }
  }
  return { settings, skipReason, issues };
}
