/**
 * THE registry: the only list of transforms. `harden list`, `harden explain`, presets, docs and
 * the tests all read it; a meta-test checks it against the folders of transforms/.
 */
import { pathToFileURL } from 'node:url';
import { harden } from '../src/package-root.js';
import type { AnyTransform } from '../src/transform.js';
import consoleToLogger from './console-to-logger/index.js';
import dedupeImports from './dedupe-imports/index.js';
import envSchema from './env-schema/index.js';
import expressAsyncErrors from './express-async-errors/index.js';
import fsSyncToAsync from './fs-sync-to-async/index.js';
import gracefulShutdown from './graceful-shutdown/index.js';
import guardJsonParse from './guard-json-parse/index.js';
import healthEndpoints from './health-endpoints/index.js';
import mongoFilterEq from './mongo-filter-eq/index.js';
import mongooseLean from './mongoose-lean/index.js';
import mongoosePaginate from './mongoose-paginate/index.js';
import mongoosePoolOptions from './mongoose-pool-options/index.js';
import rateLimiterRedis from './rate-limiter-redis/index.js';
import requestContextLogging from './request-context-logging/index.js';
import secretFallbacks from './secret-fallbacks/index.js';
import splitGodService from './split-god-service/index.js';

/** In a sensible default chain order; presets set their own order. */
export const transforms: readonly AnyTransform[] = [
  dedupeImports,
  mongoosePoolOptions,
  mongooseLean,
  mongoosePaginate,
  rateLimiterRedis,
  consoleToLogger,
  fsSyncToAsync,
  expressAsyncErrors,
  guardJsonParse,
  secretFallbacks,
  mongoFilterEq,
  gracefulShutdown,
  requestContextLogging,
  healthEndpoints,
  envSchema,
  splitGodService,
] as AnyTransform[];

export const registry: ReadonlyMap<string, AnyTransform> = new Map(transforms.map((t) => [t.id, t]));

/**
 * This module as built (dist/), for worker threads that rebuild a chain from the registry: the
 * engine imports no transform itself. Workers always run the built code (see src/engine/pool.ts).
 */
export const REGISTRY_MODULE = pathToFileURL(harden('dist', 'transforms', 'index.js')).href;
