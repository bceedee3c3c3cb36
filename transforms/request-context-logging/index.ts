import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { expressApps } from '../../src/ast/express-app.js';
import { usesSemicolons } from '../../src/ast/imports.js';
import { importSupportExport, supportSpecifier, supportTemplates, type Flavour } from '../../src/ast/support-module.js';
import { harden } from '../../src/package-root.js';
import { defineTransform } from '../../src/transform.js';
import { importLogger } from '../console-to-logger/logger-import.js';
import { loggerCallsInHandlers } from './handlers.js';
import { morganMounts, removeMorgan } from './morgan.js';
import { MODULE_STEM, mountPoint } from './mount.js';
import { planFor } from './plan.js';

const SUPPORT = supportTemplates((name) => readFileSync(harden('transforms', 'request-context-logging', 'templates', name), 'utf8'), MODULE_STEM);
const TEMPLATES = SUPPORT.templates;

const SKIP_REASONS = {
  'already-has-pino-http':
    'the package already depends on pino-http (or express-pino-logger): requests are logged, and `req.log` is there where it is mounted; give it `genReqId` and `redact` there rather than mounting a second one',
  'express-winston':
    'the package logs requests with express-winston; harden mounts pino-http only on a pino logger and does not stack a second request logger on the first; add a request id to express-winston\'s `dynamicMeta` by hand',
  'no-project-logger':
    'the package has no pino logger module harden can read (a module that creates `pino(...)` and exports it); run the console-to-logger transform first (it generates one at lib/logger), then this one',
  'winston-logger':
    'the project\'s logger is winston: pino-http needs a pino logger, and winston\'s request logger (express-winston) is another package with other options; switch the logger to pino, or add express-winston with a request id by hand',
  'pino-too-old': 'the package declares pino 7 or older; the pino-http versions that take `quietReqLogger` and a child `redact` need pino 8.17 or later; upgrade pino and run again',
  'app-not-found': 'no `express()` app is created in the package\'s server code, so there is nowhere to mount the request logger that gives handlers `req.log`',
  'several-apps': 'the package creates several Express apps (each place listed); harden cannot tell which serves which handler, so it mounts no request logger; mount it on each app by hand',
  'app-not-named': 'the app is not held in a variable (`module.exports = express()`, an argument); keep it in `const app = express()` and run harden again',
  'logger-in-app-file': 'the file that creates the app also creates the logger; importing the logger into its own module is a cycle; move the logger to its own module (lib/logger) and run again',
  'logger-declared-after-app': 'the logger is required below `const app = express()`; the request logger must be mounted before any route, where the logger is not yet initialised; move its require above the app',
  'module-path-taken': 'a file that is not harden\'s request-logger module already exists where it would be generated; move that file, or mount pino-http by hand',
  'morgan-kept':
    'morgan stays: it still writes its own access line per request, beside pino-http\'s record; set the option `replaceMorgan: true` to remove `app.use(morgan(...))` (only where it is mounted unconditionally beside the app)',
  'request-not-provable': 'harden cannot prove that `req` here is the Express request of a registered handler (so that pino-http gave it `req.log`); the call keeps the module logger',
} as const;

type Reason = keyof typeof SKIP_REASONS;

export default defineTransform({
  id: 'request-context-logging',
  title: 'Give every request an id in its logs, with pino-http on the project\'s logger',
  description:
    'A generated `requestLogger(logger)` (pino-http on the project\'s pino logger) is mounted right after `const app = express()`: each request gets an id (an incoming `X-Request-Id` when it is a short token, else a UUID) echoed in the response\'s `X-Request-Id` header, ' +
    'one record per response, and the Authorization and Cookie headers redacted. Inside registered Express handlers, `logger.info(...)` of the project\'s logger becomes `req.log.info(...)`, so the handler\'s lines carry the request id.',
  seed: [
    { review: '002', finding: 'Implement **structured logging** with correlation IDs' },
    { review: '001', finding: 'Request correlation IDs' },
    { review: '000', finding: 'Monitoring & Observability' },
  ],
  skipReasons: SKIP_REASONS,
  needs: ['express', '.info(', '.error(', '.warn(', '.debug(', '.trace(', '.fatal('],
  scope: 'file',
  options: z.object({
    replaceMorgan: z
      .boolean()
      .default(false)
      .describe('Remove `app.use(morgan(...))` next to the app (pino-http logs each request already). Off by default: morgan stays and is reported.'),
  }),
  apply({ j, root, file, options, sites, request, project }) {
    if (file.role !== 'source') return;
    const plan = planFor(project, file.package, SUPPORT.isGenerated, { path: file.path, root });
    const logger = plan.logger;
    const end = usesSemicolons(file.source) ? ';' : '';
    let module: { relative: string; target: string } | undefined;
    let flavour: Flavour | undefined;
    // a handler's req.log exists only where this run mounts pino-http (or a run before did): the
    // handler edits need the mount, so a mount left out (review, --verify, ignore comment) leaves them out too
    const mounted = `pino-http mounted on the app of the package at '${file.package?.dir || '.'}'`;

    // the app: the request logger is mounted right after it is created
    for (const app of plan.installed ? [] : expressApps(j, root)) {
      const point = plan.refusal ? plan.refusal : mountPoint(j, root, app, file, project, logger!, SUPPORT.isGenerated);
      if ('reason' in point || 'refusal' in point) {
        sites.skipped(app.call.node, 'reason' in point ? point.reason : point.refusal, point.detail);
        continue;
      }
      if (!sites.changed(app.call.node, "pino-http on the project's logger: every line of a request carries its id (an incoming X-Request-Id is kept and echoed), Authorization and cookies redacted", { provides: mounted })) continue;
      ({ module, flavour } = point);
      const morgans = morganMounts(j, root, app.call, point.appName);
      const loggerLocal = importLogger(j, root, file, project, logger!);
      const requestLogger = importSupportExport(j, root, file, supportSpecifier(j, root, file, module.target), 'requestLogger');
      const mount = j(`\n${point.appName}.use(${requestLogger}(${loggerLocal}))${end}\n`).get().node.program.body[0];
      point.list.splice(point.list.indexOf(point.statement.node) + 1, 0, mount);
      for (const morgan of morgans) {
        if (!options.replaceMorgan || !morgan.removable) sites.skipped(morgan.call.node, 'morgan-kept', options.replaceMorgan ? 'mounted conditionally or inside an expression' : undefined);
        else if (sites.changed(morgan.call.node, 'app.use(morgan(...)) removed: pino-http records each request')) removeMorgan(j, root, morgan);
      }
    }

    // handlers: the project's logger -> the request's child logger
    if (logger?.library === 'pino') {
      for (const found of loggerCallsInHandlers(j, root, file, project, logger)) {
        const callee = found.call.node.callee;
        if (plan.refusal) sites.skipped(found.call.node, plan.refusal.reason, plan.refusal.detail);
        else if ('refusal' in found) sites.skipped(found.call.node, found.refusal, found.detail);
        else if (sites.changed(found.call.node, `${callee.object.name}.${found.level} -> ${found.request}.log.${found.level}: the record carries the request's id`, plan.installed ? undefined : { needs: mounted })) {
          found.call.get('callee').get('object').replace(j.memberExpression(j.identifier(found.request), j.identifier('log')));
        }
      }
    }

    if (module && flavour) {
      request.file(module.relative, TEMPLATES[flavour]);
      request.dependency('pino-http', plan.pinoHttpRange);
    }
  },
});
