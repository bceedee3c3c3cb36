/**
 * health-endpoints on a real process (issue 21): an Express app whose every route sits behind an
 * auth middleware and a rate limiter, with an ioredis client. After `harden apply --transform
 * health-endpoints`, against a real redis-server: /readyz answers 503 naming the client while
 * Redis is not running (within the readiness timeout), 200 once it runs, 503 again while the
 * server is paused (a slow Redis: the ping gets no answer) — well within the probe's budget, not
 * after ioredis gives up — and 200 after it resumes; two probes at once get the same answer; the
 * probes pass neither the auth middleware nor the rate limiter; /healthz answers 200 throughout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { harden, repoWithModules } from '../support/cli.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';

const APP = `const express = require('express');
const { redis } = require('./redis');

let requests = 0;

const app = express();
app.use((req, res, next) => {
  requests += 1;
  if (requests > 3) return res.status(429).json({ error: 'too many requests' });
  next();
});
app.use((req, res, next) => (req.headers.authorization === 'Bearer token' ? next() : res.sendStatus(401)));

app.get('/visits', async (req, res) => res.json({ visits: await redis.incr('visits') }));

module.exports = app;
`;

const REDIS = `const Redis = require('ioredis');

const redis = new Redis(process.env.REDIS_URL);
redis.on('error', () => {});

module.exports = { redis };
`;

const SERVER = `const app = require('./app');

const server = app.listen(Number(process.env.PORT) || 0, '127.0.0.1', () => {
  process.stdout.write('PORT ' + server.address().port + '\\n');
});
`;

let redis: RedisServer | undefined;
afterAll(async () => {
  await redis?.stop();
});

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function startApp(dir: string, env: Record<string, string>): Promise<{ port: number; output: () => string }> {
  const child = spawn(process.execPath, ['src/server.js'], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /PORT (\d+)/.exec(output);
      if (match) resolve({ port: Number(match[1]), output: () => output });
    });
    child.on('exit', (code) => reject(new Error(`app exited (${code}): ${output}`)));
  });
}

async function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: response.status, body: await response.text(), ms: Date.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks /readyz until it answers `status`, for up to 10 s. */
async function readyzUntil(port: number, status: number) {
  let answer = await get(port, '/readyz');
  for (let i = 0; i < 40 && answer.status !== status; i += 1) {
    await sleep(250);
    answer = await get(port, '/readyz');
  }
  return answer;
}

describe('health-endpoints on a real server and a real Redis', () => {
  it('/readyz follows Redis down, up, paused and resumed; probes skip auth and the rate limiter', async () => {
    const dir = repoWithModules({
      'package.json': JSON.stringify({ name: 'visits', private: true, dependencies: { express: '^5.1.0', ioredis: '^5.9.0' } }),
      'src/app.js': APP,
      'src/redis.js': REDIS,
      'src/server.js': SERVER,
    });
    const run = harden(['apply', '--transform', 'health-endpoints', '--no-install', '.'], dir);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(dir, 'src/app.js'), 'utf8')).toContain("const app = express();\napp.get('/healthz', healthz);\napp.get('/readyz', readyz);\napp.use(");
    expect(readFileSync(join(dir, 'src/redis.js'), 'utf8')).toContain("checkReadiness('redis', () => redis.ping());");

    const redisPort = await freePort();
    const app = await startApp(dir, { REDIS_URL: `redis://127.0.0.1:${redisPort}` });

    // Redis not running: 503 naming the client, once the 1 s timeout passed (ioredis queues the ping)
    const down = await get(app.port, '/readyz');
    expect(down.status, app.output()).toBe(503);
    expect(JSON.parse(down.body)).toEqual({ status: 'unavailable', failing: ['redis'] });
    expect(down.ms).toBeLessThan(2500);
    const live = await get(app.port, '/healthz');
    expect([live.status, JSON.parse(live.body)]).toEqual([200, { status: 'ok' }]);

    // Redis starts: ioredis reconnects, /readyz answers 200
    redis = await startRedis(redisPort);
    const up = await readyzUntil(app.port, 200);
    expect([up.status, JSON.parse(up.body)]).toEqual([200, { status: 'ok' }]);

    // two probes at once: the same answer
    const both = await Promise.all([get(app.port, '/readyz'), get(app.port, '/readyz')]);
    expect(both.map((answer) => answer.status)).toEqual([200, 200]);

    // a slow Redis (the server paused): 503 within the timeout, for both of two probes at once
    redis.child.kill('SIGSTOP');
    try {
      const slow = await Promise.all([get(app.port, '/readyz'), get(app.port, '/readyz')]);
      expect(slow.map((answer) => answer.status)).toEqual([503, 503]);
      for (const answer of slow) expect(answer.ms).toBeLessThan(2500);
    } finally {
      redis.child.kill('SIGCONT');
    }
    expect((await readyzUntil(app.port, 200)).status).toBe(200);

    // the app's own routes still sit behind its auth middleware and rate limiter, which never saw a probe
    expect((await get(app.port, '/visits')).status).toBe(401);
    expect((await get(app.port, '/visits', { authorization: 'Bearer token' })).status).toBe(200);
    expect((await get(app.port, '/visits', { authorization: 'Bearer token' })).status).toBe(200);
    expect((await get(app.port, '/visits', { authorization: 'Bearer token' })).status).toBe(429);

    // Redis stops: 503 again
    await redis.stop();
    redis = undefined;
    expect((await readyzUntil(app.port, 503)).status).toBe(503);
  });
});
