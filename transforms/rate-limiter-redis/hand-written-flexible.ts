/**
 * Case 1 in a project that already uses rate-limiter-flexible: the recognised middleware keeps its
 * name, export and `(req, res, next)` signature and becomes `async`; its counting moves to a
 * `RateLimiterRedis` on the shared client (created next to the middleware, one per original
 * store, `points`/`duration` from the extracted limit and window), awaited with `consume(key)`.
 * On a `RateLimiterRes` rejection the original 429 block runs as written, after the
 * `X-RateLimit-*` headers the original set, with the entry it read rebuilt from the rejection
 * (`consumedPoints`, `msBeforeNext`); any other error is Redis being unreachable: `onRedisDown`
 * `open` logs it and calls `next()`, `closed` calls `next(err)`.
 */
import recast from 'recast';
import { isNameTaken } from '../../src/ast/imports.js';
import { buildStatements, stringLiteralCode } from '../../src/ast/build.js';
import { useSharedClient } from './client.js';
import { blockStatements, identifiersIn, isHeader, type Limiter } from './hand-written-analyse.js';
import { ensureImport, prefixFor, RANGES, type Context } from './shared.js';

const code = (node: any): string => recast.print(node).code;

/** Rewrites the middleware at `path`; reports its own site. */
export function rewriteAsFlexible(ctx: Context, path: any, limiter: Limiter, store: string, at: any): boolean {
  const { j } = ctx;
  const fn = limiter.fn;
  const window = evaluate(ctx, limiter.windowMs);
  if (window === undefined || window % 1000 !== 0 || window <= 0) {
    const detail =
      window === undefined
        ? `the window \`${code(limiter.windowMs)}\` is only known at run time`
        : `the window is ${window} ms`;
    ctx.sites.skipped(at, 'window-not-whole-seconds', detail);
    return false;
  }
  const returnType = fn.returnType?.typeAnnotation;
  if (fn.async || fn.generator || (returnType && returnType.type !== 'TSVoidKeyword')) {
    ctx.sites.skipped(at, 'unrecognised-limiter', 'the middleware is async, a generator or declares a return type other than void');
    return false;
  }
  const anchor = statementOf(path);
  const late = [...identifiersIn(j, limiter.windowMs), ...identifiersIn(j, limiter.max)].find((name) => declaredAfter(ctx, name, anchor.node));
  if (late) {
    ctx.sites.skipped(at, 'unrecognised-limiter', `\`${late}\` is declared below the middleware, where its limiter would be created`);
    return false;
  }
  const prefix = prefixFor(ctx, store, false);
  if (!ctx.sites.changed(at, `in-memory limiter -> rate-limiter-flexible RateLimiterRedis (keyPrefix '${prefix}')`)) return false;

  const RateLimiterRedis = ensureImport(ctx, 'rate-limiter-flexible', 'RateLimiterRedis');
  const RateLimiterRes = ensureImport(ctx, 'rate-limiter-flexible', 'RateLimiterRes');
  ctx.request.dependency('rate-limiter-flexible', RANGES['rate-limiter-flexible']);
  const client = useSharedClient(ctx);
  let name = 'rateLimiter';
  for (let n = 2; isNameTaken(j, ctx.root, name); n += 1) name = `rateLimiter${n}`;
  const points = limiter.shift === 0 ? code(limiter.max) : `${code(limiter.max)} ${limiter.shift > 0 ? '+' : '-'} 1`;
  const [declaration] = buildStatements(
    `const ${name} = new ${RateLimiterRedis}({ storeClient: ${client}, keyPrefix: ${stringLiteralCode(prefix)}, ` +
      `points: ${points}, duration: ${duration(limiter.windowMs)} });`,
    ctx.typescript,
  );
  const container: any[] = anchor.parent.node.body;
  container.splice(container.indexOf(anchor.node), 0, declaration);

  const [, res, next] = fn.params.map((p: any) => p.name);
  const used = new Set<string>([...identifiersIn(j, fn.body)]);
  let error = 'error';
  for (let n = 2; used.has(error); n += 1) error = `error${n}`;
  const body: any[] = fn.body.body;
  const checkIndex = body.findIndex((s: any) => s.type === 'IfStatement' && s.consequent === limiter.block);
  const headers = body.filter((s: any) => s.type === 'ExpressionStatement' && isHeader(s.expression, res));
  const headersBefore = headers.filter((s: any) => body.indexOf(s) < checkIndex);
  const blockUses = identifiersIn(j, limiter.block);
  const headerUses = new Set(headers.flatMap((s: any) => [...identifiersIn(j, s)]));
  // consume() takes a string or number; `req.ip` is typed `string | undefined`, and the Map keyed
  // an undefined IP as one bucket, which String() keeps ('undefined').
  const declaredKey = limiter.key.type === 'Identifier' ? limiter.keyDeclarations.find((d: any) => d.declarations[0].id.name === limiter.key.name) : undefined;
  const keyValue = declaredKey ? declaredKey.declarations[0].init : limiter.key;
  const isString = ['TemplateLiteral', 'StringLiteral'].includes(keyValue?.type);
  const keyCode = limiter.key.type === 'Identifier' ? limiter.key.name : code(limiter.key);
  const key = ctx.typescript && !isString ? `String(${keyCode})` : keyCode;
  const prelude = (from: string, uses: Set<string>) => {
    const lines: string[] = [];
    const now = limiter.nowName ?? 'now';
    if ((limiter.nowName && uses.has(limiter.nowName)) || (limiter.entry && uses.has(limiter.entry))) lines.push(`const ${now} = Date.now();`);
    if (limiter.entry && uses.has(limiter.entry)) {
      const reset = `${now} + ${from}.msBeforeNext`;
      const time = limiter.timeIsStart ? `${reset} - (${code(limiter.windowMs)})` : reset;
      lines.push(`const ${limiter.entry} = { ${limiter.countField}: ${from}.consumedPoints, ${limiter.timeField}: ${time} };`);
    }
    return lines.join('\n');
  };
  const down =
    ctx.options.onRedisDown === 'open'
      ? `console.error('rate limiting: Redis unavailable, request allowed:', ${error}); ${next}(); return;`
      : `${next}(${error}); return;`;
  const success = headers.length > 0 ? `const result = await ${name}.consume(${key}); ${prelude('result', headerUses)} /*HEADERS*/` : `await ${name}.consume(${key});`;
  const [tryStatement, nextCall] = buildStatements(
    `try { ${success} } catch (${error}) {
      if (!(${error} instanceof ${RateLimiterRes})) { ${down} }
      ${prelude(error, new Set([...blockUses, ...headersBefore.flatMap((s: any) => [...identifiersIn(j, s)])]))}
      /*BLOCK*/
    }
    ${next}();`,
    ctx.typescript,
  );
  if (headers.length > 0) tryStatement.block.body.push(...headers.map(clone));
  const handler = tryStatement.handler.body.body;
  const block = blockStatements(limiter.block);
  const ends = ['ReturnStatement', 'ThrowStatement'].includes(block[block.length - 1]?.type);
  handler.push(...headersBefore, ...block, ...(ends ? [] : [j.returnStatement(null)]));
  fn.body.body = [...limiter.keyDeclarations, tryStatement, nextCall];
  fn.async = true;
  if (returnType) fn.returnType.typeAnnotation = j.tsTypeReference(j.identifier('Promise'), j.tsTypeParameterInstantiation([j.tsVoidKeyword()]));
  return true;
}

