/**
 * A WebSocket server in a child process and real `ws` clients: enough to watch a server meet a
 * malformed frame. The server prints `PORT <n>` once it listens; a child that exits is recorded
 * with its code and stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'vitest';
import WebSocket from 'ws';

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

export interface Server {
  port: number;
  /** The exit code once the process stopped, else null. */
  exitCode: () => number | null;
  stderr: () => string;
  /** Resolves with the exit code when the process stops, or with 'running' after `ms`. */
  exited: (ms: number) => Promise<number | 'running'>;
}

export function startServer(script: string, cwd: string): Promise<Server> {
  const child = spawn(process.execPath, [script], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'test' } });
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

export interface Client {
  socket: WebSocket;
  /** Every frame received so far, parsed. */
  received: unknown[];
  /** Resolves when a frame matching `match` has arrived (rejects after 3 s). */
  frame: (match: (frame: any) => boolean) => Promise<any>;
  send: (text: string) => void;
  /** Resolves with the close code when the connection closes, or 'open' after `ms`. */
  closed: (ms: number) => Promise<number | 'open'>;
}

export function connect(port: number): Promise<Client> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: unknown[] = [];
  const waiters: Array<{ match: (frame: any) => boolean; resolve: (frame: unknown) => void }> = [];
  let closeCode: number | undefined;
  const closeWaiters: Array<(code: number) => void> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    received.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  socket.on('close', (code) => {
    closeCode = code;
    for (const done of closeWaiters.splice(0)) done(code);
  });
  socket.on('error', () => undefined);
  const client: Client = {
    socket,
    received,
    frame: (match) => {
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        setTimeout(() => reject(new Error(`no matching frame within 3 s; received ${JSON.stringify(received)}`)), 3000);
      });
    },
    send: (text) => socket.send(text),
    closed: (ms) =>
      closeCode !== undefined
        ? Promise.resolve(closeCode)
        : Promise.race([new Promise<number>((resolve) => closeWaiters.push(resolve)), new Promise<'open'>((done) => setTimeout(() => done('open'), ms))]),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('error', reject);
  });
}
