import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { findPlaceholders, HEREDOC, parseRunbook, placeholderVariable, runnableScript, scenarioReferences, type Block, type Runbook } from '../parser/index.js';
import type { Hit, Rule, Severity } from '../audit/types.js';
import { loadInventory, resolveTarget } from '../session/inventory.js';
import { startDir } from '../session/workdir.js';
import { createdPaths, isCreated, rootLinkTarget } from './paths.js';

/** What a check sees of one runbook. */
export interface CheckContext {
  file: string;
  text: string;
  model: Runbook;
  /** Whether shellcheck is on PATH (decided once per run). */
  shellcheck: boolean;
  /** Set when every bash block of the run already parsed together (see `checkDocuments`). */
  bashParsed?: boolean;
}

/** A check: a rule over a runbook rather than a filled session doc. */
export type Check = Omit<Rule, 'check'> & { check(context: CheckContext): Hit[] };

const runnable = (model: Runbook) => model.blocks.filter((b) => b.runnable);
// A block with a bare `<placeholder>` is not shell until it is filled in: the placeholder check
// says so, and the shell's own checks would only repeat it as "syntax error near `newline'".
const parseable = (model: Runbook) => runnable(model).filter((b) => !findPlaceholders(b.body).some((p) => p.bare));
const interpreter = (block: Block) => (block.lang === 'sh' ? 'sh' : block.lang === 'zsh' ? 'zsh' : 'bash');

/** Checks one block with its shell's `-n`: the first syntax error, or null. */
function syntaxError(block: Block): Hit | null {
  const run = spawnSync(interpreter(block), ['-n'], { input: runnableScript(block.body), encoding: 'utf8' });
  if (run.error || run.status === 0) return null;
  const match = /line (\d+): (.*)/.exec(run.stderr);
  const row = match ? Number(match[1]) : 1;
  return { line: block.line + row, column: block.prefix.length + 1, message: `shell syntax: ${(match?.[2] ?? run.stderr.trim()).trim()}` };
}

/**
 * Shell syntax of every runnable block, checked by its own shell with `-n` (reads, never runs).
 * A document's bash blocks are first checked together, each in its own `( … )` group, in one
 * process; only when that fails is each checked alone, to say which one is wrong.
 */
export const shellSyntax: Check = {
  id: 'shell-syntax',
  severity: 'error',
  description: 'A runnable block does not parse in its shell.',
  check({ model, bashParsed }) {
    const blocks = parseable(model);
    const bash = blocks.filter((b) => interpreter(b) === 'bash');
    const others = blocks.filter((b) => interpreter(b) !== 'bash');
    const suspects = bashParsed || (bash.length > 1 && parsesTogether(bash)) ? [] : bash;
    return [...suspects, ...others].flatMap((block) => syntaxError(block) ?? []);
  },
};

/** Whether bash parses all these blocks, each in its own `( … )` group, in one process. */
export function parsesTogether(blocks: Block[]): boolean {
  const together = blocks.map((b) => `(\n${runnableScript(b.body)}\n)`).join('\n');
  return spawnSync('bash', ['-n'], { input: together }).status === 0;
}

/** ShellCheck's findings for every runnable block, placed on the runbook's own lines. */
export const shellcheck: Check = {
  id: 'shellcheck',
  severity: 'warning',
  description: 'ShellCheck reports a problem in a runnable block.',
  check({ model, shellcheck: available }) {
    if (!available) return [];
    // ShellCheck knows sh and bash, not zsh: it would read zsh's own syntax as errors.
    return parseable(model).filter((block) => interpreter(block) !== 'zsh').flatMap((block) => {
      const shell = interpreter(block);
      const run = spawnSync('shellcheck', ['--format=json1', `--shell=${shell}`, '--exclude=SC2154', '-'], { input: runnableScript(block.body), encoding: 'utf8' });
      let parsed: { comments?: Array<{ line: number; column: number; level: string; code: number; message: string }> };
      try {
        parsed = JSON.parse(run.stdout);
      } catch {
        return [];
      }
      return (parsed.comments ?? []).map((c) => ({ line: block.line + c.line, column: block.prefix.length + c.column, message: `SC${c.code} (${c.level}): ${c.message}` }));
    });
  },
};

