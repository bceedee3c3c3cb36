import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { addImport, dominantQuote, findImportedLocal, isNameTaken, requiredModule, usesSemicolons, writesEsm } from '../../src/ast/imports.js';
import { flavourOf, flavourOfPath, importSupportNames, insertAfter, statementList, registeredNames, supportModuleTarget, supportSpecifier, supportTemplates, type Flavour } from '../../src/ast/support-module.js';
import { harden } from '../../src/package-root.js';
import { defineTransform, type FileInfo, type ProjectView, type Sites } from '../../src/transform.js';
import { findProjectLogger } from '../console-to-logger/detect-logger.js';
import { LIMITER_MODULE, planFor, type Plan } from './plan.js';
import { findResources, mongooseConnects, type Stage } from '../../src/ast/resources.js';
import { serverStarts, type Kept } from '../../src/ast/servers.js';

const SKIP_REASONS = {
  'signal-handled':
    'the package already handles SIGTERM or SIGINT (`process.on(\'SIGTERM\', …)`): it has a shutdown path of its own; make it close the server and the connections rather than adding a second one',
  'shutdown-library': 'the package depends on a shutdown library (terminus, http-graceful-shutdown, lightship, …) that owns the signals; register the connections with it',
  serverless: 'the package is deployed as a serverless function (serverless-http, @vendia/serverless-express, …): the platform freezes and ends the process, not a signal',
  'framework-lifecycle': 'the server is a Fastify, NestJS or hapi app, whose own close() runs its shutdown hooks; enable them (app.enableShutdownHooks(), fastify.close()) instead',
  'several-servers': 'the package starts more than one server (each place listed); harden cannot tell which process owns which, so it adds no shutdown path; close them by hand',
  'websocket-server':
    'the package serves WebSockets (socket.io, ws): an upgraded connection keeps server.close() waiting until the hard timeout; close the WebSocket server first, by hand',
  'started-by-caller': 'the server is started inside an exported function or a method: the code that calls it owns the process, and is where the shutdown belongs',
  'server-not-kept':
    'the server `listen` returns is not kept in a form harden can name (`return app.listen()`, a listen inside an expression or an unbraced `if`): keep it in a `const server` and run harden again',
  'resource-in-function': 'the client is created inside a function, so there is no module-level name to close it by; register it with closeOnShutdown where it is created',
  'resource-not-named': 'the client is not held in a module-level variable (`module.exports = new Redis()`, `export default new PrismaClient()`); give it a name and run harden again',
  'mixed-module-kinds': 'this module and the file that starts the server would import different shutdown modules (CommonJS and ES module, or JavaScript and TypeScript); register the client by hand',
  'module-path-taken': 'a file that is not harden\'s graceful-shutdown module already exists where it would be generated; move that file, or add the shutdown by hand',
} as const;

type Reason = keyof typeof SKIP_REASONS;

export const MODULE_STEM = 'graceful-shutdown';
const { templates: TEMPLATES, isGenerated } = supportTemplates((name) => readFileSync(harden('transforms', 'graceful-shutdown', 'templates', name), 'utf8'), MODULE_STEM);
/** A specifier of harden's shutdown module, from any file. */
const GENERATED_SPECIFIER = /(^|\/)graceful-shutdown(\.[cm]?[jt]s)?$/;

