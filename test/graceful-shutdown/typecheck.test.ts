/**
 * The generated graceful-shutdown module (TypeScript) and the calls harden writes against it
 * type-check, strict, against the real typings: an Express app's server (http) and an https server,
 * the project's pino or winston logger (or none: console), and registrations of ioredis, BullMQ
 * and Mongoose closes.
 */
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';

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
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
    const program = ts.createProgram([join(dir, 'src', 'server.ts'), join(dir, 'src', 'lib', 'graceful-shutdown.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [join(dir, 'node_modules', '@types')],
      skipLibCheck: true,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.slice(dir.length + 1) ?? ''}:${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(errors).toEqual([]);
  });
});