/**
 * A local path a command line uses (`./x`, `../x`, `scripts/x`) as the shell reads the word: in
 * double or single quotes up to the closing quote (spaces and all), else up to a space, quote,
 * operator or glob character, a backslash keeping the character after it (`my\ file.md`).
 */
const LOCAL_PATH = /(?:^|(?<=[\s=(]))(?:"(?<double>(?:\.\.?\/|scripts\/)[^"]*)"|'(?<single>(?:\.\.?\/|scripts\/)[^']*)'|(?<bare>(?:\.\.?\/|scripts\/)(?:[^\s"'`;&|<>()$\\*?[{]|\\.)+))/g;
/** `cd DIR` or `pushd DIR` where a command starts, after options (`-P`, `--`); `popd` (no folder). */
const CD = /(?:^|[;&|({]\s*|\b(?:then|do|else)\s+)(cd|pushd|popd)(?=[\s;&|)]|$)(?:[ \t]+-[LPe@]+)*(?:[ \t]+--)?(?:[ \t]+("[^"$`]*"|'[^']*'|[^\s;&|)]+))?/g;
/** Commands whose arguments run on another host or in a container. */
const REMOTE = /(?:^|[\s;&|(])(?:ssh|kubectl\s+(?:exec|debug|run)|oc\s+(?:exec|rsh)|(?:docker|podman|nerdctl)\s+(?:exec|run)|gcloud\s+compute\s+ssh|vagrant\s+ssh|lxc\s+exec)(?=\s)/;

/** Where `cd`/`pushd` (`move`) leaves the shell that was in `folder`; null where that cannot be told. */
function moveTo(folder: string | null, move: RegExpMatchArray): string | null {
  if (move[1] === 'popd') return null;
  const raw = move[2];
  if (raw === undefined) return homedir();
  const target = raw.replace(/^(["'])(.*)\1$/, '$2');
  if (target === '-' || target.includes('$') || target.includes('`') || /^~\w/.test(target)) return null;
  const home = target.replace(/^~(?=\/|$)/, homedir());
  // An absolute folder (or one under ~) is known wherever the shell was; one that is not on this
  // machine is the server's, not this checkout's: what the block uses from there cannot be looked at.
  if (home.startsWith('/')) return existsSync(home) ? resolve(home) : null;
  return folder === null ? null : resolve(folder, home);
}

/** Whether the subshell `from` is in (if any) closes before `to`: a `cd` in it moves nothing after. */
function closedBetween(row: string, from: number, to: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    if (row[i] === '(') depth++;
    else if (row[i] === ')' && --depth < 0) return true;
  }
  return false;
}

/** Whether `at` in `row` is inside an open `(` or `$(` (a subshell) that does not close before it. */
function insideParens(row: string, at: number): boolean {
  let depth = 0;
  for (let i = 0; i < at; i++) {
    if (row[i] === '(') depth++;
    else if (row[i] === ')' && depth > 0) depth--;
  }
  return depth > 0;
}

/**
 * Relative links (from the document's folder), and local paths blocks use (`./x`, `scripts/x`,
 * from where the block runs: its `cwd=`, else where the session starts) that do not exist and
 * that no block before creates. A root-relative link (`/docs/x.md`) is read from the repository's
 * top folder when it points into it, and is a site's link otherwise (see `rootLinkTarget`).
 */
export const deadLink: Check = {
  id: 'dead-link',
  severity: 'error',
  description: 'A relative link or a local path a block uses does not exist.',
  check({ file, model }) {
    const dir = dirname(resolve(file));
    const hits: Hit[] = [];
    let start = dir;
    try {
      start = startDir(file, model.frontMatter?.data ?? {}, null).dir;
    } catch (error) {
      hits.push({ line: 1, column: 1, message: (error as Error).message });
    }
    // What blocks create is there once they ran: a later use of it (or a link to it) is not dead.
    const blocks = runnable(model);
    const created = blocks.map((block) => createdPaths(block.body, block.cwd === null ? start : resolve(dir, block.cwd)));
    const all = created.flat();
    for (const link of model.links) {
      if (/^(?:[a-z][a-z0-9+.-]*:|#|\/\/)/i.test(link.url) || link.url === '') continue;
      const path = decodePercents(link.url.split('#')[0]!.split('?')[0]!);
      if (!path) continue;
      const target = path.startsWith('/') ? rootLinkTarget(path, dir) : resolve(dir, path);
      if (target !== null && !existsSync(target) && !isCreated(target, all)) hits.push({ line: link.line, column: link.column, message: `${link.kind} to ${link.url}: no such file` });
    }
    // The session's shell keeps its folder from block to block: a `cd` moves where later paths
    // are read from; one this cannot follow (`cd "$DIR"`, `popd`) ends the check of paths.
    let here: string | null = start;
    blocks.forEach((block, b) => {
      // A block on another host uses that host's paths, in that host's shell: neither is checked here.
      if (block.target !== null) return;
      let from: string | null = block.cwd === null ? here : resolve(dir, block.cwd);
      const before = created.slice(0, b + 1).flat();
      let heredoc: RegExp | null = null;
      block.body.split('\n').forEach((row, i) => {
        // A here-document is data (a config written out, a script sent to a host), not paths used here.
        if (heredoc) {
          if (heredoc.test(row)) heredoc = null;
          return;
        }
        const opens = HEREDOC.exec(row);
        if (opens) heredoc = new RegExp(`^${opens[1] === '-' ? '\\t*' : ''}${opens[3]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
        // What follows `ssh host`, `kubectl exec pod --` and the like runs elsewhere, its `cd`s too.
        const remoteAt = REMOTE.exec(row)?.index ?? Infinity;
        // Each `cd` with where its word stands (a match starts with what comes before the word)
        // and where its folder ends: a path up to there is the folder it moves to.
        const moves = [...row.matchAll(CD)]
          .map((move) => Object.assign(move, { index: move.index! + move[0].indexOf(move[1]!), end: move.index! + move[0].length }))
          .filter((move) => move.index < remoteAt);
        for (const match of row.matchAll(LOCAL_PATH)) {
          const at = match.index!;
          if (at >= remoteAt) break;
          const base = moves.filter((move) => move.end <= at && !closedBetween(row, move.index, at)).reduce<string | null>((folder, move) => moveTo(folder, move), from);
          const { double, single, bare } = match.groups!;
          const path = double ?? single ?? bare!.replace(/\\(.)/g, '$1').replace(/[.,;:)]+$/, '');
          if (base === null || path.includes('$') || existsSync(resolve(base, path)) || isCreated(resolve(base, path), before)) continue;
          hits.push({ line: block.line + 1 + i, column: block.prefix.length + at + (bare === undefined ? 1 : 0) + 1, message: `the block uses ${path}, which does not exist` });
        }
        // A `cd` in a subshell, `( cd x && make )`, moves that subshell only.
        for (const move of moves) if (!insideParens(row, move.index)) from = moveTo(from, move);
      });
      if (block.cwd === null) here = from;
    });
    return hits;
  },
};

/** Variables used with no default, no declaration and no knob-table entry. */
export const undefinedVariable: Check = {
  id: 'undefined-variable',
  severity: 'error',
  description: 'A block uses a variable that nothing declares, documents or defaults.',
  check({ model, text }) {
    const declared = new Set(model.declarations.map((d) => d.name));
    const seen = new Set<string>();
    const hits: Hit[] = model.references
      .filter((r) => !r.assignedBefore && r.default === null && !declared.has(r.name))
      .filter((r) => !seen.has(r.name) && seen.add(r.name))
      .map((r) => ({ line: r.line, column: r.column, message: `$${r.name} has no default, no declaration and no knob-table entry` }));
    // Scenario commands and checks, which may use what a block before the table assigns.
    for (const ref of scenarioReferences(model)) {
      if (ref.assignedBefore || ref.default !== null || declared.has(ref.name) || seen.has(ref.name)) continue;
      seen.add(ref.name);
      hits.push({ ...rowPlace(model, text, ref.scenario), message: `$${ref.name} (scenario ${model.scenarios[ref.scenario]!.id}) has no default, no declaration and no knob-table entry` });
    }
    return hits;
  },
};

/** Two blocks with the same name: `--only` and `--from` could not tell them apart. */
export const duplicateName: Check = {
  id: 'duplicate-name',
  severity: 'error',
  description: 'Two blocks share a name.',
  check({ model }) {
    const first = new Map<string, number>();
    const hits: Hit[] = [];
    for (const block of model.blocks) {
      if (!block.name) continue;
      const earlier = first.get(block.name);
      if (earlier === undefined) first.set(block.name, block.line);
      else hits.push({ line: block.line, column: block.column, message: `block name "${block.name}" is also used on line ${earlier}` });
    }
    return hits;
  },
};

/** Options runbook does not know: kept, but probably a typo. */
export const unknownOption: Check = {
  id: 'unknown-option',
  severity: 'warning',
  description: 'A block has an option runbook does not know.',
  check({ model }) {
    return model.blocks.flatMap((block) => block.options.unknown.map((name) => ({ line: block.line, column: block.column, message: `unknown block option "${name}"` })));
  },
};

/** A check that reports the parser's own problems of one kind, where the parser found them. */
function problemCheck(id: string, description: string, severity: Check['severity'] = 'error'): Check {
  return {
    id,
    severity,
    description,
    check: ({ model }) => model.problems.filter((p) => p.ruleId === id).map((p) => ({ line: p.line, column: p.column, message: p.message })),
  };
}

/** A fence never closed: everything after it renders as code. */
export const unclosedFence = problemCheck('unclosed-fence', 'A code fence is never closed.');

/** Block options that do not read at all (`{ name=x` without its `}`, broken JSON). */
export const blockOptions = problemCheck('block-options', 'A block\'s options cannot be read.');

/** An option value the parser cannot read (`timeout=abc`): run and play refuse the block. */
export const optionValue = problemCheck('option-value', 'A block option has a value runbook cannot read.');

/** An option runbook cannot honour yet (`interactive`, `background`, another interpreter): the block will not run. */
export const unsupportedOption = problemCheck('unsupported-option', 'A block asks for something runbook does not support yet, so it will not run.');

/**
 * A `host=`/`hosts=` name nothing defines: not a group or host of the document's inventory (its
 * front matter's `hosts:`, `inventory:`), nor a host its ssh config (front matter `ssh-config:`,
 * else `~/.ssh/config`) knows. `run` and `play` would stop before anything ran.
 */
export const unknownHost: Check = {
  id: 'unknown-host',
  severity: 'error',
  description: 'A block names a host or group the inventory and the ssh config do not define.',
  check({ file, model }) {
    const blocks = runnable(model).filter((b) => b.target !== null && !b.skip);
    if (!blocks.length) return [];
    let inventory;
    try {
      inventory = loadInventory(file, model.frontMatter?.data ?? {}, { cwd: dirname(resolve(file)) });
    } catch (error) {
      return [{ line: 1, column: 1, message: (error as Error).message }];
    }
    return blocks.flatMap((block) => {
      const resolved = resolveTarget(inventory, block.target!);
      return 'error' in resolved ? [{ line: block.line, column: block.prefix.length + 1, message: resolved.error }] : [];
    });
  },
};

/** A document nested past the parser's limits: it was not read, so nothing else was checked. */
export const nestingLimit = problemCheck('nesting-limit', 'Block quotes or list items nest too deep for the document to be read.');

/** A paragraph with more inline markup than the parser reads: the rest of it was read as plain text. */
export const inlineLimit = problemCheck('inline-limit', 'A paragraph holds more inline markup than runbook reads; the rest of it was read as plain text.', 'warning');

const DESTRUCTIVE: Array<[RegExp, string]> = [
  [/\brm\s+(?:-[a-zA-Z]*r[a-zA-Z]*f|-[a-zA-Z]*f[a-zA-Z]*r|-r\s+-f|-f\s+-r|--recursive\s+--force|--force\s+--recursive)\b/, 'rm -rf'],
  [/\bDROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|USER)\b/i, 'DROP'],
  [/\bTRUNCATE\s+(?:TABLE\s+)?\w/i, 'TRUNCATE'],
  [/\bkubectl\s+(?:[\w=-]+\s+)*delete\b/, 'kubectl delete'],
  [/(?:^|[\s;&|(])oc\s+(?:[\w=-]+\s+)*delete\b/, 'oc delete'],
  [/\bterraform\s+(?:destroy|apply\s+.*-destroy)\b/, 'terraform destroy'],
  [/\bhelm\s+(?:uninstall|delete)\b/, 'helm uninstall'],
  [/\bmkfs(?:\.\w+)?\b/, 'mkfs'],
  [/\bdd\s+.*\bof=\/dev\//, 'dd to a device'],
  [/\bgit\s+push\s+.*(?:--force\b|-f\b)/, 'git push --force'],
  [/\baws\s+s3\s+rm\s+.*--recursive\b/, 'aws s3 rm --recursive'],
  [/\bDELETE\s+FROM\s+[\w."`]+\s*(?:;|'|"|$)/i, 'DELETE without WHERE'],
  [/\b(?:FLUSHALL|FLUSHDB)\b/i, 'FLUSHALL'],
  [/\bdropdb\s/, 'dropdb'],
  [/\bdocker\s+(?:system|volume|image)\s+prune\b/, 'docker prune'],
  [/\baws\s+(?:[\w-]+\s+)*(?:terminate-instances|delete-db-(?:instance|cluster)|delete-stack|delete-bucket|delete-table)\b/, 'aws delete'],
  [/\bgcloud\s+(?:[\w-]+\s+)*delete\b/, 'gcloud delete'],
  [/\baz\s+(?:[\w-]+\s+)*delete\b/, 'az delete'],
];

/** A destructive command in a block that does not ask for confirmation (`confirm=WORD`). */
export const destructiveCommand: Check = {
  id: 'destructive-command',
  severity: 'error',
  description: 'A destructive command runs without a confirm= option.',
  check({ model }) {
    return runnable(model)
      .filter((block) => block.confirm === null)
      .flatMap((block) =>
        block.body.split('\n').flatMap((row, i) => {
          if (/^\s*#/.test(row)) return [];
          const hit = DESTRUCTIVE.find(([pattern]) => pattern.test(row));
          return hit ? [{ line: block.line + 1 + i, column: block.prefix.length + 1, message: `${hit[1]} in a block without confirm=WORD` }] : [];
        }),
      );
  },
};

/** Where a scenario's row starts, for findings. */
function rowPlace(model: Runbook, text: string, index: number): { line: number; column: number } {
  const scenario = model.scenarios[index]!;
  const start = model.tables[scenario.table]!.rows[scenario.row]!.span.start;
  return { line: scenario.line, column: start - text.lastIndexOf('\n', start - 1) };
}

/** Scenario rows that cannot run as written: a command cell without inline code, or a command or recovery check bash cannot parse. */
export const scenarioRow: Check = {
  id: 'scenario-row',
  severity: 'error',
  description: 'A scenario row cannot run as written.',
  check({ model, text }) {
    const hits: Hit[] = [];
    for (const scenario of model.scenarios) {
      const at = rowPlace(model, text, scenario.index);
      if (scenario.problem) hits.push({ ...at, message: `scenario ${scenario.id}: ${scenario.problem}` });
      for (const [what, code] of [['command', scenario.command], ['recovery check', scenario.until]] as const) {
        if (!code) continue;
        const run = spawnSync('bash', ['-n'], { input: code, encoding: 'utf8' });
        if (!run.error && run.status !== 0) hits.push({ ...at, message: `scenario ${scenario.id}: the ${what} does not parse: ${(/line \d+: (.*)/.exec(run.stderr)?.[1] ?? run.stderr).trim()}` });
      }
    }
    return hits;
  },
};

/** A scenario gate in words `runbook` cannot compare: the operator will have to judge it. */
export const unmeasurableGate: Check = {
  id: 'unmeasurable-gate',
  severity: 'warning',
  description: 'A scenario gate cannot be measured.',
  check({ model, text }) {
    return model.scenarios
      .filter((s) => s.gateText !== null && !s.gate)
      .map((s) => ({ ...rowPlace(model, text, s.index), message: `scenario ${s.id}: the gate "${s.gateText}" is not in words runbook can measure (write "< 60 s", "within 2 min"); the operator will judge it` }));
  },
};

/** Where each `<placeholder>` of the runnable blocks is, bare (`bare`) or quoted. */
function placeholderHits(model: Runbook, bare: boolean): Hit[] {
  return runnable(model).flatMap((block) =>
    findPlaceholders(block.body)
      .filter((found) => found.bare === bare)
      .map((found) => {
        const variable = `$${placeholderVariable(found.text)}`;
        return {
          line: block.line + 1 + found.line,
          column: block.prefix.length + 1 + found.column,
          message: bare
            ? `${found.text} is a placeholder to replace by hand (the shell would read it as redirections); write it as a variable (${variable}, with a default in a knob table or front matter) so run and play can fill it in`
            : `${found.text} looks like a placeholder to replace by hand; if it is, write it as a variable (${variable}) so it cannot run as written`,
        };
      }),
  );
}

/** A bare `<placeholder>` in a runnable block: the block cannot run until someone fills it in. */
export const placeholder: Check = {
  id: 'placeholder',
  severity: 'error',
  description: 'A runnable block holds a bare <placeholder>, which the shell reads as redirections.',
  check: ({ model }) => placeholderHits(model, true),
};

/** A `<PLACEHOLDER>` inside quotes: it would run, sending the brackets as text. */
export const quotedPlaceholder: Check = {
  id: 'quoted-placeholder',
  severity: 'warning',
  description: 'A runnable block holds what looks like a <placeholder> inside quotes.',
  check: ({ model }) => placeholderHits(model, false),
};

/** Every check, in report order. */
export const CHECKS: Check[] = [placeholder, quotedPlaceholder, shellSyntax, shellcheck, deadLink, undefinedVariable, duplicateName, unknownOption, blockOptions, optionValue, unsupportedOption, unknownHost, unclosedFence, nestingLimit, inlineLimit, destructiveCommand, scenarioRow, unmeasurableGate];

/**
 * Runs every check over many runbooks. All their bash blocks are first parsed together in one
 * `bash -n`; only when that fails does each document (then each block) get its own.
 */
export function checkDocuments(docs: Array<{ file: string; text: string }>, shellcheckOn: boolean, levelOf: (check: Check) => Severity | 'off'): Array<Hit & { file: string; ruleId: string; severity: Severity }> {
  const contexts = docs.map(({ file, text }) => ({ file, text, model: parseRunbook(text), shellcheck: shellcheckOn }));
  const bash = contexts.flatMap((c) => parseable(c.model).filter((b) => interpreter(b) === 'bash'));
  const bashParsed = bash.length > 0 && parsesTogether(bash);
  const out: Array<Hit & { file: string; ruleId: string; severity: Severity }> = [];
  for (const context of contexts) {
    for (const check of CHECKS) {
      const level = levelOf(check);
      if (level === 'off') continue;
      for (const hit of check.check({ ...context, bashParsed })) out.push({ ...hit, file: context.file, ruleId: check.id, severity: level });
    }
  }
  return out;
}

/**
 * A link's path with its percent-escapes decoded, as a browser does: a `%` that starts no valid
 * escape (`rollout-50%.md`) is a `%` in the file's name, not an error.
 */
function decodePercents(path: string): string {
  return path.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURI(run);
    } catch {
      return run;
    }
  });
}