export default defineTransform({
  id: 'graceful-shutdown',
  title: 'Close the server and its connections on SIGTERM instead of dropping requests',
  description:
    'The server `app.listen()` returns is kept and handed to a generated `shutdownGracefully(server)`: on SIGTERM or SIGINT it stops accepting, ' +
    'lets the requests in flight finish (idle keep-alive connections are closed), stops BullMQ workers, then closes the Mongoose, ioredis, Prisma and BullMQ clients the ' +
    'server loads (each registered where it is created), logs through the project\'s logger and exits; a hard timeout (SHUTDOWN_TIMEOUT_MS, 10 s) ends a shutdown that hangs.',
  seed: [
    { review: '002', finding: 'Containerization & Deployment' },
    { review: '000', finding: 'Monitoring & Observability' },
  ],
  skipReasons: SKIP_REASONS,
  needs: ['.listen(', '.connect(', 'ioredis', 'bullmq', 'PrismaClient', 'createConnection', 'rate-limit-redis', 'rate-limit-store'],
  scope: 'file',
  options: z.object({}),
  apply({ j, root, file, sites, request, project }) {
    const plan = planFor(project, file.package, isGenerated, { path: file.path, text: file.source, root });
    const flavour = flavourOf(file);
    const own = supportModuleTarget(project, file, flavour, MODULE_STEM);
    const existing = project.readFile(own.target);
    const taken = existing !== undefined && !isGenerated(existing);
    const quote = dominantQuote(file.source) === 'double' ? '"' : "'";
    const end = usesSemicolons(file.source) ? ';' : '';
    const moduleRequested = { done: false };
    const requestModule = () => {
      if (!moduleRequested.done) request.file(own.relative, TEMPLATES[flavour]);
      moduleRequested.done = true;
    };
    const statement = (code: string) => j(`\n${code}${end}\n`).get().node.program.body[0];

    // a test's, a script's or a front-end's server is not the deployed process: not a site
    if (file.role !== 'source') return;

    // the server
    const starts = serverStarts(j, root);
    const installed = starts.length > 0 && findImportedLocal(j, root, (s) => GENERATED_SPECIFIER.test(s), 'shutdownGracefully') !== undefined;
    let server: Kept | undefined;
    for (const start of installed ? [] : starts) {
      const node = start.call.node;
      const refuse = (reason: Reason, detail?: string) => sites.skipped(node, reason, detail);
      if (plan.refusal) refuse(plan.refusal.reason, plan.refusal.detail);
      else if (plan.entry !== file.path) continue;
      else if (start.startedBy) refuse('started-by-caller', start.startedBy);
      else if (!start.kept) refuse('server-not-kept');
      else if (taken) refuse('module-path-taken', own.target);
      else if (sites.changed(node, 'on SIGTERM/SIGINT: stops accepting, lets the requests in flight finish, then closes what the server loads and exits')) server = start.kept;
    }

    // what the server's process opens, registered where it is created
    const registrations = plan.refusal || !plan.entry || !plan.loaded.has(file.path) || !entryRewritable(j, project, plan.entry, file.path === plan.entry ? starts : undefined)
      ? []
      : registrationsOf(j, root, file, plan, flavour, own.target, taken, sites, project);
    if (!server && registrations.length === 0) return;

    const functions = [...new Set(registrations.map((item) => (item.stage === 'drain' ? 'drainOnShutdown' : 'closeOnShutdown')))];
    const locals = importSupportNames(j, root, file, own.target, [...(server ? ['shutdownGracefully'] : []), ...functions]);
    requestModule();
    for (const item of registrations.sort((a, b) => b.node.start - a.node.start)) {
      const register = locals[item.stage === 'drain' ? 'drainOnShutdown' : 'closeOnShutdown'];
      if (item.limiter) {
        // below every import, the ones just added included
        const close = `${limiterClose(j, root, file, item.limiter)}()`;
        const body = root.get().node.program.body as any[];
        let last = -1;
        body.forEach((node, index) => {
          if (node.type === 'ImportDeclaration' || (node.type === 'VariableDeclaration' && node.declarations.some((d: any) => requiredModule(d.init) !== undefined))) last = index;
        });
        body.splice(last + 1, 0, statement(`${register}(${quote}${item.name}${quote}, () => ${close})`));
      } else insertAfter(item.after, statement(`${register}(${quote}${item.name}${quote}, () => ${item.close})`));
    }
    if (server) keepServer(j, root, server, file, plan.loaded, project, statement, locals['shutdownGracefully']!);
  },
});

interface Registration {
  node: any;
  after: any;
  stage: Stage;
  name: string;
  close: string;
  what: string;
  /** For harden's rate-limiter client: its module, whose `closeRateLimitRedis` the file imports. */
  limiter?: string;
}

