import { z } from 'zod';
import { addImport, dominantQuote, findImportedLocal, isNameTaken, usesSemicolons, writesEsm } from '../../src/ast/imports.js';
import { headingComments } from '../../src/ast/comments.js';
import { expressApps } from '../../src/ast/express-app.js';
import { expressMajor, routeCalls } from '../../src/ast/routes.js';
import { defineTransform } from '../../src/transform.js';
import { analyseHandler } from './handlers.js';
import { looksLikeHandler, resolveHandler, routerKind } from './registrations.js';
import { EXPRESS_ASYNC_ERRORS_RANGE, isKnownWrapper, loadsExpressAsyncErrors, wrapperFor } from './wrapper.js';

const SKIP_REASONS = {
  'express-5': 'the package is on Express 5, which already passes a rejected handler promise to the error middleware; nothing to do',
  'express-version-unknown':
    'the package.json that owns this file declares no readable express range (none, `latest`, a URL), so harden cannot tell Express 4 from 5; declare the version and run again',
  'already-handled': 'the package already loads express-async-errors, which passes every rejected handler promise to next(err)',
  'already-wrapped': 'the handler is already passed through a wrapper call (asyncHandler(fn), catchAsync(fn), or another function) that decides what happens to its promise',
  'already-catching': 'the handler catches its own errors: its body is a try/catch whose catch neither rethrows nor awaits (or its promise chain ends in .catch())',
  'not-express-router': 'the router is not Express (koa, fastify, hapi, restify, …), whose handlers\' promises are that framework\'s business',
  'error-middleware': 'an error-handling middleware (four parameters) can reject; a wrapper would hide its fourth parameter from Express, which would no longer call it for errors. Catch inside it by hand',
  'next-then-continues':
    'the handler calls or hands on `next` and then runs code that can still reject; passing that rejection to next(err) would call next a second time. Move the call of next to the end, or catch by hand',
  'promise-not-returned': 'the handler starts a promise chain without .catch() and does not return it, so no wrapper can see its rejection; return the chain, or end it with .catch(next)',
  'handler-defined-elsewhere':
    'the handler is a name harden cannot follow to a function (a parameter, a nested property, a module it cannot read), so it cannot tell whether it can reject; wrap it by hand where it is registered if it is async',
  'support-path-taken': 'a file that is not harden\'s async-handler module already exists where it would be generated; wrap the handlers with your own wrapper, or move that file',
} as const;

