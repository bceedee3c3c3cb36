/**
 * A handler's `logger.info` -> `req.log.info` works only where pino-http is mounted: without the
 * mount `req.log` is undefined and the handler throws. So the handler rewrites need the mount made
 * in the same run: rejected in review, refused by --verify, an ignore comment or the baseline, the
 * handlers keep the module logger and say why. And a handler's change set shows the mount it needs.
 */
import { describe, expect, it } from 'vitest';
import { computeChangeSets, selectChangeSets } from '../../src/changeset/change-sets.js';
import { run } from '../../src/changeset/run.js';
import { resolveChain } from '../../src/cli/chain.js';
import { discover } from '../../src/engine/discover.js';
import { buildJsonReport, jsonReportSchema } from '../../src/output/json.js';
import { registry } from '../../transforms/index.js';
import { tree } from '../support/tmp.js';

const APP = `'use strict';
const express = require('express');
const logger = require('./lib/logger');
const orders = require('./routes/orders');

const app = express();
app.use('/orders', orders);

module.exports = app;
`;
const ROUTES = `'use strict';
const express = require('express');
const logger = require('../lib/logger');

const router = express.Router();

router.get('/:id', (req, res) => {
  logger.info({ id: req.params.id }, 'loading order');
  res.json({ id: req.params.id });
});

module.exports = router;
`;
const LOGGER = `const pino = require('pino');\n\nmodule.exports = pino();\n`;
const PACKAGE = JSON.stringify({ name: 'orders', private: true, dependencies: { express: '^4.21.2', pino: '^9.6.0' } });

function project(app = APP, extra: Record<string, string> = {}) {
  const root = tree({ 'package.json': PACKAGE, 'src/app.js': app, 'src/routes/orders.js': ROUTES, 'src/lib/logger.js': LOGGER, ...extra });
  const chain = resolveChain({ transform: 'request-context-logging' }, registry);
  return { root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain };
}

const after = (changeset: ReturnType<typeof run>, path: string) => changeset.changes.find((c) => c.path === path)?.after;
const sitesOf = (changeset: ReturnType<typeof run>, path: string) => changeset.outcomes.find((o) => o.path === path)?.sites ?? [];

describe('request-context-logging: handler rewrites need the mount', () => {
  it('a plain run mounts pino-http and rewrites the handler', () => {
    const input = project();
    const changeset = run(input);
    expect(after(changeset, 'src/app.js')).toContain('requestLogger(logger)');
    expect(after(changeset, 'src/routes/orders.js')).toContain('req.log.info(');
  });

  it('the mount rejected in review: the handler keeps the module logger, reported with the reason', () => {
    const input = project();
    const full = run(input);
    const handler = sitesOf(full, 'src/routes/orders.js').find((s) => s.kind === 'changed')!;
    const selected = selectChangeSets(new Set([handler.id]), input);
    expect(selected.changes.find((c) => c.path === 'src/routes/orders.js')).toBeUndefined();
    expect(selected.changes).toEqual([]);
    const refused = sitesOf(selected, 'src/routes/orders.js').find((s) => s.id === handler.id);
    expect(refused).toMatchObject({ kind: 'skipped', reason: 'needs-left-out' });
    expect(refused!.reasonText).toMatch(/only works together with another change/);
    expect(refused!.detail).toMatch(/pino-http mounted on the app/);
  });

  it('the mount refused by an ignore comment: no handler is rewritten', () => {
    const input = project(APP.replace('const app = express();', '// harden-ignore-next-line request-context-logging -- we mount our own\nconst app = express();'));
    const changeset = run(input);
    expect(after(changeset, 'src/routes/orders.js')).toBeUndefined();
    expect(sitesOf(changeset, 'src/routes/orders.js')).toEqual([expect.objectContaining({ kind: 'skipped', reason: 'needs-left-out' })]);
  });

  it("a handler's change set holds the mount it needs", () => {
    const input = project();
    const changeset = run(input);
    const sets = computeChangeSets(changeset, input);
    const handlerSet = sets.find((set) => set.site.file === 'src/routes/orders.js')!;
    expect(handlerSet.changes.map((c) => c.path)).toEqual(expect.arrayContaining(['src/app.js', 'src/routes/orders.js']));
    expect(handlerSet.changes.find((c) => c.path === 'src/routes/orders.js')!.after).toContain('req.log.info(');
  });

  it('the JSON report carries the link and validates against its schema (harden suggestions reads it back)', () => {
    const changeset = run(project());
    const report = jsonReportSchema.parse(JSON.parse(JSON.stringify(buildJsonReport(changeset, { mode: 'check', version: '0.1.0', titles: new Map() }))));
    const mount = report.sites.find((s) => s.file === 'src/app.js' && s.kind === 'changed')!;
    const handler = report.sites.find((s) => s.file === 'src/routes/orders.js' && s.kind === 'changed')!;
    expect(mount.provides).toMatch(/pino-http mounted/);
    expect(handler.needs).toBe(mount.provides);
  });

  it("a project's own request-logger module is not harden's: pino-http is still mounted before handlers use req.log", () => {
    const own = "const morgan = require('morgan');\n\nexports.requestLogger = () => morgan('tiny');\n";
    const app = APP.replace("const orders = require('./routes/orders');", "const orders = require('./routes/orders');\nconst { requestLogger } = require('./middleware/request-logger');").replace("app.use('/orders', orders);", "app.use(requestLogger());\napp.use('/orders', orders);");
    const changeset = run(project(app, { 'src/middleware/request-logger.js': own }));
    expect(after(changeset, 'src/routes/orders.js')).toContain('req.log.info(');
    expect(after(changeset, 'src/app.js')).toMatch(/require\('\.\/lib\/request-logger'\)/);
  });
});
