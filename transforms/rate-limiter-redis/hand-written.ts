/**
 * Case 1, rewrite: the recognised middleware becomes `rateLimit({...})` from express-rate-limit
 * with a Redis store, in the same place, so its name, export and `(req, res, next)` signature stay.
 * One Redis prefix per original in-memory store: limiters that shared a Map share counters in
 * Redis too, exactly as before. The 429 block is kept as written, inside `handler`.
 */
import recast from 'recast';
import { findImportedLocal, isNameTaken } from '../../src/ast/imports.js';
import { buildExpression, buildStatements } from '../../src/ast/build.js';
import { analyse, blockStatements, identifiersIn, is429Call, UnsupportedField, type Analysis, type Limiter } from './hand-written-analyse.js';
import { rewriteAsFlexible } from './hand-written-flexible.js';
import { ensureImport, ensureTypeImport, prefixFor, redisStoreExpression, type Context } from './shared.js';

export function rewriteHandWritten(ctx: Context): void {
  const { j, root } = ctx;
  const program = root.get().node.program;
  for (const statement of [...program.body]) {
    if (statement.type !== 'VariableDeclaration' || statement.declarations.length !== 1) continue;
    const [declarator] = statement.declarations;
    if (declarator.id.type !== 'Identifier' || !isMemoryStore(declarator.init)) continue;
    const store = declarator.id.name;
    const middlewares = root
      .find(j.Function)
      .filter((p: any) => p.node.params.length === 3 && answers429(j, p.node) && identifiersIn(j, p.node.body).has(store));
    if (middlewares.size() === 0) continue; // a lookup table or cache: not a limiter
    if (middlewares.size() > 1) {
      middlewares.forEach((p: any) => ctx.sites.skipped(p.node, 'unrecognised-limiter', `several middlewares share the store \`${store}\``));
      continue;
    }
    const path = middlewares.paths()[0]!;
    const fn = path.node as any;
    const at = { loc: fn.loc ?? path.parent?.node.loc };
    const elsewhere = references(j, root, store).filter((p: any) => !within(p, fn) && p.node !== declarator.id && !inCleanup(p));
    if (elsewhere.length > 0) {
      ctx.sites.skipped(at, 'store-used-elsewhere', `\`${store}\` is used on line ${elsewhere[0].node.loc?.start.line}`);
      continue;
    }
    let analysis: Analysis;
    try {
      analysis = analyse(j, fn, store);
    } catch (error) {
      if (!(error instanceof UnsupportedField)) throw error;
      analysis = { ok: false, reason: 'response-uses-locals', detail: `the 429 response reads the entry's \`${error.message}\`` };
    }
    if (!analysis.ok) {
      ctx.sites.skipped(at, analysis.reason, analysis.detail);
      continue;
    }
    if (fn.type === 'FunctionDeclaration' && usedBeforeDeclaration(j, root, fn)) {
      ctx.sites.skipped(at, 'unrecognised-limiter', `\`${fn.id.name}\` is used above its declaration; a const would not be hoisted`);
      continue;
    }
    if (ctx.file.package?.dependencyRange('rate-limiter-flexible')) {
      if (rewriteAsFlexible(ctx, path, analysis.limiter, store, at)) removeDeadStore(ctx, statement, store);
      continue;
    }
    const prefix = prefixFor(ctx, store, true);
    if (!ctx.sites.changed(at, `in-memory limiter -> express-rate-limit with a Redis store (prefix '${prefix}')`)) continue;
    const typeNames = new Set<string>(j(fn).find(j.TSTypeReference).nodes().map((n: any) => n.typeName.name));
    const call = limiterCall(ctx, analysis.limiter, prefix);
    if (fn.type === 'FunctionDeclaration') {
      const declaration = j.variableDeclaration('const', [j.variableDeclarator(j.identifier(fn.id.name), call)]);
      (declaration as any).comments = fn.comments;
      path.replace(declaration);
    } else {
      path.replace(call);
    }
    removeDeadStore(ctx, statement, store);
    removeUnusedTypeImports(ctx, typeNames);
  }
}

