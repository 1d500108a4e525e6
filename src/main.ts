import { Command, CommanderError } from 'commander';
import { EXIT, UserError } from './errors.js';
import type { Io } from './io.js';

declare const __VERSION__: string;

/** Runs the CLI on `argv` and returns the exit code; never throws for a user's mistake. */
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

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return handle(error, io);
  }
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

