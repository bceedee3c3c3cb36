/**
 * Case 2: `rateLimit({...})` from express-rate-limit without a `store` counts in each process's
 * memory. It gets a rate-limit-redis store on the shared client, under a prefix of its own; every
 * option it had (keyGenerator, skip, handler, ...) stays as written.
 */
import { findImportedLocal } from '../../src/ast/imports.js';
import { buildExpression } from '../../src/ast/build.js';
import { atLeast, insideFunction, limiterName, minimumOf, prefixFor, propertyNamed, redisStoreExpression, type Context } from './shared.js';

export function rewriteExpressRateLimit(ctx: Context): void {
  const { j, root } = ctx;
  const isErl = (source: string) => source === 'express-rate-limit';
  const locals = new Set(
    [findImportedLocal(j, root, isErl, 'default'), findImportedLocal(j, root, isErl, 'rateLimit')].filter((n): n is string => !!n),
  );
  if (locals.size === 0) return;
  const range = ctx.file.package?.dependencyRange('express-rate-limit');
  const minimum = minimumOf(range);
  const major = minimum?.[0];
  // passOnStoreError arrived in 7.4.0 (7.4.1 fixed it); before, store errors always reach next(err).
  const hasPassOnStoreError = !minimum || atLeast(minimum, [7, 4, 1]);

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
      if (major !== undefined && major < 6) {
        ctx.sites.skipped(call, 'express-rate-limit-too-old', `package.json asks for express-rate-limit ${range}, which has no store API rate-limit-redis supports`);
        return;
      }
      if (!hasPassOnStoreError && ctx.options.onRedisDown === 'open' && !propertyNamed(options ?? { properties: [] }, 'passOnStoreError')) {
        ctx.sites.skipped(
          call,
          'express-rate-limit-too-old',
          `package.json asks for express-rate-limit ${range}; before 7.4.1 it cannot fail open (no passOnStoreError): raise it to ^7.5.1, or run with onRedisDown: closed`,
        );
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
      object.properties.push(j.objectProperty(j.identifier('store'), redisStoreExpression(ctx, prefix, major)));
      if (hasPassOnStoreError && !propertyNamed(object, 'passOnStoreError')) {
        object.properties.push(
          j.objectProperty(j.identifier('passOnStoreError'), buildExpression(String(ctx.options.onRedisDown === 'open'), ctx.typescript)),
        );
      }
    });
}
