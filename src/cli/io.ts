/**
 * What a command needs from the process, passed in so tests and the CLI share one code path.
 */
export interface Io {
  cwd: string;
  /** The terminal for --interactive; absent or not a TTY means no prompt is ever shown. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** True once the user pressed Ctrl-C; polled between writes. */
  interrupted: () => boolean;
}