export default defineTransform({
  id: 'express-async-errors',
  title: 'Pass rejected Express 4 handlers to the error middleware',
  description:
    'On Express 4, a route handler that returns a rejected promise never reaches the error middleware: the request hangs and the process sees an unhandled rejection. ' +
    'Handlers that can reject (async functions, functions returning promise chains) registered on an Express app or router are wrapped in asyncHandler(fn) (the project\'s own wrapper, express-async-handler, or a generated module), ' +
    'which passes the rejection to next(err); or, with mode "import", the file that creates the app loads express-async-errors first.',
  seed: [
    { review: '000', finding: 'Error Handling' },
    { review: '001', finding: 'Enhanced Error Handling' },
    { review: '002', finding: 'No centralized error handling middleware' },
  ],
  skipReasons: SKIP_REASONS,
  needs: ['.get(', '.post(', '.put(', '.patch(', '.delete(', '.all(', '.use(', '.route(', 'express('],
  scope: 'file',
  options: z.object({
    mode: z
      .enum(['wrap', 'import'])
      .default('wrap')
      .describe('wrap: each handler that can reject goes into asyncHandler(fn); import: the file creating the app requires express-async-errors first (and the dependency is added).'),
  }),
  apply({ j, root, file, options, sites, request, project }) {
    const major = expressMajor(file.package);
    /** The package-wide refusal every site of this file shares, if any. */
    const packageRefusal = (): keyof typeof SKIP_REASONS | undefined =>
      major === undefined ? 'express-version-unknown' : major >= 5 ? 'express-5' : loadsExpressAsyncErrors(project, file) ? 'already-handled' : undefined;

    if (options.mode === 'import') {
      const app = expressApps(j, root)[0]?.call;
      if (!app) return;
      const refusal = packageRefusal();
      if (refusal) return sites.skipped(app.node, refusal);
      if (!sites.changed(app.node, 'loads express-async-errors before any route is registered: a rejected handler of this app reaches next(err)')) return;
      loadFirst(j, root, writesEsm(j, root, file), usesSemicolons(file.source), dominantQuote(file.source) === 'double' ? '"' : "'");
      request.dependency('express-async-errors', EXPRESS_ASYNC_ERRORS_RANGE);
      return;
    }

    const plans: Array<{ argPath: any; message: string }> = [];
    let elsewhere: Array<{ node: any; name: string }> = [];
    const refusedNodes: Array<{ node: any; reason: keyof typeof SKIP_REASONS; detail?: string }> = [];
    for (const registration of routeCalls(j, root)) {
      const kind = routerKind(registration.call, file.package);
      for (const argPath of registration.handlers) {
        const handler = resolveHandler(j, argPath, file.path, project);
        if (handler.kind === 'none') continue;
        if (handler.kind === 'elsewhere') {
          // the route's own handler (the last argument of get/post/…) on a router harden knows is Express; middleware
          // handed in from elsewhere is mostly a library's (body parsers, auth), and on other receivers such arguments
          // are as often plain values (cache.put(key, value))
          const last = argPath === registration.handlers[registration.handlers.length - 1];
          if (kind === 'express' && last && registration.method !== 'use') elsewhere.push({ node: argPath.node, name: handler.name });
          continue;
        }
        const verdict = analyseHandler(j, handler.fnPath);
        if (verdict.kind === 'cannot-reject') continue;
        const lookalike = looksLikeHandler(handler.fnPath);
        if (kind !== 'express' && !lookalike) continue; // a callback of something else (an interceptor, a cache loader)
        if (handler.kind === 'wrapped' && !isKnownWrapper(handler.wrapper) && !lookalike) continue;
        const refuse = (reason: keyof typeof SKIP_REASONS, detail?: string) => refusedNodes.push({ node: argPath.node, reason, ...(detail ? { detail } : {}) });
        if (kind === 'other') refuse('not-express-router');
        else if (packageRefusal()) refuse(packageRefusal()!, major === undefined ? undefined : `express ${major}`);
        else if (handler.kind === 'wrapped') refuse('already-wrapped', `${handler.wrapper}(…)`);
        else if (verdict.kind === 'refuse') refuse(verdict.reason, verdict.detail);
        else {
          const where = handler.file === file.path ? '' : ` (${handler.file})`;
          plans.push({ argPath, message: `${handler.kind === 'function' && handler.named ? `${handler.named}${where}, an ` : ''}${verdict.how}` });
        }
      }
    }
    // a handler harden cannot follow matters only where Express 4 would drop its rejection
    if (packageRefusal()) elsewhere = [];
    for (const { node, name } of elsewhere) sites.skipped(node, 'handler-defined-elsewhere', name);
    for (const { node, reason, detail } of refusedNodes) sites.skipped(node, reason, detail);
    if (plans.length === 0) return;

    const wrapper = wrapperFor(j, root, file, project);
    if (wrapper === 'support-path-taken') {
      for (const plan of plans) sites.skipped(plan.argPath.node, 'support-path-taken');
      return;
    }
    const wanted = plans.filter((plan) => sites.changed(plan.argPath.node, `${plan.message} -> ${wrapper.describe}: a rejection reaches next(err)`));
    if (wanted.length === 0) return;
    const esm = writesEsm(j, root, file);
    const same = (source: string) => source === wrapper.import.source || source.replace(/\.[cm]?[jt]s$/, '') === wrapper.import.source.replace(/\.[cm]?[jt]s$/, '');
    let local = findImportedLocal(j, root, same, wrapper.import.imported);
    if (!local) {
      const preferred = wrapper.import.imported === 'default' ? 'asyncHandler' : wrapper.import.imported;
      local = preferred;
      for (let n = 2; isNameTaken(j, root, local); n += 1) local = `${preferred}${n}`;
      addImport(j, root, { ...wrapper.import, local }, esm, [], usesSemicolons(file.source));
    }
    for (const plan of wanted) plan.argPath.replace(j.callExpression(j.identifier(local), [plan.argPath.node]));
    if (wrapper.request) request.file(wrapper.request.path, wrapper.request.contents);
  },
});

/** `require('express-async-errors')` / `import 'express-async-errors'` as the first statement, above every route module the file loads. */
function loadFirst(j: any, root: any, esm: boolean, semicolons: boolean, quote: string): void {
  const body = root.get().node.program.body as any[];
  const end = semicolons ? ';' : '';
  const name = `${quote}express-async-errors${quote}`;
  const text = esm ? `import ${name}${end}` : `require(${name})${end}`;
  const statement = j(`\n${text}\n`).get().node.program.body[0];
  const first = body[0];
  // the file's header comment stays on top
  const heading = first ? headingComments(first) : [];
  if (heading.length > 0) {
    first.comments = first.comments.filter((c: any) => !heading.includes(c));
    statement.comments = heading;
  }
  body.unshift(statement);
}
