/** Exit codes: 0 ok, 1 a block failed or a check found problems, 2 usage or input error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * A problem the user can fix: bad arguments, a missing or unreadable file, a file changed
 * underneath. Shown as one line without a stack trace, with its exit code.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
