/**
 * Case 1 in a project that uses rate-limiter-flexible: the transformed hand-written middleware
 * type-checks against the real express / rate-limiter-flexible / ioredis typings, and, run for
 * real (CommonJS, two separately loaded copies = two instances) against a real redis-server, it
 * holds the limit across both copies with the original 429 body and Retry-After, lets requests
 * through after the window, and fails open (next() plus a logged error) when Redis stops.
 * Fails (does not skip) when redis-server is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveOptions } from '../../src/config/preset.js';
import { Project } from '../../src/engine/project.js';
import { runFile } from '../../src/engine/run-file.js';
import { registry } from '../../transforms/index.js';

const repo = join(import.meta.dirname, '..', '..');
const transform = registry.get('rate-limiter-redis')!;
const PACKAGE = JSON.stringify({ name: 'uses-rlf', dependencies: { express: '^5.1.0', 'rate-limiter-flexible': '^11.4.0' } });

/** A temp project holding `file` = `source`; transformed, outputs and support files written. */
function transformed(file: string, source: string): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'harden-rlf-'));
  writeFileSync(join(dir, 'package.json'), PACKAGE);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), source);
  const result = runFile({
    path: file,
    text: source,
    chain: [{ definition: transform, options: resolveOptions(transform, {}, 'integration test') }],
    project: new Project(dir, [file]),
  });
  if (result.status !== 'changed') throw new Error(`not rewritten: ${JSON.stringify(result)}`);
  writeFileSync(join(dir, file), result.output);
  const files = [file];
  for (const request of result.requests) {
    if (request.kind !== 'file') continue;
    mkdirSync(dirname(join(dir, request.path)), { recursive: true });
    writeFileSync(join(dir, request.path), request.contents);
    files.push(request.path);
  }
  return { dir, files };
}

describe('hand-written limiter -> RateLimiterRedis (TypeScript)', () => {
  it.each(['hand-written-rate-limiter-flexible-project', 'hand-written-rate-limiter-flexible-ip-key-typescript'])('%s type-checks against the real typings (strict)', (name) => {
    const input = readFileSync(join(repo, `fixtures/rate-limiter-redis/${name}.input.ts`), 'utf8');
    const { dir, files } = transformed('src/middleware/rate-limit.ts', input);
    try {
      const program = ts.createProgram(
        files.map((f) => join(dir, f)),
        {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          types: ['node'],
          typeRoots: [join(dir, 'node_modules', '@types')],
          skipLibCheck: true,
          noUnusedLocals: true,
        },
      );
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
      expect(readFileSync(join(dir, files[0]!), 'utf8')).toContain('new RateLimiterRedis(');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const SOURCE = `const WINDOW_MS = 2 * 1000;
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
    res.set('Retry-After', String(Math.ceil((record.resetAt - now) / 1000)));
    return res.status(429).send('Too many requests');
  }
  next();
}

module.exports = { limiter };
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Calls the middleware with a minimal request/response; resolves with what it answered. */
function call(limiter: any, ip: string): Promise<{ status: number; body?: string; retryAfter?: string; error?: unknown }> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    const res = {
      statusCode: 200,
      set(name: string, value: string) {
        headers[name.toLowerCase()] = value;
        return res;
      },
      status(code: number) {
        res.statusCode = code;
        return res;
      },
      send(body: string) {
        resolve({ status: res.statusCode, body, retryAfter: headers['retry-after'] });
        return res;
      },
    };
    limiter({ ip, headers: {} }, res, (error?: unknown) => resolve({ status: error ? 500 : 200, error }));
  });
}

describe('hand-written limiter -> RateLimiterRedis (CommonJS) against a real Redis', () => {
  let dir: string;
  let redis: ChildProcess | undefined;
  const copies: any[] = [];
  const clients: any[] = [];

  beforeAll(async () => {
    if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed: this test needs a real Redis');
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
    ({ dir } = transformed('src/limiter.js', SOURCE));
    for (const copy of [0, 1]) {
      const require = createRequire(join(dir, `copy-${copy}.js`));
      for (const key of Object.keys(require.cache)) if (key.startsWith(dir)) delete require.cache[key];
      copies.push(require('./src/limiter.js').limiter);
      clients.push(require('./src/lib/rate-limit-redis.js').rateLimitRedis);
    }
    for (let n = 0; n < 50 && (await clients[0].ping().catch(() => '')) !== 'PONG'; n += 1) await new Promise((r) => setTimeout(r, 100));
  });

  afterAll(() => {
    for (const client of clients) client.disconnect();
    redis?.kill('SIGTERM');
    delete process.env.REDIS_URL;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the limit across two instances, with the original 429 body and Retry-After', async () => {
    for (let n = 0; n < 3; n += 1) expect((await call(copies[n % 2], '10.0.0.1')).status, `request ${n + 1}`).toBe(200);
    for (const copy of copies) {
      const answer = await call(copy, '10.0.0.1');
      expect(answer).toMatchObject({ status: 429, body: 'Too many requests' });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(2);
    }
    expect((await call(copies[0], '10.0.0.2')).status).toBe(200); // another key has its own count
  });

  it('lets requests through again after the window', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await call(copies[1], '10.0.0.1')).status).toBe(200);
  });

  it('fails open when Redis stops: next() promptly, the error logged', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await new Promise<void>((resolve) => {
        redis!.once('exit', () => resolve());
        redis!.kill('SIGTERM');
      });
      const started = Date.now();
      for (let n = 0; n < 4; n += 1) expect((await call(copies[n % 2], '10.0.0.1')).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(logged.mock.calls.map((args) => String(args[0])).join('\n')).toContain('Redis unavailable, request allowed');
    } finally {
      logged.mockRestore();
    }
  });
});
