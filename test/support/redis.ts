/**
 * A real redis-server for tests, and the small process helpers around it: a free port, a child
 * process whose output is kept, waiting for a line of it, stopping it. Tests that need Redis fail
 * (never skip) when redis-server is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const redisInstalled = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `child` prints `text` (on stdout or stderr), rejects after `ms`. */
export function waitForOutput(child: ChildProcess, text: string, ms: number, log: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; output:\n${log.join('')}`)), ms);
    const check = () => {
      if (log.join('').includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    check();
  });
}

export function start(command: string, args: string[], env: Record<string, string>, cwd?: string) {
  const log: string[] = [];
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => log.push(String(chunk)));
  child.stderr.on('data', (chunk) => log.push(String(chunk)));
  return { child, log };
}

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface RedisServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A throw-away redis-server (no persistence) on `port`, by default a free one; throws when
 * redis-server is missing.
 */
export async function startRedis(port?: number): Promise<RedisServer> {
  if (!redisInstalled) {
    throw new Error('redis-server is not installed: this test needs a real Redis (apt-get install -y redis-server; .ci/run installs it)');
  }
  port ??= await freePort();
  const redis = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {});
  await waitForOutput(redis.child, 'Ready to accept connections', 10_000, redis.log);
  return { url: `redis://127.0.0.1:${port}`, child: redis.child, stop: () => stop(redis.child) };
}
