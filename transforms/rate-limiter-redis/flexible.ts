/**
 * Case 3: rate-limiter-flexible's `new RateLimiterMemory({...})` becomes `new RateLimiterRedis`
 * on the shared client, with the same points and duration and a key prefix of its own. Failing
 * open is rate-limiter-flexible's own mechanism: an `insuranceLimiter` (the same limits, in
 * memory) answers while Redis is unreachable.
 */
import recast from 'recast';
import { findImportedLocal, isNameTaken } from '../../src/ast/imports.js';
import { buildExpression, stringLiteralCode } from '../../src/ast/build.js';
import { useSharedClient } from './client.js';
import { insideFunction, limiterName, prefixFor, propertyNamed, type Context } from './shared.js';

const LIMIT_KEYS = ['points', 'duration', 'blockDuration'];

export function rewriteFlexible(ctx: Context): void {
  const { j, root } = ctx;
  const isRlf = (source: string) => source === 'rate-limiter-flexible';
  const memory = findImportedLocal(j, root, isRlf, 'RateLimiterMemory');
  if (!memory) return;
  let redisName: string | undefined;
  let changed = false;

  root
    .find(j.NewExpression, { callee: { type: 'Identifier', name: memory } })
    .forEach((path: any) => {
      const node = path.node;
      const parent = path.parent.node;
      if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && (parent.key.name ?? parent.key.value) === 'insuranceLimiter') return;
      const options = node.arguments[0];
      if (node.arguments.length !== 1 || options.type !== 'ObjectExpression' || options.properties.some((p: any) => !/Property$/.test(p.type) || p.computed)) {
        ctx.sites.skipped(node, 'options-not-literal', 'the options are not an object literal with plain keys');
        return;
      }
      if (insideFunction(path)) {
        ctx.sites.skipped(node, 'limiter-created-at-runtime');
        return;
      }
      const limits = options.properties.filter((p: any) => LIMIT_KEYS.includes(p.key.name ?? p.key.value));
      if (ctx.options.onRedisDown === 'open' && !limits.every((p: any) => isSimple(p.value))) {
        ctx.sites.skipped(node, 'limits-not-static', 'points/duration are computed by calls; the in-memory insurance limiter would compute them again');
        return;
      }
      const keyPrefix = propertyNamed(options, 'keyPrefix');
      const prefix = keyPrefix ? undefined : prefixFor(ctx, limiterName(path) ?? `line${node.loc?.start.line ?? 0}`, false);
      const down = ctx.options.onRedisDown === 'open' ? 'an in-memory insurance limiter answers' : 'errors reach the caller';
      if (!ctx.sites.changed(node, `RateLimiterMemory -> RateLimiterRedis${prefix ? ` (keyPrefix '${prefix}')` : ''}; when Redis is down ${down}`)) return;
      changed = true;
      redisName ??= rlfImport(ctx, memory);
      const client = useSharedClient(ctx);
      const added = [j.objectProperty(j.identifier('storeClient'), j.identifier(client))];
      if (prefix) added.push(j.objectProperty(j.identifier('keyPrefix'), buildExpression(stringLiteralCode(prefix), ctx.typescript)));
      options.properties.unshift(...added);
      if (ctx.options.onRedisDown === 'open' && !propertyNamed(options, 'insuranceLimiter')) {
        const copies = limits.map((p: any) => `${p.key.name ?? p.key.value}: ${source(p.value)}`).join(', ');
        options.properties.push(
          j.objectProperty(j.identifier('insuranceLimiter'), buildExpression(`new ${memory}({ ${copies} })`, ctx.typescript)),
        );
      }
      node.callee = j.identifier(redisName);
      const declarator = parent.type === 'VariableDeclarator' ? parent : undefined;
      const annotation = declarator?.id.typeAnnotation?.typeAnnotation;
      if (annotation?.type === 'TSTypeReference' && annotation.typeName.name === memory) annotation.typeName = j.identifier(redisName);
    });

  if (changed && ctx.options.onRedisDown === 'closed') removeIfUnused(ctx, memory);
}

/** `RateLimiterRedis` added to the file's import (or require) of rate-limiter-flexible. */
function rlfImport(ctx: Context, memory: string): string {
  const { j, root } = ctx;
  const existing = findImportedLocal(j, root, (s) => s === 'rate-limiter-flexible', 'RateLimiterRedis');
  if (existing) return existing;
  const name = isNameTaken(j, root, 'RateLimiterRedis') ? 'FlexibleRateLimiterRedis' : 'RateLimiterRedis';
  for (const statement of root.get().node.program.body as any[]) {
    if (statement.type === 'ImportDeclaration' && statement.source.value === 'rate-limiter-flexible' && statement.importKind !== 'type') {
      if (statement.specifiers.some((s: any) => s.local.name === memory)) {
        statement.specifiers.push(j.importSpecifier(j.identifier('RateLimiterRedis'), j.identifier(name)));
        return name;
      }
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        if (declarator.id.type !== 'ObjectPattern') continue;
        if (!declarator.id.properties.some((p: any) => p.value?.name === memory)) continue;
        const property = j.objectProperty(j.identifier('RateLimiterRedis'), j.identifier(name));
        (property as any).shorthand = name === 'RateLimiterRedis';
        declarator.id.properties.push(property);
        return name;
      }
    }
  }
  throw new Error('the import of RateLimiterMemory was not found again');
}

function removeIfUnused(ctx: Context, memory: string): void {
  const { j, root } = ctx;
  const uses = root.find(j.Identifier, { name: memory }).filter((path: any) => {
    const parent = path.parent.node;
    if (parent.type === 'ImportSpecifier') return false;
    return !(/Property$/.test(parent.type) && path.parent.parent?.node.type === 'ObjectPattern');
  });
  if (uses.size() > 0) return;
  for (const statement of root.get().node.program.body as any[]) {
    if (statement.type === 'ImportDeclaration' && statement.source.value === 'rate-limiter-flexible') {
      statement.specifiers = statement.specifiers.filter((s: any) => s.local.name !== memory);
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        if (declarator.id.type === 'ObjectPattern') declarator.id.properties = declarator.id.properties.filter((p: any) => p.value?.name !== memory);
      }
    }
  }
}

/** Literals, names, member chains and arithmetic on them: safe to evaluate twice. */
function isSimple(node: any): boolean {
  switch (node.type) {
    case 'NumericLiteral':
    case 'Literal':
    case 'Identifier':
      return true;
    case 'MemberExpression':
      return !node.computed && isSimple(node.object);
    case 'BinaryExpression':
      return isSimple(node.left) && isSimple(node.right);
    case 'UnaryExpression':
      return isSimple(node.argument);
    default:
      return false;
  }
}

function source(node: any): string {
  return recast.print(node).code;
}
