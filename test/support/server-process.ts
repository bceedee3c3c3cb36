/**
 * A server under test in a child process: `node <script>` in a folder; the script prints
 * `PORT <n>` once it listens. Records the exit code and stderr; every server still running is
 * killed after each test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';

const running: ChildProcess[] = [];

/** Kills every server this file started (also done after each test). */
export function stopServers(): void {
  for (const child of running.splice(0)) child.kill('SIGKILL');
}
afterEach(stopServers);

export interface Server {
  port: number;
  /** The exit code once the process stopped, else null. */
  exitCode: () => number | null;
  stderr: () => string;
  /** Resolves with the exit code when the process stops, or with 'running' after `ms`. */
  exited: (ms: number) => Promise<number | 'running'>;
}

export function startServer(script: string, cwd: string): Promise<Server> {
  const child = spawn(process.execPath, [script], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stderr = '';
  let code: number | null = null;
  const exit = new Promise<number>((resolve) => child.on('exit', (status, signal) => resolve((code = status ?? (signal ? 128 : 0)))));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /PORT (\d+)/.exec(stdout);
      if (match) {
        resolve({
          port: Number(match[1]),
          exitCode: () => code,
          stderr: () => stderr,
          exited: (ms) => Promise.race([exit, new Promise<'running'>((done) => setTimeout(() => done('running'), ms))]),
        });
      }
    });
    void exit.then((status) => reject(new Error(`server exited (${status}) before listening: ${stderr}`)));
  });
}
