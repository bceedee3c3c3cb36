/**
 * GET /readyz is worth mounting only when it pings something: the routes need at least one
 * readiness check registered in the same run. When every client is refused (a client module of
 * another module kind than the app) or left out in review, the app is left alone and says why.
 */
import { describe, expect, it } from 'vitest';
import { selectChangeSets } from '../../src/changeset/change-sets.js';
import { run } from '../../src/changeset/run.js';
import { resolveChain } from '../../src/cli/chain.js';
import { discover } from '../../src/engine/discover.js';
import { registry } from '../../transforms/index.js';
import { tree } from '../support/tmp.js';

const PACKAGE = JSON.stringify({ name: 'svc', private: true, type: 'module', dependencies: { express: '^4.21.2', ioredis: '^5.9.0' } });
const APP = `import express from 'express';
import cache from './cache.CACHE_EXT';

const app = express();
app.get('/n', async (req, res) => res.json(await cache.redis.get('n')));

app.listen(3000);
`;
const CACHE_CJS = `const Redis = require('ioredis');\n\nconst redis = new Redis(process.env.REDIS_URL);\n\nmodule.exports = { redis };\n`;
const CACHE_ESM = `import Redis from 'ioredis';\n\nconst redis = new Redis(process.env.REDIS_URL);\n\nexport default { redis };\n`;

function project(ext: 'cjs' | 'js') {
  const root = tree({ 'package.json': PACKAGE, 'src/index.js': APP.replace('CACHE_EXT', ext), [`src/cache.${ext}`]: ext === 'cjs' ? CACHE_CJS : CACHE_ESM });
  const chain = resolveChain({ transform: 'health-endpoints' }, registry);
  return { root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain };
}
const sitesOf = (changeset: ReturnType<typeof run>, path: string) => changeset.outcomes.find((o) => o.path === path)?.sites ?? [];

describe('health-endpoints: /readyz needs a check', () => {
  it('a client the app can register: the routes and the check', () => {
    const changeset = run(project('js'));
    expect(changeset.changes.find((c) => c.path === 'src/index.js')?.after).toContain("app.get('/readyz'");
    expect(changeset.changes.find((c) => c.path === 'src/cache.js')?.after).toContain("checkReadiness('redis'");
  });

  it('the only client refused (mixed module kinds): no /readyz that pings nothing', () => {
    const changeset = run(project('cjs'));
    expect(changeset.changes).toEqual([]);
    expect(sitesOf(changeset, 'src/cache.cjs')).toMatchObject([{ kind: 'skipped', reason: 'mixed-module-kinds' }]);
    expect(sitesOf(changeset, 'src/index.js')).toMatchObject([{ kind: 'skipped', reason: 'needs-left-out' }]);
  });

  it('every check left out in review: the routes are not mounted either', () => {
    const input = project('js');
    const full = run(input);
    const mount = sitesOf(full, 'src/index.js').find((s) => s.kind === 'changed')!;
    const selected = selectChangeSets(new Set([mount.id]), input);
    expect(selected.changes).toEqual([]);
    expect(sitesOf(selected, 'src/index.js').find((s) => s.id === mount.id)).toMatchObject({ kind: 'skipped', reason: 'needs-left-out' });
  });
});
