/**
 * The generated Redis client where things go wrong (issue 15), measured against a real
 * redis-server started here (fails, never skips, when redis-server is missing):
 * - Redis unreachable: every limited request answers within 100 ms with the documented choice
 *   (`onRedisDown: open` passes it, `closed` hands the error to the app: 500), one by one and two
 *   at a time; for express-rate-limit (the transformed app of test/integration/rate-limit-app/,
 *   served over HTTP) and for a hand-written limiter moved to rate-limiter-flexible (in-process);
 * - a Redis that accepts connections and never answers: the first request waits at most the
 *   client's command timeout (250 ms), the following ones fail fast again;
 * - Redis stopped and restarted on the same port mid-run: limiting resumes;
 * - importing the app module never keeps the process alive: it exits with Redis down, and after
 *   serving requests with Redis up or down; the `closeRateLimitRedis` hook closes the client.
 * The 100 ms is the behaviour the issue asks for (ioredis' offline queue and per-command retries
 * used to hold each request 0.8–2 s), not a benchmark: the measured figures are a few ms.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { transformProject } from '../support/rate-limit.js';
import { freePort, start, startRedis, stop, waitForOutput, type RedisServer } from '../support/redis.js';

const repo = join(import.meta.dirname, '..', '..');
const BOUND_MS = 100;
const dirs: string[] = [];

/** A transformed copy of test/integration/rate-limit-app/ for one `onRedisDown` choice. */
function transformedApp(onRedisDown: 'open' | 'closed'): string {
  const dir = mkdtempSync(join(tmpdir(), `harden-rate-limit-down-${onRedisDown}-`));
  dirs.push(dir);
  cpSync(join(repo, 'test', 'integration', 'rate-limit-app'), dir, { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const result = transformProject(dir, ['src/middleware/rate-limiting.js'], { onRedisDown });
  expect(result.changed).toEqual(['src/middleware/rate-limiting.js']);
  return dir;
}

/** A URL where no Redis listens (a free port, nothing bound to it). */
async function deadRedisUrl(): Promise<string> {
  return `redis://127.0.0.1:${await freePort()}`;
}

async function timed<T>(action: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await action();
  return { ms: performance.now() - started, value };
}

interface Served {
  get(path: string): Promise<{ ms: number; status: number; limit: string | null }>;
  log(): string;
  stop(): Promise<void>;
}

async function serve(dir: string, redisUrl: string): Promise<Served> {
  const port = await freePort();
  const app = start('node', ['src/server.js'], { PORT: String(port), REDIS_URL: redisUrl }, dir);
  await waitForOutput(app.child, 'listening on', 10_000, app.log);
  return {
    async get(path) {
      const { ms, value } = await timed(async () => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        await response.arrayBuffer();
        return response;
      });
      return { ms, status: value.status, limit: value.headers.get('x-ratelimit-limit') };
    },
    log: () => app.log.join(''),
    stop: () => stop(app.child),
  };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each([
  ['open', 200],
  ['closed', 500],
] as const)('express-rate-limit, onRedisDown %s, Redis unreachable from the start', (onRedisDown, status) => {
  let app: Served;

  beforeAll(async () => {
    app = await serve(transformedApp(onRedisDown), await deadRedisUrl());
    // Warm up the HTTP connection and express on a route without a limiter: the first limited
    // request below, which makes the client's first connection attempt, is measured too.
    await app.get('/health');
  });
  afterAll(() => app?.stop());

  it(`answers each of 20 sequential limited requests within ${BOUND_MS} ms with ${status}`, async () => {
    const answers = [];
    for (let n = 0; n < 20; n += 1) answers.push(await app.get('/api/ping'));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(status));
    const latencies = answers.map((a) => Math.round(a.ms));
    console.info(`onRedisDown ${onRedisDown}, Redis down, sequential latencies (ms): ${latencies.join(' ')}`);
    expect(Math.max(...latencies)).toBeLessThan(BOUND_MS);
  });

  it(`answers two concurrent limited requests within ${BOUND_MS} ms each`, async () => {
    const answers = await Promise.all([app.get('/api/ping'), app.get('/api/ping')]);
    expect(answers.map((a) => a.status)).toEqual([status, status]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(BOUND_MS);
  });

  it('says why', () => {
    expect(app.log()).toContain(
      onRedisDown === 'open' ? 'error from store, allowing request without rate-limiting' : 'Unhandled error: Connection is closed.',
    );
  });
});

describe('express-rate-limit, a Redis that accepts connections and never answers', () => {
  let app: Served;
  let hung: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    hung = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    app = await serve(transformedApp('open'), `redis://127.0.0.1:${(hung.address() as AddressInfo).port}`);
    await app.get('/health');
  });
  afterAll(async () => {
    await app?.stop();
    for (const socket of sockets) socket.destroy();
    hung?.close();
  });

  it(`waits for the first command at most the command timeout (250 ms), then answers within ${BOUND_MS} ms`, async () => {
    const first = await app.get('/api/ping');
    expect(first.status).toBe(200);
    expect(first.ms).toBeLessThan(250 + BOUND_MS);
    // The first failure (the timed-out connection check, logged) turns the offline queue off.
    await vi.waitFor(() => expect(app.log()).toContain('rate limiting: Redis connection error'), { timeout: 2_000 });
    const next = [];
    for (let n = 0; n < 10; n += 1) next.push(await app.get('/api/ping'));
    expect(next.map((a) => a.status)).toEqual(Array(10).fill(200));
    const latencies = next.map((a) => Math.round(a.ms));
    console.info(`Redis hung: first ${Math.round(first.ms)} ms, then (ms): ${latencies.join(' ')}`);
    expect(Math.max(...latencies)).toBeLessThan(BOUND_MS);
  });
});

