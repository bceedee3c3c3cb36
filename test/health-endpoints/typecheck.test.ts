/**
 * The generated health module (TypeScript) and the calls harden writes against it type-check,
 * strict, against the real typings: the routes on an Express app and on a router, and readiness
 * checks of an ioredis client, a cluster, the Mongoose default connection and a second connection.
 * (@prisma/client is not installed here: its generated client has no fixed typings to check against.)
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';
import { typeErrorsWithTypings } from '../support/typecheck.js';

const repo = join(import.meta.dirname, '..', '..');

const APP = `import express, { Router } from 'express';
import mongoose from 'mongoose';
import { Cluster, Redis } from 'ioredis';
import { checkReadiness, healthz, pingMongoose, readyz } from './lib/health.js';

const redis = new Redis();
const cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }]);
const analytics = mongoose.createConnection('mongodb://127.0.0.1/analytics');
checkReadiness('redis', () => redis.ping());
checkReadiness('cluster', () => cluster.ping());
checkReadiness('mongoose', () => pingMongoose(mongoose.connection));
checkReadiness('analytics', () => pingMongoose(analytics));

export const app = express();
app.get('/healthz', healthz);
app.get('/readyz', readyz);

const router = Router();
router.get('/readyz', readyz);
app.use('/api', router);
`;

describe('the generated health module (TypeScript)', () => {
  it('type-checks with Express routes and ioredis and Mongoose checks', () => {
    const dir = tree({ 'package.json': JSON.stringify({ name: 't', private: true, type: 'module' }), 'src/app.ts': APP });
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    cpSync(join(repo, 'transforms', 'health-endpoints', 'templates', 'health.ts'), join(dir, 'src', 'lib', 'health.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
    expect(typeErrorsWithTypings(dir, ['src/app.ts', 'src/lib/health.ts'])).toEqual([]);
  });
});
