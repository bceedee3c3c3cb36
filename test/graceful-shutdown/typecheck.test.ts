/**
 * The generated graceful-shutdown module (TypeScript) and the calls harden writes against it
 * type-check, strict, against the real typings: an Express app's server (http) and an https server,
 * the project's pino or winston logger (or none: console), and registrations of ioredis, BullMQ
 * and Mongoose closes.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';
import { typeErrorsWithTypings } from '../support/typecheck.js';

const repo = join(import.meta.dirname, '..', '..');

const SERVER = `import { createServer } from 'node:https';
import express from 'express';
import mongoose from 'mongoose';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { pino } from 'pino';
import winston from 'winston';
import { closeOnShutdown, drainOnShutdown, shutdownGracefully } from './lib/graceful-shutdown.js';

const app = express();
const redis = new Redis();
const queue = new Queue('q', { connection: redis });
const worker = new Worker('q', async () => undefined, { connection: redis });
closeOnShutdown('redis', () => redis.quit());
closeOnShutdown('queue', () => queue.close());
drainOnShutdown('worker', () => worker.close());
closeOnShutdown('mongoose', () => mongoose.disconnect());

const server = app.listen(3000, () => undefined);
shutdownGracefully(server, pino());
shutdownGracefully(createServer(app).listen(3443), winston.createLogger({}));
shutdownGracefully(server);
`;

describe('the generated graceful-shutdown module (TypeScript)', () => {
  it('type-checks with servers, loggers and registrations', () => {
    const dir = tree({ 'package.json': JSON.stringify({ name: 't', private: true, type: 'module' }), 'src/server.ts': SERVER });
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    cpSync(join(repo, 'transforms', 'graceful-shutdown', 'templates', 'graceful-shutdown.ts'), join(dir, 'src', 'lib', 'graceful-shutdown.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
    const errors = typeErrorsWithTypings(dir, ['src/server.ts', 'src/lib/graceful-shutdown.ts']);
    expect(errors).toEqual([]);
  });
});