describe('express-rate-limit, Redis stopped and restarted mid-run', () => {
  let redis: RedisServer | undefined;
  let app: Served;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    app = await serve(transformedApp('open'), redis.url);
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const limited = async () => {
    const statuses = [];
    for (let n = 0; n < 6; n += 1) statuses.push((await app.get('/api/ping')).status);
    return statuses;
  };

  it('limits, passes requests promptly while Redis is down, and limits again once Redis is back', async () => {
    expect(await limited()).toEqual([200, 200, 200, 200, 200, 429]);

    await redis!.stop();
    const down = [];
    for (let n = 0; n < 10; n += 1) down.push(await app.get('/api/ping'));
    expect(down.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(Math.max(...down.map((a) => a.ms))).toBeLessThan(BOUND_MS);

    redis = await startRedis(port); // a fresh, empty Redis on the same address
    // /load/ping has its own limiter: its rate-limit headers come back when the store answers again.
    await vi.waitFor(async () => expect((await app.get('/load/ping')).limit).toBe('50'), { timeout: 5_000, interval: 50 });
    expect(await limited()).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('importing the app module never keeps the process alive', () => {
  let dir: string;
  let redis: RedisServer | undefined;

  beforeAll(async () => {
    dir = transformedApp('open');
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  /** Runs `code` in `dir` with REDIS_URL; how long the process took to exit, its status and output. */
  const run = (code: string, redisUrl: string) => {
    const { ms, value } = timedSync(() => spawnSync('node', ['-e', code], { cwd: dir, env: { ...process.env, REDIS_URL: redisUrl }, encoding: 'utf8', timeout: 15_000 }));
    return { ms, status: value.status, signal: value.signal, stdout: value.stdout, stderr: value.stderr };
  };

  it('exits at once after require() with Redis down, without ever connecting', async () => {
    const result = run("require('./src/app'); console.log('imported');", await deadRedisUrl());
    expect(result).toMatchObject({ status: 0, signal: null, stdout: 'imported\n' });
    expect(result.stderr).not.toContain('Redis connection error'); // it never tried
    expect(result.ms).toBeLessThan(3_000);
  });

  const serveOnce = `
    const { app } = require('./src/app');
    const server = app.listen(0, '127.0.0.1', async () => {
      const response = await fetch('http://127.0.0.1:' + server.address().port + '/api/ping');
      console.log(response.status, response.headers.get('x-ratelimit-limit'));
      server.close();
    });`;

  it('exits once the server closes after serving a request with Redis up (the idle socket does not hold it)', () => {
    const result = run(serveOnce, redis!.url);
    expect(result).toMatchObject({ status: 0, signal: null, stdout: '200 5\n' });
    expect(result.ms).toBeLessThan(3_000);
  });

  it('exits once the server closes after serving a request with Redis down (reconnection does not hold it)', async () => {
    const result = run(serveOnce, await deadRedisUrl());
    expect(result).toMatchObject({ status: 0, signal: null, stdout: '200 null\n' });
    expect(result.ms).toBeLessThan(3_000);
  });

  it('closeRateLimitRedis() closes the client and stops reconnecting', () => {
    const code = `
      const { rateLimitRedis, closeRateLimitRedis } = require('./src/lib/rate-limit-redis');
      (async () => {
        console.log(await rateLimitRedis.call('PING'));
        await closeRateLimitRedis();
        await new Promise((resolve) => setTimeout(resolve, 300));
        console.log(rateLimitRedis.status);
      })();`;
    const result = run(code, redis!.url);
    expect(result).toMatchObject({ status: 0, stdout: 'PONG\nend\n' });
  });
});

function timedSync<T>(action: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = action();
  return { ms: performance.now() - started, value };
}

/** A hand-written limiter in a project that uses rate-limiter-flexible (case 1 -> RateLimiterRedis). */
const FLEXIBLE_SOURCE = `const WINDOW_MS = 2 * 1000;
const MAX_REQUESTS = 3;
const counters = {};

function limiter(req, res, next) {
  const key = req.ip;
  const now = Date.now();
  let record = counters[key];
  if (!record || now > record.resetAt) {
    record = { count: 0, resetAt: now + WINDOW_MS };
    counters[key] = record;
  }
  record.count++;
  if (record.count > MAX_REQUESTS) {
    return res.status(429).send('Too many requests');
  }
  next();
}

module.exports = { limiter };
`;

/** Calls the middleware with a minimal request/response: what it answered and how fast. */
async function call(limiter: any, ip: string): Promise<{ ms: number; status: number }> {
  const { ms, value } = await timed(
    () =>
      new Promise<number>((resolve) => {
        const res = {
          statusCode: 200,
          set: () => res,
          setHeader: () => res,
          status(code: number) {
            res.statusCode = code;
            return res;
          },
          send() {
            resolve(res.statusCode);
            return res;
          },
        };
        limiter({ ip, headers: {} }, res, (error?: unknown) => resolve(error ? 500 : 200));
      }),
  );
  return { ms, status: value };
}

describe.each([
  ['open', 200],
  ['closed', 500],
] as const)('hand-written limiter -> RateLimiterRedis, onRedisDown %s, Redis unreachable', (onRedisDown, status) => {
  let limiter: any;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), `harden-rlf-down-${onRedisDown}-`));
    dirs.push(dir);
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'uses-rlf', dependencies: { express: '^5.1.0', 'rate-limiter-flexible': '^11.4.0' } }));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/limiter.js'), FLEXIBLE_SOURCE);
    expect(transformProject(dir, ['src/limiter.js'], { onRedisDown }).changed).toEqual(['src/limiter.js']);
    process.env.REDIS_URL = await deadRedisUrl();
    try {
      limiter = createRequire(join(dir, 'index.js'))('./src/limiter.js').limiter;
    } finally {
      delete process.env.REDIS_URL;
    }
  });

  it(`answers each of 20 sequential calls, and two concurrent ones, within ${BOUND_MS} ms with ${status}`, async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const answers = [];
      for (let n = 0; n < 20; n += 1) answers.push(await call(limiter, '10.0.0.1'));
      answers.push(...(await Promise.all([call(limiter, '10.0.0.2'), call(limiter, '10.0.0.3')])));
      expect(answers.map((a) => a.status)).toEqual(Array(22).fill(status));
      const latencies = answers.map((a) => Math.round(a.ms));
      console.info(`rate-limiter-flexible, onRedisDown ${onRedisDown}, Redis down, latencies (ms): ${latencies.join(' ')}`);
      expect(Math.max(...latencies)).toBeLessThan(BOUND_MS);
    } finally {
      logged.mockRestore();
    }
  });
});
