/**
 * The in-place-reset fixed window (issue 15), run for real: each variant of the hand-written
 * limiter (CommonJS) and its rewrite (express-rate-limit over the generated Redis store, a real
 * redis-server started here) answer the same request sequence with the same statuses — through the
 * first window, over the limit, and after the window has passed. Fails (never skips) when
 * redis-server is missing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transformProject } from '../support/rate-limit.js';
import { startRedis, type RedisServer } from '../support/redis.js';

const repo = join(import.meta.dirname, '..', '..');
const WINDOW_MS = 1_000;

const limiter = (creation: string, reset: string, count: string) => `const WINDOW_MS = ${WINDOW_MS};
const MAX = 3;
const hits = new Map();

function limited(req, res, next) {
  const key = req.ip;
  const now = Date.now();
${creation}
${reset}
${count}
  if (item.count > MAX) {
    return res.status(429).json({ error: 'Too many requests' });
  }
  next();
}

module.exports = { limited };
`;

const CREATE = `  let item = hits.get(key);
  if (!item) {
    item = { count: 0, reset: now + WINDOW_MS };
    hits.set(key, item);
  }`;

const VARIANTS: Record<string, string> = {
  'count = 0, then ++': limiter(CREATE, '  if (now > item.reset) {\n    item.count = 0;\n    item.reset = now + WINDOW_MS;\n  }', '  item.count++;'),
  'count = 1 with else ++, >=': limiter(
    '  const item = hits.get(key) || { count: 0, reset: now + WINDOW_MS };\n  hits.set(key, item);',
    '  if (now >= item.reset) {\n    item.count = 1;\n    item.reset = now + WINDOW_MS;\n  } else {\n    item.count += 1;\n  }',
    '',
  ),
  'count = 1 with return next(), flipped': limiter(
    CREATE,
    '  if (item.reset < now) {\n    item.count = 1;\n    item.reset = now + WINDOW_MS;\n    return next();\n  }',
    '  item.count++;',
  ),
};

let redis: RedisServer | undefined;
const dirs: string[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await redis?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Serves `/orig` with the original limiter and `/new` with its rewrite; returns a GET helper. */
async function serveBoth(source: string): Promise<(path: string) => Promise<number>> {
  const dir = mkdtempSync(join(tmpdir(), 'harden-in-place-'));
  dirs.push(dir);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: { express: '^5.1.0' } }));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/original.js'), source);
  writeFileSync(join(dir, 'src/limiter.js'), source);
  expect(transformProject(dir, ['src/limiter.js']).changed).toEqual(['src/limiter.js']);
  expect(readFileSync(join(dir, 'src/limiter.js'), 'utf8')).toContain('rateLimit({');
  process.env.REDIS_URL = redis!.url;
  const require = createRequire(join(dir, 'index.js'));
  let app: any;
  try {
    const express = require('express');
    app = express();
    app.get('/orig', require('./src/original.js').limited, (_req: any, res: any) => res.send('ok'));
    app.get('/new', require('./src/limiter.js').limited, (_req: any, res: any) => res.send('ok'));
  } finally {
    delete process.env.REDIS_URL;
  }
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  const { port } = server.address() as { port: number };
  return async (path) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    await response.arrayBuffer();
    return response.status;
  };
}

describe.each(Object.keys(VARIANTS))('in-place reset, %s', (variant) => {
  it('answers the same sequence as the original, across a window boundary', async () => {
    const flush = new Redis(redis!.url);
    await flush.flushall(); // every variant's rewrite uses the same key prefix
    flush.disconnect();
    const get = await serveBoth(VARIANTS[variant]!);
    const run = async (path: string) => {
      const statuses = [];
      for (let n = 0; n < 5; n += 1) statuses.push(await get(path));
      return statuses;
    };
    const [original, rewritten] = await Promise.all([run('/orig'), run('/new')]);
    expect(original).toEqual([200, 200, 200, 429, 429]);
    expect(rewritten).toEqual(original);
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 200));
    const [originalAfter, rewrittenAfter] = await Promise.all([run('/orig'), run('/new')]);
    expect(originalAfter).toEqual([200, 200, 200, 429, 429]);
    expect(rewrittenAfter).toEqual(originalAfter);
  });
});
