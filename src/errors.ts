/**
 * User-facing failures. Each kind maps to an exit code; the message says what is wrong and, where
 * there is one, the hint says what to do. Anything else that escapes is an internal error (exit 2).
 */
export const EXIT = { ok: 0, pending: 1, error: 2, interrupted: 130 } as const;

export class HardenError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'HardenError';
  }
}

/** A bad command line: unknown transform, conflicting flags, missing terminal. */
export class UsageError extends HardenError {}

/** A preset or config file that does not validate; the message names the file and the field. */
export class ConfigError extends HardenError {}
