import { z } from 'zod';
import { addImport, findImportedLocal, isEsmFile, isNameTaken, usesSemicolons } from '../../src/ast/imports.js';
import { defineTransform } from '../../src/transform.js';
import { buildExpression } from '../../src/ast/build.js';
import { analyseFunction, enclosingFunction, functionName, isLoggingWrite, type Context } from './async-context.js';
import { findSyncCalls, fsBindingUses, PROMISE_EQUIVALENT, pruneUnusedFsBindings } from './bindings.js';
import { planLogWrite, type LogPlan } from './log-stream.js';
import { createStream } from './stream-edit.js';
import { accessesIn, accessorCallerHazard, describeHazard, findHazard, keyText, optionFlag } from './read-modify-write.js';

const PROMISES_MODULE = 'node:fs/promises';

export default defineTransform({
  id: 'fs-sync-to-async',
  title: 'Await fs/promises instead of blocking sync fs calls',
  description:
    'Synchronous fs calls (readFileSync, writeFileSync, existsSync, ...) inside functions that are or can safely become ' +
    'async are replaced by `await` of their node:fs/promises equivalents, keeping try/catch and err.code behaviour.',
  seed: [
    { review: '003', finding: 'Synchronous File Operations' },
    { review: '001', finding: 'Reduced file I/O bottlenecks' },
  ],
  skipReasons: {
    'module-top-level': 'module top level (start-up and config loading): stays synchronous, top-level await is ESM-only and changes load order',
    'constructor-or-getter': 'inside a constructor, getter, setter or class field initializer, which cannot be async',
    'sync-callback': 'inside a callback or method whose callers harden cannot follow (forEach callback, class method, generator); making it async would let callers run ahead',
    'caller-not-awaiting': 'a caller of this function (in this or another file) does not await it and cannot be made to; the function stays synchronous',
    'express-4-handler': 'an Express handler in a project not on Express 5: Express 4 ignores a rejected promise, so a thrown error would hang the request',
    'sync-logging-path': 'a synchronous logging/append path (log(), write()) in a shape harden cannot move to a stream (options, result used, other fs calls, a constructor that logs); awaiting there would reorder records',
    'overwrites-log-file': 'writeFileSync without { flag: \'a\' } in a logging path replaces the file on every call; an append stream would change what the file holds',
    'log-path-not-stable': 'the log file path changes (computed per call, reassigned, or not a constructor-set field / module-level const): one stream cannot serve it',
    'log-file-used-elsewhere': 'the log file path is also used outside the logging calls and set-up (read, stat, written elsewhere): a buffered stream could change what that code sees',
    'exit-may-lose-log': 'the project calls process.exit, which does not wait for a stream to flush: the last log lines could be lost',
    'read-modify-write':
      'an await inserted here would fall between a read and a later write of the same resource (file path, this.x, module-level state): another request could change it in between and its update would be lost',
    'unsupported-arguments': 'the call uses an argument fs/promises does not accept the same way (a file descriptor number, statSync throwIfNoEntry)',
  },
  needs: ['Sync('],
  scope: 'file',
  options: z.object({}),
  apply({ j, root, file, sites, project }) {
    const calls = findSyncCalls(j, root);
    if (calls.length === 0) return;
    const usedBefore = fsBindingUses(j, root);
    const logPlans = planLogWrites(j, root, calls, project, file.path);

    // Plan first, to a fixpoint: a function that becomes async can host awaited calls of another.
    const plans = new Map<any, Context>();
    const planned = (fn: any) => plans.get(fn)?.kind === 'make-async';
    const functions = new Map<any, any>();
    const refusals = new Map<any, string>();
    for (const { path, method } of calls) {
      const unsupported = unsupportedArguments(method, path.node.arguments);
      const fn = enclosingFunction(path);
      if (logPlans.has(path.node)) continue;
      if (unsupported) refusals.set(path.node, unsupported);
      else if (typeof fn !== 'string') functions.set(path.node, fn);
    }
    // Read-modify-write: a function where an inserted await would split a read and a write of one
    // resource is refused, and planning is redone without it (its callers may depend on it).
    const forced = new Map<any, Context>();
    for (let hazards = true; hazards; ) {
      plans.clear();
      for (let again = true; again; ) {
        again = false;
        for (const { path, method } of calls) {
          const fn = functions.get(path.node);
          if (!fn || planned(fn.node) || plans.get(fn.node)?.kind === 'async') continue;
          const context = forced.get(fn.node) ?? analyseFunction(fn, root, file, project, method, planned);
          if (context.kind === 'make-async') again = true;
          if (!plans.has(fn.node) || context.kind !== 'refuse') plans.set(fn.node, context);
        }
      }
      hazards = false;
      for (const [fnNode, context] of plans) {
        if (context.kind === 'refuse') continue;
        const hazard = readModifyWrite(j, root, context.fn, calls.filter(({ path }) => functions.get(path.node)?.node === fnNode).map(({ path }) => path.node), context);
        if (!hazard) continue;
        forced.set(fnNode, { kind: 'refuse', reason: 'read-modify-write', detail: hazard });
        hazards = true;
      }
    }
    for (const [fnNode, context] of plans) {
      if (context.kind !== 'refuse' || context.reason !== 'sync-callback') continue;
      const fn = [...functions.values()].find((f) => f.node === fnNode);
      const name = fn && functionName(fn);
      const hazard = name && accessorCallerHazard(j, root, fn, name);
      if (hazard) plans.set(fnNode, { kind: 'refuse', reason: 'read-modify-write', detail: hazard });
    }

    const needed = new Map<string, string>();
    const localFor = (name: string) => {
      let local = needed.get(name);
      if (local) return local;
      local = findImportedLocal(j, root, isPromisesModule, name) ?? (isNameTaken(j, root, name) ? `${name}Async` : name);
      needed.set(name, local);
      return local;
    };
    const madeAsync = new Set<any>();
    const ensureAsync = (fn: any) => {
      const plan = plans.get(fn.node);
      if (fn.node.async || madeAsync.has(fn.node) || plan?.kind !== 'make-async') return;
      madeAsync.add(fn.node);
      fn.node.async = true;
      promiseReturnType(j, fn.node);
      for (const callerCall of plan.awaitAt) {
        callerCall.replace(j.awaitExpression(callerCall.node));
        const caller = enclosingFunction(callerCall);
        if (typeof caller !== 'string') ensureAsync(caller);
      }
    };

    const mkdirPairs = existsThenMkdir(j, calls);
    const collapsed = new Set<any>();
    const streams = new Map<string, string>();
    let streamed = false;
    for (const { path, method } of calls) {
      const node = path.node;
      const logPlan = logPlans.get(node);
      if (logPlan?.kind === 'refuse') sites.skipped(node, logPlan.reason, logPlan.detail);
      const streamMessage =
        logPlan?.kind === 'stream' && logPlan.target.kind === 'per-write'
          ? `${method} -> write to the append-mode stream of the file, looked up at each write (the path is computed per call; keeps write order)`
          : `${method} -> write to one append-mode stream (keeps write order)`;
      if (logPlan?.kind === 'stream' && sites.changed(node, streamMessage)) {
        const target = streams.get(logPlan.target.key) ?? createStream(j, root, /\.[cm]?tsx?$/.test(file.path), logPlan.target, node.arguments[0]);
        streams.set(logPlan.target.key, target);
        const stream = logPlan.target.kind === 'per-write' ? j.callExpression(j.identifier(target), [node.arguments[0]]) : buildExpression(target, false);
        path.replace(j.callExpression(j.memberExpression(stream, j.identifier('write')), [logPlan.data]));
        streamed = true;
      }
      if (logPlan) continue;
      const unsupported = refusals.get(node);
      if (unsupported) {
        sites.skipped(node, 'unsupported-arguments', unsupported);
        continue;
      }
      const fn = functions.get(node);
      if (!fn) {
        sites.skipped(node, enclosingFunction(path) as 'module-top-level' | 'constructor-or-getter');
        continue;
      }
      const context = plans.get(fn.node)!;
      if (context.kind === 'refuse') {
        sites.skipped(node, context.reason, context.detail);
        continue;
      }
      if (collapsed.has(node)) continue;
      const promiseName = PROMISE_EQUIVALENT[method]!;
      const how = context.kind === 'make-async' && !madeAsync.has(fn.node) ? `; made the function async (${context.why})` : '';
      const pair = mkdirPairs.get(node);
      if (pair) {
        const message = `existsSync + mkdirSync -> await mkdir (recursive: succeeds when the directory exists, no check-then-act)${how}`;
        if (!sites.changed(node, message)) continue;
        if (sites.changed(pair.mkdir, message)) {
          const statement = j.expressionStatement(j.awaitExpression(j.callExpression(j.identifier(localFor('mkdir')), pair.mkdir.arguments)));
          (statement as any).comments = pair.ifPath.node.comments;
          pair.ifPath.replace(statement);
          collapsed.add(pair.mkdir);
          ensureAsync(fn);
          continue;
        }
      } else if (!sites.changed(node, `${method} -> await ${promiseName}${method === 'existsSync' ? ' (true/false kept)' : ''}${how}`)) continue;
      const call = j.callExpression(j.identifier(localFor(promiseName)), node.arguments);
      const replacement =
        method === 'existsSync'
          ? j.callExpression(j.memberExpression(call, j.identifier('then')), [
              j.arrowFunctionExpression([], j.booleanLiteral(true)),
              j.arrowFunctionExpression([], j.booleanLiteral(false)),
            ])
          : call;
      path.replace(j.awaitExpression(replacement));
      ensureAsync(fn);
    }
    if (needed.size === 0 && !streamed) return;
    pruneUnusedFsBindings(j, root, usedBefore);
    if (needed.size === 0) return;
    const missing = [...needed].filter(([name]) => !findImportedLocal(j, root, isPromisesModule, name));
    if (missing.length === 0) return;
    const [first, ...rest] = missing.map(([imported, local]) => ({ imported, local }));
    addImport(j, root, { source: PROMISES_MODULE, ...first! }, isEsmFile(j, root), rest, usesSemicolons(file.source));
  },
});