/** The last top-level import/require statement of the file that loads one of harden's rate-limiter modules. */
function importStatementOf(j: any, root: any, path: string, module: string, project: ProjectView): any {
  const stem = module.replace(/rate-limit-redis\.[cm]?[jt]s$/, '');
  let found: any;
  root.find(j.Program).get('body').each((statement: any) => {
    const node = statement.node;
    const source = node.type === 'ImportDeclaration' ? String(node.source.value) : node.type === 'VariableDeclaration' ? node.declarations.map((d: any) => requiredModule(d.init)).find(Boolean) : undefined;
    const resolved = source ? project.resolveImport(path, source) : undefined;
    if (resolved && resolved.startsWith(stem) && /rate-limit-(redis|store)\.[cm]?[jt]s$/.test(resolved)) found = statement;
  });
  return found;
}

/** The clients of this module to register, each reported as a changed site (or skipped, with why). */
function registrationsOf(
  j: any,
  root: any,
  file: FileInfo,
  plan: Plan,
  flavour: Flavour,
  target: string,
  taken: boolean,
  sites: Sites<Reason>,
  project: ProjectView,
): Registration[] {
  const entry = plan.entry!;
  const entryTarget = supportModuleTarget(project, { path: entry, package: file.package }, file.path === entry ? flavour : flavourOfPath(project, entry), MODULE_STEM);
  const registered = registeredNames(j, root, /^(closeOnShutdown|drainOnShutdown)\d*$/);
  const found: Registration[] = [];
  // harden's own rate-limiter module is not edited: its client is registered by its first importer
  if (LIMITER_MODULE.test(file.source)) return [];
  for (const resource of findResources(j, root)) {
    if (resource.refusal) {
      sites.skipped(resource.node, resource.refusal, resource.what);
      continue;
    }
    if (registered.has(resource.name!)) continue;
    found.push({ node: resource.node, after: resource.after, stage: resource.stage, name: resource.name!, close: resource.close!, what: resource.what });
  }
  if (file.path === plan.mongooseOwner && !registered.has('mongoose')) {
    const [connect] = mongooseConnects(j, root);
    if (connect) found.push({ node: connect.node, after: connect.statement, stage: 'close', name: 'mongoose', close: `${connect.mongoose}.disconnect()`, what: 'Mongoose default connection' });
  }
  if (plan.limiter?.owner === file.path && !registered.has('rateLimitRedis')) {
    const statement = importStatementOf(j, root, file.path, plan.limiter.module, project);
    if (statement) found.push({ node: statement.node, after: statement, stage: 'close', name: 'rateLimitRedis', close: 'closeRateLimitRedis()', what: "harden's rate-limiter Redis client", limiter: plan.limiter.module });
  }
  return found.filter((item) => {
    if (target !== entryTarget.target) return void sites.skipped(item.node, 'mixed-module-kinds', `${target} here, ${entryTarget.target} for ${entry}`);
    if (taken) return void sites.skipped(item.node, 'module-path-taken', target);
    const verb = item.stage === 'drain' ? 'stops taking jobs' : 'closed';
    return sites.changed(item.node, `${item.what} \`${item.name}\` ${verb} on shutdown (${item.close})`);
  });
}

/** The local name of `closeRateLimitRedis` in the file: imported from harden's rate-limiter module. */
function limiterClose(j: any, root: any, file: FileInfo, module: string): string {
  const specifier = supportSpecifier(j, root, file, module);
  const same = (source: string) => source.replace(/\.[cm]?[jt]s$/, '') === specifier.replace(/\.[cm]?[jt]s$/, '');
  const found = findImportedLocal(j, root, same, 'closeRateLimitRedis');
  if (found) return found;
  let local = 'closeRateLimitRedis';
  for (let n = 2; isNameTaken(j, root, local); n += 1) local = `closeRateLimitRedis${n}`;
  // one more name in the file's existing ES import of the module (a CommonJS destructuring would be
  // reprinted over several lines), else an import of its own
  const body = root.get().node.program.body as any[];
  for (const statement of body) {
    if (statement.type === 'ImportDeclaration' && same(String(statement.source.value)) && statement.importKind !== 'type' && (statement.specifiers ?? []).every((s: any) => s.type === 'ImportSpecifier')) {
      statement.specifiers.push(j.importSpecifier(j.identifier('closeRateLimitRedis'), j.identifier(local)));
      return local;
    }
  }
  addImport(j, root, { source: specifier, imported: 'closeRateLimitRedis', local }, writesEsm(j, root, file), [], usesSemicolons(file.source));
  return local;
}

