import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { EXIT, UserError } from './errors.js';
// The duration grammar alone, not the whole parser: reading arguments must stay cheap.
import { DURATION_EXAMPLES, durationMs, notADuration } from './parser/duration.js';
import type { Io } from './io.js';

declare const __VERSION__: string;

/** The audit pool's work, for its threads (see audit-worker.ts), which load this bundle. */
export const auditWorker = () => import('./audit/worker.js');

/**
 * Runs the CLI on `argv` and returns the exit code; never throws for a user's mistake. Long, but
 * a table: one declaration per command, each a few lines, read top to bottom like `--help`.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('runbook')
    .description('Turn Markdown runbooks into guided, executable, auditable sessions.')
    .version(__VERSION__, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run `runbook --help` for usage)');

  program
    .command('list')
    .description('outline a runbook: sections, blocks, tasks, tables and variables')
    .argument('<file>', 'the Markdown runbook')
    .option('--json', 'print the stable JSON form (docs/list-json.md)')
    .action(async (file: string, options: { json?: boolean }) => {
      const { listCommand } = await import('./commands/list.js');
      exitCode = listCommand(file, options, io);
    });

  program
    .command('audit')
    .description('check filled session docs: unticked boxes, unfilled cells, failed results, times, gates, drift (runs nothing)')
    .argument('[inputs...]', 'files, folders (every *.md below) or globs; default: the current folder')
    .option('--changed <ref>', 'only Markdown files added or changed since <ref> (git) within the inputs, filtered by the configured session-doc globs')
    .option('--format <format>', 'text, json, github or sarif', 'text')
    .option('--evidence', 'stored evidence copies must be there: a missing one is an error, not a warning')
    .option('--jobs <n>', 'documents audited in parallel: this thread and N - 1 worker threads (default: the number of cores)')
    .option('--no-cache', 'parse every document again instead of using the models cached by earlier runs')
    .option('--fail-on <level>', 'exit 1 on findings at this level or worse: error, warning or never', 'error')
    .option('--summary <file>', 'also append a Markdown table of findings per file to <file> (as $GITHUB_STEP_SUMMARY)')
    .action(async (inputs: string[], options) => {
      const { auditCommand } = await import('./commands/audit.js');
      exitCode = await auditCommand(inputs, options, { ...io, cwd: io.cwd });
    });

  program
    .command('check')
    .description('catch a rotting runbook: shell syntax, ShellCheck, dead links and paths, undefined variables, risky commands (runs nothing)')
    .argument('[inputs...]', 'files, folders (every *.md below) or globs; default: the current folder')
    .option('--format <format>', 'text, json, github or sarif', 'text')
    .action(async (inputs: string[], options) => {
      const { checkCommand } = await import('./commands/check.js');
      exitCode = checkCommand(inputs, options, io);
    });

  program
    .command('tick')
    .description('tick, untick or fail a task or a table checkbox cell')
    .argument('<file>', 'the Markdown document')
    .requiredOption('--line <n>', 'line of the task item or table row', lineNumber)
    .option('--column <name|index>', 'table column, by header or 1-based index')
    .option('--undo', 'untick instead')
    .option('--fail', 'mark a checkbox cell failed (❌)')
    .action(async (file: string, options) => {
      const { tickCommand } = await import('./commands/tick.js');
      exitCode = tickCommand(file, options, io);
    });

  program
    .command('fill')
    .description('fill a table cell with text or the current time')
    .argument('<file>', 'the Markdown document')
    .requiredOption('--line <n>', 'line of the table row', lineNumber)
    .requiredOption('--column <name|index>', 'table column, by header or 1-based index')
    .option('--value <text>', 'the text to put in the cell')
    .option('--now', 'the current UTC time (2026-11-23T19:20:01Z)')
    .action(async (file: string, options) => {
      const { fillCommand } = await import('./commands/fill.js');
      exitCode = fillCommand(file, options, io);
    });

  program
    .command('new')
    .description('copy a template into a dated session doc (never overwrites)')
    .argument('<template>', 'the template runbook')
    .argument('[out]', 'where to write it (default: YYYY-MM-DD.md beside the template)')
    .action(async (template: string, out: string | undefined) => {
      const { newCommand } = await import('./commands/new.js');
      exitCode = await newCommand(template, out, io);
    });

  program
    .command('reset')
    .description('untick everything and remove result lines, back to the template state')
    .argument('<file>', 'the Markdown document')
    .option('--cells', 'also empty the time and duration cells the engine fills')
    .action(async (file: string, options: { cells?: boolean }) => {
      const { resetCommand } = await import('./commands/reset.js');
      exitCode = resetCommand(file, options, io);
    });

  program
    .command('report')
    .description('draw a session: one self-contained HTML page with its timeline, gates, waits, summary and output (runs nothing)')
    .argument('<file>', 'the session doc (its journal is read from .runbook/ beside it)')
    .option('--format <format>', 'html (the page) or svg (the timeline alone)', 'html')
    .option('-o, --output <file>', 'where to write it (default: <doc>.report.html beside the doc)')
    .option('--open', 'open it in a browser, where there is one')
    .action(async (file: string, options) => {
      const { reportCommand } = await import('./commands/report.js');
      exitCode = reportCommand(file, options, io);
    });

  program
    .command('watch')
    .description('serve a live, read-only page of a session for observers (127.0.0.1, random port and token); ends with the session or Ctrl-C')
    .argument('<file>', 'the session doc')
    .option('--host <address>', 'listen on this address instead of loopback (warns: anyone who reaches it with the address can watch)')
    .option('--port <n>', 'listen on this port (default: a free one)', portNumber)
    .action(async (file: string, options) => {
      const { watchCommand } = await import('./commands/watch.js');
      exitCode = await watchCommand(file, options, io);
    });

  program
    .command('play')
    .description('step through a runbook in the terminal: run, tick and fill as you go')
    .argument('<file>', 'the Markdown runbook (or, with --new, the template)')
    .option('--new', 'create a dated session doc from the template first, and play that')
    .option('--set <name=value>', 'give a variable a value (repeatable)', collect, [])
    .option('--timeout <duration>', 'default time limit per block (90s, 5m, 1h)', timeout)
    .option('--cwd <dir>', 'start the session in <dir> (default: front matter cwd:, else the document\'s folder)')
    .option('--inventory <file>', 'an Ansible YAML inventory naming the hosts and groups of host=/hosts= blocks')
    .option('--ssh-config <file>', 'the ssh config to reach other hosts with (default: front matter ssh-config:, else ~/.ssh/config)')
    .option('--hosts <group=a,b>', 'give a group its hosts, in place of the inventory\'s (repeatable)', collect, [])
    .option('--no-timeline', 'do not write the session\'s timeline (a Mermaid chart) at the end of the document')
    .option('--watch', 'serve a live, read-only page of the session on 127.0.0.1 for observers (its address is printed)')
    .action(async (file: string, options) => {
      const { playCommand } = await import('./commands/play.js');
      exitCode = await playCommand(file, options, io);
    });

  program
    .command('run')
    .description('run the shell blocks of a runbook in order, headless (for CI and scripts)')
    .argument('<file>', 'the Markdown runbook')
    .option('-y, --yes', 'run without asking (required without a terminal)')
    .option('--keep-going', 'go on after a block fails (as --on-failure continue)')
    .option('--on-failure <policy>', 'after a failing step: stop (default), rollback (run the rollback section, then stop) or continue')
    .option('--only <name>', 'run only these blocks (name or number; repeat or comma-separate)', collectList, [])
    .option('--from <name>', 'start at this block (name or number)')
    .option('--dry-run', 'print every block with its variables resolved; run nothing')
    .option('--report <file>', 'write a JSON report')
    .option('--junit <file>', 'write JUnit XML, one test case per block')
    .option('--timeout <duration>', 'default time limit per block (90s, 5m, 1h)', timeout)
    .option('--set <name=value>', 'give a variable a value (repeatable)', collect, [])
    .option('--confirm <word>', 'confirm blocks marked confirm=WORD (repeat or comma-separate)', collectList, [])
    .option('--resume', 'continue after the last block the journal records as done')
    .option('--cwd <dir>', 'start the session in <dir> (default: front matter cwd:, else the document\'s folder)')
    .option('--inventory <file>', 'an Ansible YAML inventory naming the hosts and groups of host=/hosts= blocks')
    .option('--ssh-config <file>', 'the ssh config to reach other hosts with (default: front matter ssh-config:, else ~/.ssh/config)')
    .option('--hosts <group=a,b>', 'give a group its hosts, in place of the inventory\'s (repeatable)', collect, [])
    .option('--no-timeline', 'do not write the session\'s timeline (a Mermaid chart) at the end of the document')
    .action(async (file: string, options) => {
      const { runCommand } = await import('./commands/run.js');
      exitCode = await runCommand(file, options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return handle(error, io);
  }
}

// Repeatable options take one value each time (`--set A=1 --set B=2`), never `<x...>`: a
// variadic option would swallow the FILE that follows it.
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A repeatable option whose values may also come comma-separated: `--only a,b`. */
function collectList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/**
 * Checks `--timeout` while the arguments are read, so that a bad one is one line before anything
 * opens. The value stays the text written; the commands read it as milliseconds.
 */
function timeout(value: string): string {
  const ms = durationMs(value);
  if (ms === null) throw new UserError(`--timeout: ${notADuration(value)}`);
  if (ms === 0) throw new UserError(`--timeout: ${value} would stop every block at once: give a duration above zero (${DURATION_EXAMPLES})`);
  return value;
}

function lineNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a line number is a whole number from 1');
  return Number(value);
}

function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new InvalidArgumentError('a port is a whole number from 1 to 65535');
  return Number(value);
}

function handle(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Help and version are successes; anything else commander rejects is a usage error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (error instanceof UserError) {
    io.stderr.write(`runbook: ${error.message}\n`);
    return error.exitCode;
  }
  const err = error as Error;
  io.stderr.write(`runbook: internal error: ${err?.message ?? String(error)}\n`);
  if (io.env.RUNBOOK_DEBUG) io.stderr.write(`${err?.stack ?? ''}\n`);
  else io.stderr.write('(this is a bug in runbook; set RUNBOOK_DEBUG=1 to see where it happened)\n');
  return EXIT.usage;
}