/**
 * `if (!existsSync(d)) mkdirSync(d, { recursive: true })` (braces or not, no else): the check is
 * not needed (a recursive mkdir succeeds when the directory exists) and, awaited, would be a
 * check-then-act race; it becomes `await mkdir(d, { recursive: true })`. Keyed by the existsSync call.
 */
function existsThenMkdir(j: any, calls: Array<{ path: any; method: string }>): Map<any, { mkdir: any; ifPath: any }> {
  const pairs = new Map<any, { mkdir: any; ifPath: any }>();
  const mkdirs = new Set(calls.filter((c) => c.method === 'mkdirSync').map((c) => c.path.node));
  for (const { path, method } of calls) {
    if (method !== 'existsSync' || path.node.arguments.length !== 1) continue;
    const not = path.parent;
    const ifPath = not?.parent;
    if (not?.node.type !== 'UnaryExpression' || not.node.operator !== '!' || ifPath?.node.type !== 'IfStatement' || ifPath.node.test !== not.node || ifPath.node.alternate) continue;
    let body = ifPath.node.consequent;
    if (body.type === 'BlockStatement') {
      if (body.body.length !== 1 || body.body[0].comments?.length) continue;
      body = body.body[0];
    }
    const mkdir = body.type === 'ExpressionStatement' ? body.expression : undefined;
    if (!mkdirs.has(mkdir) || !optionFlag(mkdir.arguments[1], 'recursive') || mkdir.arguments.length !== 2) continue;
    const dir = keyText(path.node.arguments[0]);
    if (dir === undefined || dir !== keyText(mkdir.arguments[0]) || !evaluatesQuietly(j, path.node.arguments[0])) continue;
    pairs.set(path.node, { mkdir, ifPath });
  }
  return pairs;
}

