/**
 * Case 2: `rateLimit({...})` from express-rate-limit without a `store` counts in each process's
 * memory. It gets a rate-limit-redis store on the shared client, under a prefix of its own; every
 * option it had (keyGenerator, skip, handler, ...) stays as written.
 */
import { findImportedLocal } from '../../src/ast/imports.js';
import { buildExpression } from '../../src/ast/build.js';
import { insideFunction, limiterName, majorOf, prefixFor, propertyNamed, redisStoreExpression, type Context } from './shared.js';

export function rewriteExpressRateLimit(ctx: Context): void {
  const { j, root } = ctx;
  const isErl = (source: string) => source === 'express-rate-limit';
  const locals = new Set(
    [findImportedLocal(j, root, isErl, 'default'), findImportedLocal(j, root, isErl, 'rateLimit')].filter((n): n is string => !!n),
  );
  if (locals.size === 0) return;
  const major = majorOf(ctx.file.package?.dependencyRange('express-rate-limit'));

  root
    .find(j.CallExpression)
    .filter((path: any) => path.node.callee.type === 'Identifier' && locals.has(path.node.callee.name))
    .forEach((path: any) => {
      const call = path.node;
      const options = call.arguments[0];
      if (options?.type === 'ObjectExpression' && propertyNamed(options, 'store')) return; // has its own store
      if (call.arguments.length > 1 || (options && options.type !== 'ObjectExpression')) {
        ctx.sites.skipped(call, 'options-not-literal', 'the options are not an object literal written here');
        return;
      }
      if (options?.properties.some((p: any) => p.type === 'SpreadElement' || p.type === 'SpreadProperty')) {
        ctx.sites.skipped(call, 'options-not-literal', 'the options spread another object, which may already hold a store');
        return;
      }
      if (major !== undefined && major < 8) {
        ctx.sites.skipped(call, 'express-rate-limit-too-old', `package.json asks for express-rate-limit ${ctx.file.package?.dependencyRange('express-rate-limit')}`);
        return;
      }
      if (insideFunction(path)) {
        ctx.sites.skipped(call, 'limiter-created-at-runtime');
        return;
      }
      const prefix = prefixFor(ctx, limiterName(path) ?? `line${call.loc?.start.line ?? 0}`, true);
      const down = ctx.options.onRedisDown === 'open' ? 'fails open' : 'fails closed';
      if (!ctx.sites.changed(call, `express-rate-limit counts in Redis (prefix '${prefix}', ${down} when Redis is down)`)) return;
      const object = options ?? j.objectExpression([]);
      if (!options) call.arguments.push(object);
      object.properties.push(j.objectProperty(j.identifier('store'), redisStoreExpression(ctx, prefix)));
      if (!propertyNamed(object, 'passOnStoreError')) {
        object.properties.push(
          j.objectProperty(j.identifier('passOnStoreError'), buildExpression(String(ctx.options.onRedisDown === 'open'), ctx.typescript)),
        );
      }
    });
}
