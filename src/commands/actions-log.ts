import { println } from '../io.js';

/** GitHub Actions' workflow commands for a run's log, or nothing elsewhere. */
export interface ActionsLog {
  /** Opens a fold titled `title` (else prints the title as a plain line). */
  start(title: string): void;
  /** Ends the step's output on a line of its own, then closes the fold. */
  end(outputEndedLine: boolean): void;
  /** An error annotation on `file:line`, shown on the pull request and the run summary. */
  error(file: string, line: number, message: string): void;
}

// Workflow command escaping: https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * When `GITHUB_ACTIONS=true`, each step's output folds into a group under its title and a failed
 * step becomes an annotation on its line of the runbook; anywhere else the log is plain text.
 */
export function actionsLog(env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): ActionsLog {
  const on = env.GITHUB_ACTIONS === 'true';
  return {
    start: (title) => println(out, on ? `::group::${data(title)}` : title),
    end: (outputEndedLine) => {
      // What follows (the step's summary, or the fold's end) starts on a line of its own.
      if (!outputEndedLine) out.write('\n');
      if (on) println(out, '::endgroup::');
    },
    error: (file, line, message) => {
      if (on) println(out, `::error file=${property(file)},line=${line}::${data(message)}`);
    },
  };
}