/** Whether the entry's one server start will be (or was) rewritten, so registrations elsewhere have a reader. */
function entryRewritable(j: any, project: ProjectView, entry: string, starts: ReturnType<typeof serverStarts> | undefined): boolean {
  let list = starts;
  if (!list) {
    const root = project.parse(entry);
    const text = project.readFile(entry);
    if (!root || text === undefined) return false;
    if (findImportedLocal(j, root, (s) => GENERATED_SPECIFIER.test(s), 'shutdownGracefully')) return true;
    list = serverStarts(j, root);
  }
  return list.length === 1 && list[0]!.kept !== undefined && list[0]!.startedBy === undefined;
}

/** A comment's text, its continuation lines moved left by the comment's column (it is placed anew). */
function commentText(comment: any): string {
  const column = comment.loc?.start.column ?? 0;
  const value = String(comment.value).replace(/\r\n?/g, '\n');
  const text = comment.type === 'CommentLine' || comment.type === 'Line' ? `//${value}` : `/*${value}*/`;
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.slice(Math.min(column, line.length - line.trimStart().length))))
    .join('\n');
}

/** `const server = app.listen(…)` (kept as it is, or bound now), then `shutdownGracefully(server, logger)` after it. */
function keepServer(
  j: any,
  root: any,
  kept: Kept,
  file: FileInfo,
  loaded: ReadonlySet<string>,
  project: ProjectView,
  statement: (code: string) => any,
  shutdownGracefully: string,
): void {
  const list = statementList(kept.statement);
  let anchor = kept.statement.node;
  let serverCode: string;
  if (kept.kind === 'binding') serverCode = kept.name;
  else if (kept.kind === 'assigned') serverCode = j(kept.target).toSource();
  else {
    let name = isNameTaken(j, root, 'server') ? 'httpServer' : 'server';
    for (let n = 2; isNameTaken(j, root, name); n += 1) name = `server${n}`;
    // parsed with the statement's own comments and semicolon (comment nodes of the file cannot move
    // into a new statement), then the listen call itself, printed from the file's text, goes in
    const original = anchor;
    const comments = (where: 'leading' | 'trailing') => (original.comments ?? []).filter((c: any) => c[where]).map(commentText);
    const leading = comments('leading').map((text: string) => `${text}\n`).join('');
    const trailing = comments('trailing').map((text: string) => ` ${text}`).join('');
    const semicolon = usesSemicolons(file.source) ? ';' : '';
    const declaration = j(`\n${leading}const ${name} = PLACEHOLDER${semicolon}${trailing}\n`).get().node.program.body[0];
    declaration.declarations[0].init = kept.expression.node;
    list[list.indexOf(anchor)] = declaration;
    anchor = declaration;
    serverCode = name;
  }
  const logger = loggerFor(j, root, file, loaded, project);
  list.splice(list.indexOf(anchor) + 1, 0, statement(`${shutdownGracefully}(${serverCode}${logger ? `, ${logger}` : ''})`));
}

/** The local name of the project's logger in the entry (imported when the server loads its module anyway), or undefined for console. */
function loggerFor(j: any, root: any, file: FileInfo, loaded: ReadonlySet<string>, project: ProjectView): string | undefined {
  const logger = findProjectLogger(project, file.package?.dir ?? '');
  if (!logger || logger.path === file.path) return undefined;
  const bound = findImportedLocal(j, root, (source) => project.resolveImport(file.path, source) === logger.path, logger.exportName);
  if (bound) return bound;
  if (!loaded.has(logger.path)) return undefined;
  const preferred = logger.exportName === 'default' || logger.exportName === '*' ? 'logger' : logger.exportName;
  let local = preferred;
  for (let n = 2; isNameTaken(j, root, local); n += 1) local = `${preferred}${n}`;
  const esm = writesEsm(j, root, file);
  addImport(j, root, { source: supportSpecifier(j, root, file, logger.path), imported: logger.exportName, local }, esm, [], usesSemicolons(file.source));
  return local;
}