/** No side effect in evaluating `node` (it is evaluated once instead of twice): names, members, literals, path.join/resolve. */
function evaluatesQuietly(j: any, node: any): boolean {
  const pathCall = (callee: any) => ['join', 'resolve'].includes(callee.type === 'MemberExpression' ? callee.property?.name : callee.name);
  const effects = new Set(['AssignmentExpression', 'UpdateExpression', 'NewExpression', 'AwaitExpression', 'YieldExpression', 'TaggedTemplateExpression']);
  return [node, ...j(node).find(j.Node).nodes()].every((n: any) => !effects.has(n.type) && (n.type !== 'CallExpression' || pathCall(n.callee)));
}

/** Why awaiting the sync calls of a planned function (and, if it becomes async, its calls in callers) would split a read-modify-write. */
function readModifyWrite(j: any, root: any, fn: any, nodes: any[], context: Context): string | undefined {
  const at = (node: any) => ({ at: node.start, line: node.loc?.start.line ?? 0 });
  const own = findHazard(accessesIn(j, root, fn), nodes.map(at));
  if (own) return describeHazard(own);
  if (context.kind !== 'make-async') return undefined;
  for (const call of context.awaitAt) {
    const caller = enclosingFunction(call);
    if (typeof caller === 'string') continue;
    const hazard = findHazard(accessesIn(j, root, caller), [at(call.node)]);
    if (hazard) return `in ${functionName(caller) ?? 'its caller'}: ${describeHazard(hazard)}`;
  }
  return undefined;
}

