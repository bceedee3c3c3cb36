/**
 * Issue 21's acceptance on the sample backend of review 000 (fixtures/apps/edgeai: Express 5 +
 * TypeScript + Mongoose + BullMQ on a shared ioredis connection): after `harden apply --preset
 * node-ops`, the app is compiled with its own tsc and started against a real Redis; a request whose
 * upload is still arriving when SIGTERM comes gets its answer, the BullMQ worker and the Redis
 * connection close, and the process exits 0.
 *
 * No MongoDB runs here: a preload replaces `mongoose.connect` with a no-op (everything else — the
 * server, the worker, the queue, Redis — is real). `mongoose.disconnect()` on shutdown then has no
 * connection to close.
 */
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { harden } from '../support/cli.js';
import { freePort, startRedis, type RedisServer } from '../support/redis.js';
import { appRepo } from '../apps/support.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const PRELOAD = `// test only: no MongoDB on this machine
const mongoose = require('mongoose');
mongoose.connect = async function connect() { return mongoose; };
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('edgeai after node-ops: SIGTERM during an upload lets the request finish, closes the worker and Redis, exits 0', async () => {
  const { root } = appRepo('edgeai');
  const run = harden(['apply', '--preset', 'node-ops', '--no-install', '.'], root);
  expect(run.status, run.stderr).toBe(0);
  expect(readFileSync(join(root, 'src/server.ts'), 'utf8')).toContain('shutdownGracefully(server);');
  expect(readFileSync(join(root, 'src/workers/video.worker.ts'), 'utf8')).toContain("drainOnShutdown('videoWorker', () => videoWorker.close());");

  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit', 'false', '--outDir', 'dist'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stdout + build.stderr).toBe(0);
  writeFileSync(join(root, 'preload.cjs'), PRELOAD);

  const port = await freePort();
  const child = spawn(process.execPath, ['-r', './preload.cjs', 'dist/src/server.js'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, MONGODB_URI: 'mongodb://127.0.0.1:1/unused' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (let i = 0; i < 100 && !output.includes('Server running'); i += 1) await sleep(50);
    expect(output).toContain(`Server running on port ${port}`);

    // an upload in flight: headers and half the body now, the rest after SIGTERM
    const body = JSON.stringify({ title: 'a video that is still uploading' });
    const answer = new Promise<{ status: number; body: string } | string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/upload', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.write(body.slice(0, 10));
      setTimeout(() => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    // Express answers the finished upload (no such route: the app's own 404 handler)
    expect(await answer).toEqual({ status: 404, body: JSON.stringify({ success: false, error: 'Route not found' }) });
    expect(await exited, output).toBe(0);
    expect(output).toContain('SIGTERM received');
    expect(output).toContain('shutdown complete');
  } finally {
    child.kill('SIGKILL');
  }
});
