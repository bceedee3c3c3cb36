/**
 * A progress bar on stderr for long runs: only when stderr is a terminal and CI is not set, only
 * once the run has lasted `delayMs` (short runs show nothing), redrawn at most every `intervalMs`,
 * and erased when done so the summary starts on a clean line. Machine output is on stdout and is
 * never touched.
 */
export interface Progress {
  tick(path: string, index: number, total: number): void;
  done(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  delayMs?: number;
  intervalMs?: number;
}

const NONE: Progress = { tick() {}, done() {} };

export function progressEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
}

export function createProgress({ stream, env = process.env, now = Date.now, delayMs = 500, intervalMs = 80 }: ProgressOptions): Progress {
  if (!progressEnabled(stream, env)) return NONE;
  const started = now();
  let last = 0;
  let drawn = false;
  return {
    tick(path, index, total) {
      const time = now();
      if (time - started < delayMs || time - last < intervalMs) return;
      last = time;
      const width = 24;
      const filled = Math.round(((index + 1) / total) * width);
      const count = `${index + 1}/${total}`;
      const room = Math.max(10, (stream.columns ?? 80) - width - count.length - 6);
      const name = path.length > room ? `…${path.slice(path.length - room + 1)}` : path;
      stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count} ${name}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
