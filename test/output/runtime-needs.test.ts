/**
 * "What these changes need to run" is read from the changes: variables the new code reads that its
 * file did not read before (with their written fallback), services of added dependencies, the
 * dependencies themselves.
 */
import { describe, expect, it } from 'vitest';
import type { Changeset, FileChange } from '../../src/changeset/changeset.js';
import { describeRuntimeNeeds, runtimeNeeds } from '../../src/output/runtime-needs.js';

const change = (path: string, before: string | undefined, after: string, kind: FileChange['kind'] = 'source'): FileChange => ({
  path,
  before,
  after,
  sites: [],
  requestedBy: [],
  kind,
});
const changeset = (changes: FileChange[]) => ({ root: '/r', transforms: [], outcomes: [], changes, errors: [] }) as unknown as Changeset;

describe('runtimeNeeds', () => {
  it('lists new environment reads with their fallbacks, services of added dependencies, and the dependencies', () => {
    const needs = runtimeNeeds(
      changeset([
        change('src/db.ts', "connect(process.env.MONGO_URI || 'x', {});\n", "connect(process.env.MONGO_URI || 'x', { maxPoolSize: Number(process.env.MONGO_MAX_POOL_SIZE || 10) });\n"),
        change('src/lib/logger.ts', undefined, "pino({ level: process.env.LOG_LEVEL || 'info' });\nif (process.env['LOG_LEVEL']) x();\n", 'support-file'),
        change('src/lib/redis.ts', undefined, 'new Redis(process.env.REDIS_URL);\n', 'support-file'),
        change('package.json', '{"dependencies":{"express":"^5.0.0"}}', '{"dependencies":{"express":"^5.0.0","ioredis":"^5.9.0","pino":"^10.4.0"}}', 'manifest'),
      ]),
    );
    expect(needs.env).toEqual([
      { name: 'LOG_LEVEL', files: ['src/lib/logger.ts'], default: "'info'" },
      { name: 'MONGO_MAX_POOL_SIZE', files: ['src/db.ts'], default: '10' },
      { name: 'REDIS_URL', files: ['src/lib/redis.ts'] },
    ]);
    expect(needs.services).toEqual([{ service: 'a Redis server', because: 'ioredis' }]);
    expect(needs.dependencies.map((d) => d.name)).toEqual(['ioredis', 'pino']);
    expect(describeRuntimeNeeds(needs)).toEqual([
      'a Redis server (ioredis)',
      "LOG_LEVEL (unset: 'info'; read in src/lib/logger.ts)",
      'MONGO_MAX_POOL_SIZE (unset: 10; read in src/db.ts)',
      'REDIS_URL (no default in the code; read in src/lib/redis.ts)',
      'new dependencies: ioredis@^5.9.0, pino@^10.4.0',
    ]);
  });

  it('lists a secret that requireSecret (secret-fallbacks) now requires in production, although the file read it before', () => {
    const needs = runtimeNeeds(
      changeset([
        change(
          'src/config/index.js',
          "module.exports = { jwtSecret: process.env.JWT_SECRET || 'dev-secret', db: process.env.DB_PASSWORD || 'pw' };\n",
          "const { requireSecret } = require('../lib/require-secret');\nmodule.exports = { jwtSecret: requireSecret('JWT_SECRET', 'dev-secret'), db: requireSecret(\"DB_PASSWORD\", \"pw\") };\n",
        ),
        change('src/other.js', "const s = requireSecret('SESSION_SECRET', 'x');\n", "const s = requireSecret('SESSION_SECRET', 'x');\nconst t = 1;\n"),
      ]),
    );
    expect(needs.env).toEqual([
      { name: 'DB_PASSWORD', files: ['src/config/index.js'], default: '"pw"', production: 'required' },
      { name: 'JWT_SECRET', files: ['src/config/index.js'], default: "'dev-secret'", production: 'required' },
    ]);
    expect(describeRuntimeNeeds(needs)[1]).toBe(
      "JWT_SECRET (required in production: the server stops at start-up without it; elsewhere unset: 'dev-secret'; read in src/config/index.js)",
    );
  });

  it('needs nothing when the changes read nothing new', () => {
    expect(describeRuntimeNeeds(runtimeNeeds(changeset([change('a.js', 'console.log(1);\n', 'logger.info(1);\n')])))).toEqual([]);
  });
});
