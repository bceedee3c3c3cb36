/**
 * What a command needs from the process, passed in so tests and the CLI share one code path.
 */
export interface Io {
  cwd: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** True once the user pressed Ctrl-C; polled between writes. */
  interrupted: () => boolean;
}