function clone(node: any): any {
  return JSON.parse(JSON.stringify(node, (k, v) => (k === 'loc' || k === 'start' || k === 'end' || k === 'tokens' ? undefined : v)));
}

/** The statement (in a block or the program) holding `path`. */
function statementOf(path: any): any {
  let current = path;
  while (current.parent && !Array.isArray(current.parent.node.body)) current = current.parent;
  return current;
}

function declaredAfter(ctx: Context, name: string, statement: any): boolean {
  const { j } = ctx;
  return ctx.root
    .find(j.VariableDeclarator, { id: { type: 'Identifier', name } })
    .some((p: any) => (p.node.start ?? 0) > (statement.start ?? 0) && p.parent.parent.node.type === 'Program');
}

/** `duration` in seconds: `N` for `N * 1000`, else `<window> / 1000`. */
function duration(windowMs: any): string {
  if (windowMs.type === 'BinaryExpression' && windowMs.operator === '*' && /^(1000|1_000)$/.test(code(windowMs.right))) return code(windowMs.left);
  if (windowMs.type === 'NumericLiteral' || windowMs.type === 'Literal') return String(windowMs.value / 1000);
  const text = code(windowMs);
  return /^[\w$.]+$/.test(text) ? `${text} / 1000` : `(${text}) / 1000`;
}

/** The number an expression of literals and module-level constants is, if harden can tell. */
function evaluate(ctx: Context, node: any, depth = 0): number | undefined {
  if (depth > 10 || !node) return undefined;
  switch (node.type) {
    case 'NumericLiteral':
    case 'Literal':
      return typeof node.value === 'number' ? node.value : undefined;
    case 'BinaryExpression': {
      const left = evaluate(ctx, node.left, depth + 1);
      const right = evaluate(ctx, node.right, depth + 1);
      if (left === undefined || right === undefined) return undefined;
      return { '*': left * right, '+': left + right, '-': left - right, '/': left / right }[node.operator as string];
    }
    case 'Identifier': {
      for (const statement of ctx.root.get().node.program.body as any[]) {
        const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
        if (declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'const') continue;
        const declarator = declaration.declarations.find((d: any) => d.id.type === 'Identifier' && d.id.name === node.name);
        if (declarator) return evaluate(ctx, declarator.init, depth + 1);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
