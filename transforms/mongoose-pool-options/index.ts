import { z } from 'zod';
import { compilerOption } from '../../src/ast/module-resolve.js';
import { namesMongoose } from '../../src/ast/mongoose/schema.js';
import { defineTransform } from '../../src/transform.js';
import { findCandidates } from './candidates.js';
import { planMerge, type PoolSetting } from './merge.js';
import { optionGeneration, SUPPORTED_FROM } from './version.js';

const setting = (env: string, value: number) =>
  z
    .object({
      env: z.string().min(1).nullable().describe('Environment variable read first; null writes the number alone.'),
      default: z.number().int().nonnegative(),
    })
    .default({ env, default: value });

export default defineTransform({
  id: 'mongoose-pool-options',
  title: 'Configure the MongoDB connection pool and timeouts',
  description:
    'Adds maxPoolSize, minPoolSize, maxIdleTimeMS, serverSelectionTimeoutMS, socketTimeoutMS and connectTimeoutMS ' +
    '(read from environment variables with defaults) to mongoose.connect, mongoose.createConnection and new MongoClient, ' +
    'keeping every value already set, and renames or removes options that Mongoose 6 made obsolete.',
  seed: [
    { review: '000', finding: 'Missing Connection Pool Configuration' },
    { review: '002', finding: 'No connection pooling configuration' },
  ],
  skipReasons: {
    'options-from-parameter':
      'the options object is a function parameter, so its keys are decided by the callers; add the pool options where it is built',
    'options-imported': 'the options object is imported from another module; add the pool options where it is defined',
    'options-unknown-spread':
      'the options object spreads another object or uses computed keys, so harden cannot tell which keys it sets; set the pool options by hand',
    'options-not-literal':
      'the options are built by an expression harden cannot read (a call, a condition, a property of another object); set the pool options where they are built',
    'options-mutated': 'the options variable is reassigned or has properties assigned later; merging into its literal could be overridden',
    'client-per-request':
      'the client is created per call (inside a request handler, or closed in the same function); pool settings there would keep idle connections per request. Create one client at startup and reuse it',
    'pool-in-connection-string': 'the connection string already sets pool options; adding them to the options object would override it',
    'version-unsupported':
      'the package pins Mongoose 4 / MongoDB driver 2, which read pool and timeout settings only inside `server`/`replset` sub-objects and ignore them at the top level; upgrade, or set them there by hand',
    'version-ambiguous':
      'the package.json range spans versions before and after Mongoose 6 / MongoDB driver 4, whose option names differ; pin the major and run again',
  },
  needs: ['connect(', 'createConnection(', 'MongoClient('],
  // a candidate's callee is bound to an import or require of 'mongoose', or names MongoClient
  prefilter: (source) => namesMongoose(source) || source.includes('MongoClient'),
  scope: 'file',
  standAloneSites: true,
  options: z.object({
    maxPoolSize: setting('MONGO_MAX_POOL_SIZE', 10),
    minPoolSize: setting('MONGO_MIN_POOL_SIZE', 2),
    maxIdleTimeMS: setting('MONGO_MAX_IDLE_TIME_MS', 30000),
    serverSelectionTimeoutMS: setting('MONGO_SERVER_SELECTION_TIMEOUT_MS', 30000),
    socketTimeoutMS: setting('MONGO_SOCKET_TIMEOUT_MS', 45000),
    connectTimeoutMS: setting('MONGO_CONNECT_TIMEOUT_MS', 10000),
  }),
  apply({ j, root, file, options, sites, project }) {
    const merged = new Set<any>();
    for (const candidate of findCandidates(j, root)) {
      if (candidate.refusal) {
        sites.skipped(candidate.call, candidate.refusal.reason, candidate.refusal.detail);
        continue;
      }
      const pkg = candidate.kind === 'mongodb' ? 'mongodb' : 'mongoose';
      const generation = optionGeneration(file.package?.dependencyRange(pkg), pkg === 'mongodb' ? 4 : 6, SUPPORTED_FROM[pkg]);
      if (generation === 'unsupported') {
        sites.skipped(candidate.call, 'version-unsupported', `${pkg} ${file.package?.dependencyRange(pkg)}`);
        continue;
      }
      if (generation === 'ambiguous') {
        sites.skipped(candidate.call, 'version-ambiguous', `${pkg} ${file.package?.dependencyRange(pkg)}`);
        continue;
      }
      const target = candidate.target;
      if (target.kind === 'object' && merged.has(target.object)) continue;
      const settings = options as Record<string, PoolSetting>;
      const plan = planMerge(j, target.kind === 'object' ? target.object : undefined, generation, settings, file.language !== 'js' && compilerOption(project, file.path, 'noPropertyAccessFromIndexSignature') === true);
      if (!plan) continue;
      const where = target.kind === 'object' && target.variable ? `in \`${target.variable}\`: ` : '';
      if (!sites.changed(candidate.call, `${where}${plan.summary}`)) continue;
      if (target.kind === 'object') merged.add(target.object);
      plan.apply(candidate.call, target.kind === 'missing' ? target.insertAt : undefined);
    }
  },
});
