/**
 * graceful-shutdown on a real process (issue 21): an Express app with an ioredis client and a slow
 * route. Before harden, SIGTERM during a slow request kills the process: the client's connection is
 * reset. After `harden apply --preset node-ops`, the slow request in flight completes after
 * SIGTERM (also over a keep-alive connection that was idle before), a new connection is refused,
 * the Redis connection is closed (the server sees the client leave), and the process exits 0 well
 * before the hard timeout. A second signal ends a shutdown at once; a hang is cut by
 * SHUTDOWN_TIMEOUT_MS with exit 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { git, harden, repoWithModules } from '../support/cli.js';
import { startRedis, type RedisServer } from '../support/redis.js';


const APP = `const express = require('express');
const { redis } = require('./redis');

const app = express();

app.get('/slow', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 800));
  res.json({ done: true, visits: await redis.incr('visits') });
});

app.get('/fast', (req, res) => res.json({ fast: true }));

module.exports = app;
`;

const REDIS = `const Redis = require('ioredis');

const redis = new Redis(process.env.REDIS_URL, { connectionName: 'graceful-app' });

module.exports = { redis };
`;

const SERVER = `const app = require('./app');

// a timer harden cannot see: it would keep the process alive
setInterval(() => {}, 60000);

app.listen(Number(process.env.PORT) || 0, '127.0.0.1', function () {
  process.stdout.write('PORT ' + this.address().port + '\\n');
});
`;

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

interface App {
  child: ChildProcess;
  port: number;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function startApp(dir: string, env: Record<string, string> = {}): Promise<App> {
  const child = spawn(process.execPath, ['src/server.js'], { cwd: dir, env: { ...process.env, REDIS_URL: redis.url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /PORT (\d+)/.exec(output);
      if (match) resolve({ child, port: Number(match[1]), output: () => output, exit });
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`app exited (${code}): ${output}`)));
  });
}

/** GET over `agent`: the status and body, or the error code (ECONNRESET, ECONNREFUSED). */
function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: any } | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

/** Clients connected to the Redis server under the app's connection name. */
async function appClients(): Promise<number> {
  const { spawnSync } = await import('node:child_process');
  const port = new URL(redis.url).port;
  const list = spawnSync('redis-cli', ['-p', port, 'CLIENT', 'LIST'], { encoding: 'utf8' }).stdout;
  return list.split('\n').filter((line) => line.includes('name=graceful-app')).length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function project(): string {
  return repoWithModules({
    'package.json': JSON.stringify({ name: 'visits', private: true, dependencies: { express: '^5.1.0', ioredis: '^5.9.0' } }, null, 2),
    'src/app.js': APP,
    'src/redis.js': REDIS,
    'src/server.js': SERVER,
    '.gitignore': 'node_modules\n',
  });
}

describe('graceful-shutdown on a real server', () => {
  it('before harden, SIGTERM during a slow request drops it; after, the request finishes, Redis is closed and the process exits 0', async () => {
    const dir = project();

    const before = await startApp(dir);
    const dropped = get(before.port, '/slow');
    await sleep(200);
    before.child.kill('SIGTERM');
    expect(await dropped).toBe('ECONNRESET');
    expect((await before.exit).signal).toBe('SIGTERM');

    const run = harden(['apply', '--preset', 'node-ops', '--no-install', '.'], dir);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const server = readFileSync(join(dir, 'src/server.js'), 'utf8');
    expect(server).toContain("const { shutdownGracefully } = require('./lib/graceful-shutdown');");
    expect(server).toContain("const server = app.listen(Number(process.env.PORT) || 0, '127.0.0.1', function () {");
    expect(server).toContain('shutdownGracefully(server);');
    expect(readFileSync(join(dir, 'src/redis.js'), 'utf8')).toContain("closeOnShutdown('redis', () => redis.quit());");

    const after = await startApp(dir);
    const agent = new Agent({ keepAlive: true });
    expect(await get(after.port, '/fast', agent)).toEqual({ status: 200, body: { fast: true } });
    expect(await appClients()).toBe(1);
    const slow = get(after.port, '/slow', agent);
    const slowOnIdleSocket = get(after.port, '/slow', agent);
    await sleep(200);
    const signalled = Date.now();
    after.child.kill('SIGTERM');
    await sleep(100);
    expect(await get(after.port, '/fast')).toBe('ECONNREFUSED');
    expect(await slow).toEqual({ status: 200, body: { done: true, visits: expect.any(Number) } });
    expect(await slowOnIdleSocket).toEqual({ status: 200, body: { done: true, visits: expect.any(Number) } });
    const exit = await after.exit;
    expect(exit.code, after.output()).toBe(0);
    // the requests took 800 ms; the keep-alive sockets did not hold the close for their 5 s timeout
    expect(exit.at - signalled).toBeLessThan(3000);
    expect(after.output()).toContain('SIGTERM received');
    expect(after.output()).toContain('shutdown complete');
    await sleep(100);
    expect(await appClients()).toBe(0);
    agent.destroy();

    // a second run changes nothing
    git(['add', '-A'], dir);
    git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qm', 'harden'], dir);
    const again = harden(['check', '--preset', 'node-ops', '.'], dir);
    expect(again.status, again.stdout + again.stderr).toBe(0);
  });

  it('a second signal ends the shutdown at once; a shutdown that hangs ends at SHUTDOWN_TIMEOUT_MS with 1', async () => {
    const dir = project();
    const run = harden(['apply', '--preset', 'node-ops', '--no-install', '.'], dir);
    expect(run.status, run.stdout + run.stderr).toBe(0);

    const twice = await startApp(dir);
    const slow = get(twice.port, '/slow');
    await sleep(200);
    twice.child.kill('SIGINT');
    await sleep(50);
    twice.child.kill('SIGINT');
    const exit = await twice.exit;
    expect(exit.code).toBe(1);
    expect(twice.output()).toContain('SIGINT received again: exiting now');
    expect(await slow).toBe('ECONNRESET');

    const hung = await startApp(dir, { SHUTDOWN_TIMEOUT_MS: '300' });
    const slowTooLong = get(hung.port, '/slow');
    await sleep(100);
    hung.child.kill('SIGTERM');
    const timedOut = await hung.exit;
    expect(timedOut.code).toBe(1);
    expect(hung.output()).toContain('shutdown took longer than 300 ms: exiting now');
    expect(await slowTooLong).toBe('ECONNRESET');
  });
});