/** Type-only imports the middleware's parameter types used, now that nothing else does. */
function removeUnusedTypeImports(ctx: Context, names: Set<string>): void {
  const { j, root } = ctx;
  const body = root.get().node.program.body as any[];
  for (const statement of [...body]) {
    if (statement.type !== 'ImportDeclaration') continue;
    const typeOnly = statement.importKind === 'type';
    const kept = statement.specifiers.filter((specifier: any) => {
      const name = specifier.local?.name;
      if (!names.has(name) || !(typeOnly || specifier.importKind === 'type')) return true;
      return references(j, root, name).some((p: any) => !/^Import/.test(p.parent.node.type));
    });
    if (kept.length === statement.specifiers.length) continue;
    if (kept.length === 0) body.splice(body.indexOf(statement), 1);
    else statement.specifiers = kept;
  }
}

function isMemoryStore(init: any): boolean {
  if (init?.type === 'NewExpression' && init.callee.name === 'Map' && init.arguments.length === 0) return true;
  return init?.type === 'ObjectExpression' && init.properties.length === 0;
}

function answers429(j: any, fn: any): boolean {
  return j(fn).find(j.CallExpression, is429Call).size() > 0;
}

function references(j: any, root: any, name: string): any[] {
  return root
    .find(j.Identifier, { name })
    .filter((p: any) => {
      const parent = p.parent.node;
      if (parent.type === 'MemberExpression' && parent.property === p.node && !parent.computed) return false;
      return !(/Property$/.test(parent.type) && parent.key === p.node && !parent.computed && !parent.shorthand);
    })
    .paths();
}

function within(path: any, node: any): boolean {
  for (let current = path; current; current = current.parent) if (current.node === node) return true;
  return false;
}

/** Inside a module-level `setInterval(...)` statement (the store's clean-up timer). */
function inCleanup(path: any): boolean {
  return cleanupStatement(path) !== undefined;
}

function cleanupStatement(path: any): any {
  let current = path;
  while (current.parent && current.parent.node.type !== 'Program') current = current.parent;
  const statement = current.node;
  const expression = statement.type === 'ExpressionStatement' ? statement.expression : statement.declarations?.[0]?.init;
  let call = expression;
  while (call?.type === 'CallExpression' && call.callee.type === 'MemberExpression') call = call.callee.object; // setInterval(...).unref()
  return call?.type === 'CallExpression' && call.callee.name === 'setInterval' ? statement : undefined;
}

function usedBeforeDeclaration(j: any, root: any, fn: any): boolean {
  return references(j, root, fn.id.name).some((p: any) => p.node !== fn.id && (p.node.start ?? 0) < (fn.start ?? 0));
}

function code(node: any): string {
  return recast.print(node).code;
}

/** `rateLimit({ windowMs, limit, ..., handler, store })` for a recognised limiter. */
function limiterCall(ctx: Context, limiter: Limiter, prefix: string): any {
  const { j } = ctx;
  const taken = isNameTaken(ctx.j, ctx.root, 'rateLimit') && !findImportedLocal(ctx.j, ctx.root, (s) => s === 'express-rate-limit', 'rateLimit');
  const rateLimit = ensureImport(ctx, 'express-rate-limit', 'rateLimit', taken ? 'expressRateLimit' : 'rateLimit');
  const [req, res, next] = limiter.fn.params.map((p: any) => p.name);
  const limit = limiter.shift === 0 ? code(limiter.max) : `${code(limiter.max)} ${limiter.shift > 0 ? '+' : '-'} 1`;
  const keyCode = keyGenerator(ctx, limiter, req);
  const open = ctx.options.onRedisDown === 'open';
  const handlerParams = identifiersIn(j, limiter.block).has(next) ? `${req}, ${res}, ${next}` : `${req}, ${res}`;
  const call = buildExpression(
    `${rateLimit}({ windowMs: 0, limit: ${limit}, legacyHeaders: ${limiter.legacyHeaders}, ` +
      `${keyCode ? `keyGenerator: ${keyCode}, ` : ''}handler: (${handlerParams}) => {}, passOnStoreError: ${open}, store: 0 })`,
    ctx.typescript,
  );
  const property = (name: string) => call.arguments[0].properties.find((p: any) => p.key.name === name);
  property('windowMs').value = limiter.windowMs;
  if (limiter.windowMs.type === 'Identifier' && limiter.windowMs.name === 'windowMs') property('windowMs').shorthand = true;
  property('store').value = redisStoreExpression(ctx, prefix);
  property('handler').value.body.body = [...handlerPrelude(ctx, limiter, req), ...blockStatements(limiter.block)];
  if (!limiter.fn.params.length) throw new Error('unreachable');
  return j.callExpression(call.callee, call.arguments);
}

