import { z } from 'zod';
import { defineTransform } from '../../src/transform.js';
import { lineCommentEnd } from '../../src/ast/comments.js';
import { rewriteExpressRateLimit } from './express-rate-limit.js';
import { rewriteFlexible } from './flexible.js';
import { rewriteHandWritten } from './hand-written.js';
import type { Context, Reason } from './shared.js';

const skipReasons: Record<Reason, string> = {
  'options-not-literal':
    'the limiter options are not an object literal written at the call (a variable, a spread or extra arguments); add the Redis store by hand',
  'limiter-created-at-runtime':
    'the limiter is created inside a function, so several limiters may come from this line; give each a distinct Redis key prefix by hand',
  'express-rate-limit-too-old':
    'package.json pins an express-rate-limit harden cannot add a Redis store to: below 6 (no store API rate-limit-redis supports), or below 7.4.1 while onRedisDown is `open` (no passOnStoreError to fail open); upgrade it (^7.5.1, or ^8.7.5 renaming `max` to `limit`) or choose onRedisDown `closed`, and run harden again',
  'limits-not-static':
    'the window or the maximum is computed at run time (from the request, a call or a reassigned variable); harden cannot carry it into a Redis limiter',
  'no-window': 'no time window was found (a concurrency cap or a ban list is not a rate limit); left as it is',
  'sliding-window':
    'the limiter keeps a list of timestamps (a sliding window); Redis stores here count fixed windows, which would let up to twice the limit through at a window edge',
  'store-used-elsewhere': 'the in-memory store is read or written outside the limiter; replacing it would break that code',
  'key-not-static': 'the key is built from values harden cannot recompute outside the middleware; rewrite the key generator by hand',
  'response-uses-locals':
    'the 429 response uses values computed inside the middleware that have no Redis equivalent; port the response by hand',
  'unrecognised-limiter':
    'a middleware answers 429 from an in-memory store, but its counting does not match a fixed-window limiter harden can prove equal',
  'window-not-whole-seconds':
    'the project uses rate-limiter-flexible, whose `duration` is whole seconds, and the window is not a whole number of seconds (or is only known at run time); port the limiter by hand',
};

const STATUS_METHOD = /\b(?:status|sendStatus)\b/g;

/**
 * Whether the text may hold a call `x.status(429)` or `x.sendStatus(429)` (what a hand-written
 * limiter answers, see `is429Call`: the literal 429 first): the method's name, then a `429` before
 * the next `;` outside comments and angle brackets (what may stand between: parentheses, blanks,
 * comments and type arguments, which may hold a `;`: `status<{ a: 1; }>(429)`). Loose on purpose:
 * it may admit a file with no such call, never leave one out.
 */
export function mayAnswer429(source: string): boolean {
  if (!source.includes('429')) return false;
  STATUS_METHOD.lastIndex = 0;
  for (let match = STATUS_METHOD.exec(source); match; match = STATUS_METHOD.exec(source)) {
    let angles = 0;
    for (let i = match.index + match[0].length; i < source.length; i += 1) {
      const c = source.charCodeAt(i);
      if (c === 59 /* ; */ && angles === 0) break;
      if (c === 60 /* < */) angles += 1;
      else if (c === 62 /* > */ && angles > 0) angles -= 1;
      else if (c === 47 /* / */ && source.charCodeAt(i + 1) === 42 /* * */) {
        const close = source.indexOf('*/', i + 2);
        if (close < 0) return true;
        i = close + 1;
      } else if (c === 47 && source.charCodeAt(i + 1) === 47) {
        i = lineCommentEnd(source, i) - 1;
      } else if (c === 52 /* 4 */ && source.startsWith('429', i)) {
        STATUS_METHOD.lastIndex = 0;
        return true;
      }
    }
  }
  return false;
}

export default defineTransform({
  id: 'rate-limiter-redis',
  title: 'Move in-memory rate limiters to Redis',
  description:
    'Hand-written in-memory limiters, express-rate-limit without a store and rate-limiter-flexible memory limiters ' +
    'become Redis-backed limiters with the same limits, so they hold across instances and restarts. ' +
    'One shared ioredis client is generated (or derived from the project’s own), each limiter gets its own key prefix, ' +
    'and what happens while Redis is down is an explicit option.',
  seed: [
    { review: '000', finding: 'In-Memory Rate Limiting' },
    { review: '002', finding: 'In-memory counter (resets on restart, not persistent)' },
  ],
  skipReasons,
  needs: ['express-rate-limit', 'RateLimiterMemory', '429'],
  // a hand-written limiter answers `.status(429)`
  prefilter: (source) => source.includes('express-rate-limit') || source.includes('RateLimiterMemory') || mayAnswer429(source),
  scope: 'file',
  options: z.object({
    onRedisDown: z
      .enum(['open', 'closed'])
      .default('open')
      .describe('While Redis is unreachable: `open` lets requests through and logs the error; `closed` fails them.'),
    redisUrlEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('REDIS_URL').describe('Environment variable holding the Redis URL.'),
    supportDir: z.string().default('src/lib').describe('Folder (relative to the package) of the generated Redis client module.'),
    keyPrefix: z.string().default('rl:').describe('Start of every limiter key prefix in Redis.'),
  }),
  apply({ j, root, file, options, sites, request, project }) {
    const ctx: Context = { j, root, file, options, sites, request, project, typescript: file.language !== 'js', prefixes: new Set() };
    rewriteExpressRateLimit(ctx);
    rewriteFlexible(ctx);
    rewriteHandWritten(ctx);
  },
});
