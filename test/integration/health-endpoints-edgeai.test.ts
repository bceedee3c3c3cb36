/**
 * Issue 21's acceptance on the sample backend of review 000 (fixtures/apps/edgeai: Express 5 +
 * TypeScript + Mongoose + BullMQ on a shared ioredis connection): after `harden apply --preset
 * node-ops`, the app is compiled with its own tsc and started while its Redis is stopped: /readyz
 * answers 503 naming the Redis connection, within the readiness timeout; once a real redis-server
 * starts on that port, /readyz answers 200. The app's own liveness route (/health) stays.
 *
 * No MongoDB runs here: a preload replaces `mongoose.connect` with a no-op and makes the default
 * connection answer a ping as an open one would (everything else — the server, the worker, the
 * queue, Redis — is real).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { harden } from '../support/cli.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';
import { appRepo } from '../apps/support.js';

let redis: RedisServer | undefined;
afterAll(async () => {
  await redis?.stop();
});

const PRELOAD = `// test only: no MongoDB on this machine
const mongoose = require('mongoose');
mongoose.connect = async function connect() { return mongoose; };
Object.defineProperty(mongoose.connection, 'readyState', { get: () => 1 });
const db = { collection: () => ({}), admin: () => ({ ping: async () => ({ ok: 1 }) }) };
Object.defineProperty(mongoose.connection, 'db', { get: () => db });
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function get(port: number, path: string): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text(), ms: Date.now() - started };
}

it('edgeai after node-ops: /readyz answers 503 while Redis is stopped and 200 once it runs', async () => {
  const { root } = appRepo('edgeai');
  const run = harden(['apply', '--preset', 'node-ops', '--no-install', '.'], root);
  expect(run.status, run.stderr).toBe(0);
  const app = readFileSync(join(root, 'src/app.ts'), 'utf8');
  expect(app).toContain("app.get('/readyz', readyz);");
  expect(app).not.toContain('/healthz');
  expect(readFileSync(join(root, 'src/config/redis.ts'), 'utf8')).toContain("checkReadiness('redisConnection', () => redisConnection.ping());");

  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', 'dist'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  writeFileSync(join(root, 'preload.cjs'), PRELOAD);

  const redisPort = await freePort();
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', './preload.cjs', 'dist/src/server.js'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}`, MONGODB_URI: 'mongodb://127.0.0.1:1/unused' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    for (let i = 0; i < 100 && !output.includes('Server running'); i += 1) await sleep(50);
    expect(output).toContain(`Server running on port ${port}`);

    // Redis stopped: 503 naming the connection, within the timeout (1 s) and some slack
    const down = await get(port, '/readyz');
    expect(down.status, output).toBe(503);
    expect(JSON.parse(down.body)).toEqual({ status: 'unavailable', failing: ['redisConnection'] });
    expect(down.ms).toBeLessThan(3000);
    // the app's own liveness route answers all along
    expect((await get(port, '/health')).status).toBe(200);

    // Redis starts on that port: ioredis reconnects, /readyz answers 200
    redis = await startRedis(redisPort);
    let up = await get(port, '/readyz');
    for (let i = 0; i < 40 && up.status !== 200; i += 1) {
      await sleep(250);
      up = await get(port, '/readyz');
    }
    expect(up.status, output).toBe(200);
    expect(JSON.parse(up.body)).toEqual({ status: 'ok' });
  } finally {
    child.kill('SIGKILL');
  }
});