/** A key generator when the key is more than the client IP (which is express-rate-limit's default). */
function keyGenerator(ctx: Context, limiter: Limiter, req: string): string | undefined {
  const ipOnly = (node: any) => code(node).startsWith(`${req}.ip`) && !code(node).includes('`');
  const keyIsIp = limiter.key.type !== 'Identifier' ? ipOnly(limiter.key) : limiter.keyDeclarations.length === 1 && ipOnly(limiter.keyDeclarations[0].declarations[0].init);
  if (keyIsIp) return undefined;
  // express-rate-limit asks for IPs in custom keys to go through ipKeyGenerator (one key per IPv6 subnet).
  let ipKeyGenerator: string | undefined;
  const wrap = (text: string) => {
    if (!new RegExp(`\\b${req}\\.ip\\b`).test(text)) return text;
    ipKeyGenerator ??= ensureImport(ctx, 'express-rate-limit', 'ipKeyGenerator');
    if (text.startsWith(`${req}.ip ??`) && /['"][^'"]*['"]$/.test(text)) return `${ipKeyGenerator}(${text})`;
    return text.replace(new RegExp(`\\b${req}\\.ip\\b(?![\\w$])`, 'g'), `${ipKeyGenerator}(${req}.ip ?? '')`);
  };
  const declarations = limiter.keyDeclarations.map((d: any) => `const ${d.declarations[0].id.name} = ${wrap(code(d.declarations[0].init))};`);
  return `(${req}) => { ${declarations.join(' ')} return ${wrap(code(limiter.key))}; }`;
}

/** What the 429 block read from the middleware, rebuilt from express-rate-limit's request info. */
function handlerPrelude(ctx: Context, limiter: Limiter, req: string): any[] {
  const used = identifiersIn(ctx.j, limiter.block);
  const lines: string[] = [];
  const info = ctx.typescript ? `(${req} as AugmentedRequest).rateLimit` : `${req}.rateLimit`;
  const needsNow = (limiter.nowName && used.has(limiter.nowName)) || (limiter.entry && used.has(limiter.entry));
  const now = limiter.nowName ?? 'now';
  if (needsNow) lines.push(`const ${now} = Date.now();`);
  for (const d of limiter.keyDeclarations) {
    if (used.has(d.declarations[0].id.name)) lines.push(`const ${d.declarations[0].id.name} = ${info}.key;`);
  }
  if (limiter.entry && used.has(limiter.entry)) {
    if (ctx.typescript) ensureTypeImport(ctx, 'express-rate-limit', 'AugmentedRequest');
    const reset = `${info}.resetTime?.getTime() ?? ${now}`;
    const time = limiter.timeIsStart ? `(${reset}) - (${code(limiter.windowMs)})` : reset;
    lines.push(`const ${limiter.entry} = { ${limiter.countField}: ${info}.used, ${limiter.timeField}: ${time} };`);
  }
  return buildStatements(lines.join('\n'), ctx.typescript);
}

/** Removes the store and its clean-up timer when nothing else uses them, and what only they used. */
function removeDeadStore(ctx: Context, declaration: any, store: string): void {
  const { j, root } = ctx;
  const body = root.get().node.program.body as any[];
  const remaining = references(j, root, store).filter((p: any) => p.node !== declaration.declarations[0].id);
  const cleanups = new Set(remaining.map(cleanupStatement));
  if (cleanups.has(undefined)) return;
  const removed = [declaration, ...cleanups];
  const names = new Set<string>();
  for (const statement of removed) {
    for (const name of identifiersIn(j, statement)) names.add(name);
    for (const node of j(statement).find(j.TSTypeReference).nodes()) names.add((node.typeName as any).name);
    body.splice(body.indexOf(statement), 1); // its comments describe the removed store
  }
  for (const name of names) {
    const index = body.findIndex((s: any) => declares(s, name));
    if (index === -1 || references(j, root, name).length > 1) continue;
    body.splice(index, 1);
  }
}

function declares(statement: any, name: string): boolean {
  if ((statement.type === 'TSInterfaceDeclaration' || statement.type === 'TSTypeAliasDeclaration') && statement.id.name === name) return true;
  return (
    statement.type === 'VariableDeclaration' &&
    statement.kind === 'const' &&
    statement.declarations.length === 1 &&
    statement.declarations[0].id.name === name &&
    /Literal|BinaryExpression/.test(statement.declarations[0].init?.type ?? '')
  );
}