/** Logging-path calls (sync append in a sync log()...): a stream plan or a refusal each, consistent per log file. */
function planLogWrites(j: any, root: any, calls: Array<{ path: any; method: string }>, project: any, filePath: string): Map<any, LogPlan> {
  const logging = calls.filter(({ path, method }) => {
    const fn = enclosingFunction(path);
    return typeof fn !== 'string' && isLoggingWrite(fn, method);
  });
  const candidates = new Set(logging.map(({ path }) => path.node));
  const plans = new Map<any, LogPlan>();
  for (const { path, method } of logging) plans.set(path.node, planLogWrite(j, root, path, method, enclosingFunction(path), candidates, project, filePath));
  // one refused call on a log file keeps every call on that file synchronous (else writes reorder)
  for (const [node, plan] of plans) {
    const sameFileRefused = plan.kind === 'stream' && [...plans].some(([other, p]) => p.kind === 'refuse' && sameTarget(other.arguments[0], node.arguments[0]));
    if (sameFileRefused) plans.set(node, { kind: 'refuse', reason: 'log-file-used-elsewhere', detail: 'another write to the same log file stays synchronous' });
  }
  return plans;
}

const sameTarget = (a: any, b: any) =>
  (a.type === 'Identifier' && b.type === 'Identifier' && a.name === b.name) ||
  (a.type === 'MemberExpression' && b.type === 'MemberExpression' && a.object.type === 'ThisExpression' && b.object.type === 'ThisExpression' && a.property.name === b.property.name);

const isPromisesModule = (source: string) => source === 'fs/promises' || source === 'node:fs/promises';

/** TypeScript: an annotated return type `T` of a function made async becomes `Promise<T>`. */
function promiseReturnType(j: any, fn: any): void {
  const annotation = fn.returnType?.typeAnnotation;
  if (!annotation) return;
  fn.returnType = j.tsTypeAnnotation(j.tsTypeReference(j.identifier('Promise'), j.tsTypeParameterInstantiation([annotation])));
}

/** Why the promise version would not accept these arguments the same way, if it would not. */
function unsupportedArguments(method: string, args: any[]): string | undefined {
  const [target, , options] = args;
  const isFd = (node: any) =>
    node?.type === 'NumericLiteral' || (node?.type === 'Literal' && typeof node.value === 'number') || (node?.type === 'Identifier' && /fd$/i.test(node.name));
  if (isFd(target)) return 'a file descriptor: fs/promises takes a path or a FileHandle';
  const statOptions = method === 'statSync' ? args[1] : options;
  if (
    method === 'statSync' &&
    statOptions?.type === 'ObjectExpression' &&
    statOptions.properties.some((p: any) => (p.key?.name ?? p.key?.value) === 'throwIfNoEntry')
  ) {
    return 'throwIfNoEntry has no fs/promises equivalent';
  }
  return undefined;
}
