/**
 * Support files go through the chain before they are written, so a preset run on its own output
 * changes nothing: rate-limiter-redis's Redis module logs connection errors with console.error,
 * and console-to-logger, later in the same chain, must have turned that into a logger call on the
 * first run (seen on the edgeai and monitor sample apps: the second run rewrote it). A package
 * also gets one generated logger, even when a file outside `src/` (a root server.js) logs too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import type { Changeset } from '../../src/changeset/changeset.js';
import type { SiteFilter } from '../../src/engine/sites.js';
import { registry } from '../../transforms/index.js';
import { chainOf } from '../support/transforms.js';
import { tree } from '../support/tmp.js';

const chain = chainOf(registry.get('rate-limiter-redis')!, registry.get('console-to-logger')!);
const limiter = readFileSync(
  join(import.meta.dirname, '..', '..', 'fixtures', 'rate-limiter-redis', 'hand-written-seed-000-factory-with-options.input.ts'),
  'utf8',
);

function runOn(root: string, filter?: SiteFilter): Changeset {
  return run({ root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain, ...(filter ? { filter } : {}) });
}

/** The files of `files` with the changeset applied. */
function applied(files: Record<string, string>, changeset: Changeset): Record<string, string> {
  const out = { ...files };
  for (const change of changeset.changes) out[change.path] = change.after;
  return out;
}

describe('support files through the chain', () => {
  const files = {
    'package.json': `${JSON.stringify({ name: 'app', dependencies: { express: '^5.0.0' } }, null, 2)}\n`,
    'tsconfig.json': '{}\n',
    'server.ts': "import { apiRateLimiter } from './src/middleware/rate-limiting';\n\nconsole.log('listening', apiRateLimiter);\n",
    'src/middleware/rate-limiting.ts': limiter,
  };

  it("a later transform's rewrite of an earlier transform's template happens on the first run", () => {
    const first = runOn(tree(files));
    expect(first.errors).toEqual([]);
    expect(first.changes.map((c) => [c.path, c.kind])).toEqual([
      ['package.json', 'manifest'],
      ['server.ts', 'source'],
      ['src/lib/logger.ts', 'support-file'],
      ['src/lib/rate-limit-redis.ts', 'support-file'],
      ['src/lib/rate-limit-store.ts', 'support-file'],
      ['src/middleware/rate-limiting.ts', 'source'],
    ]);
    const redis = first.changes.find((c) => c.path === 'src/lib/rate-limit-redis.ts')!.after;
    expect(redis).not.toContain('console.');
    expect(redis).toContain("import { logger } from './logger';");
    expect(redis).toContain("logger.error({ message: error.message }, 'rate limiting: Redis connection error');");
    // the root file imports the package's one logger, under src/
    expect(first.changes.find((c) => c.path === 'server.ts')!.after).toContain("from './src/lib/logger'");
    // the support file's own sites are harden's code, not the user's: not reported
    expect(first.outcomes.flatMap((o) => o.sites).map((s) => s.file)).not.toContain('src/lib/rate-limit-redis.ts');

    const second = runOn(tree(applied(files, first)));
    expect(second.errors).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(second.outcomes.flatMap((o) => o.sites).filter((s) => s.kind === 'changed')).toEqual([]);
  });

  it('in a reviewed run, only the transforms the user kept somewhere edit support files', () => {
    const root = tree(files);
    const limiterOnly = runOn(root, (site) => site.transform === 'rate-limiter-redis');
    expect(limiterOnly.errors).toEqual([]);
    expect(limiterOnly.changes.map((c) => c.path)).not.toContain('src/lib/logger.ts');
    expect(limiterOnly.changes.find((c) => c.path === 'src/lib/rate-limit-redis.ts')!.after).toContain('console.error(');

    const everything = runOn(root, () => true);
    expect(everything.changes.map((c) => c.path)).toContain('src/lib/logger.ts');
    expect(everything.changes.find((c) => c.path === 'src/lib/rate-limit-redis.ts')!.after).not.toContain('console.');
  });
});
