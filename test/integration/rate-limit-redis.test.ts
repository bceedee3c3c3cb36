/**
 * rate-limiter-redis against the real thing: a real redis-server (Debian's `redis-server`,
 * installed by .ci/run), the transformed app of test/integration/rate-limit-app/ (seed 000's
 * middleware in CommonJS) running as TWO instances, and the transformed TypeScript middleware of
 * seed 000 type-checked against the real express / express-rate-limit / rate-limit-redis / ioredis
 * typings. Fails (does not skip) when redis-server is missing.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { transformProject } from '../support/rate-limit.js';
import { freePort, start, startRedis, stop, waitForOutput, type RedisServer } from '../support/redis.js';

const repo = join(import.meta.dirname, '..', '..');

describe('rate-limiter-redis against a real Redis and two app instances', () => {
  let dir: string;
  let redis: RedisServer | undefined;
  const apps: Array<ReturnType<typeof start>> = [];
  const ports: number[] = [];
  let transformed: ReturnType<typeof transformProject>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harden-rate-limit-'));
    cpSync(join(repo, 'test', 'integration', 'rate-limit-app'), dir, { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    transformed = transformProject(dir, ['src/middleware/rate-limiting.js', 'src/app.js', 'src/server.js']);

    redis = await startRedis();
    for (const instance of ['a', 'b']) {
      const port = await freePort();
      const app = start('node', ['src/server.js'], { PORT: String(port), REDIS_URL: redis.url, INSTANCE: instance }, dir);
      apps.push(app);
      ports.push(port);
      await waitForOutput(app.child, 'listening on', 10_000, app.log);
    }
  });

  afterAll(async () => {
    for (const app of apps) await stop(app.child);
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const get = (instance: number, path: string) => fetch(`http://127.0.0.1:${ports[instance]}${path}`);

  it('rewrites the in-memory limiter and requests the client module, the store module and the dependencies', () => {
    expect(transformed.changed).toEqual(['src/middleware/rate-limiting.js']);
    expect(transformed.support.sort()).toEqual(['src/lib/rate-limit-redis.js', 'src/lib/rate-limit-store.js']);
    expect(transformed.dependencies).toEqual(['express-rate-limit@^8.7.5', 'ioredis@^5.9.0', 'rate-limit-redis@^6.0.1']);
    const middleware = readFileSync(join(dir, 'src/middleware/rate-limiting.js'), 'utf8');
    expect(middleware).not.toContain('new Map');
    expect(middleware).not.toContain('setInterval');
  });

  it('holds the limit across both instances: request limit+1 gets 429 whichever instance serves it', async () => {
    for (let n = 0; n < 5; n += 1) {
      const response = await get(n % 2, '/api/ping');
      expect(response.status, `request ${n + 1}`).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBe('5');
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(4 - n));
    }
    for (const instance of [0, 1]) {
      const response = await get(instance, '/api/ping');
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const body = (await response.json()) as { retryAfter: number };
      expect(body).toMatchObject({ success: false, error: 'Too many requests, please try again later.' });
      expect(body.retryAfter).toBeGreaterThanOrEqual(1);
    }
  });

  it('lets requests through again once the window (the extracted 1.5 s constant) has passed', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    expect((await get(1, '/api/ping')).status).toBe(200);
    expect((await get(0, '/api/ping')).status).toBe(200);
  });

  it('lets no request over the limit through under a bounded concurrent load on both instances', async () => {
    const total = 2_000;
    const clients = 50;
    let next = 0;
    const counts = { ok: 0, limited: 0, other: 0 };
    const started = Date.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        while (next < total) {
          next += 1;
          const response = await get(client % 2, '/load/ping');
          await response.arrayBuffer();
          if (response.status === 200) counts.ok += 1;
          else if (response.status === 429) counts.limited += 1;
          else counts.other += 1;
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(55); // inside the 60 s window, so one window's limit applies
    expect(counts).toEqual({ ok: 50, limited: total - 50, other: 0 });
  });

  it('fails open when Redis stops: requests pass promptly and the error is logged', async () => {
    await redis?.stop();
    const started = Date.now();
    for (let n = 0; n < 8; n += 1) expect((await get(n % 2, '/api/ping')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    const logs = () => apps.map((app) => app.log.join('')).join('');
    expect(logs()).toContain('error from store, allowing request without rate-limiting');
    // The client logs its failed reconnection attempts (the first one 100 ms after the loss).
    await vi.waitFor(() => expect(logs()).toContain('rate limiting: Redis connection error'), { timeout: 3_000 });
  });
});

describe('the transformed TypeScript middleware of seed 000', () => {
  it('type-checks against the real typings (strict)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'harden-rate-limit-ts-'));
    try {
      mkdirSync(join(dir, 'src', 'middleware'), { recursive: true });
      cpSync(join(repo, 'fixtures', 'apps', 'edgeai', 'src', 'middleware', 'rate-limiting.ts'), join(dir, 'src/middleware/rate-limiting.ts'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ts-app', dependencies: { express: '^5.1.0' } }));
      symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const result = transformProject(dir, ['src/middleware/rate-limiting.ts']);
      expect(result.changed).toEqual(['src/middleware/rate-limiting.ts']);
      const files = ['src/middleware/rate-limiting.ts', ...result.support].map((file) => join(dir, file));
      const program = ts.createProgram(files, {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        typeRoots: [join(dir, 'node_modules', '@types')],
        esModuleInterop: true,
        skipLibCheck: true,
        noUnusedLocals: true,
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + ` (${d.file?.fileName.slice(dir.length)})`);
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
