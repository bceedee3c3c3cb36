/**
 * Which environment variable names hold secrets. A name is split into words (`JWT_SECRET` ->
 * JWT, SECRET; `jwtSecret` -> JWT, SECRET) and judged by its last word, the head of the compound
 * the way English reads it: `ACCESS_TOKEN_SECRET` is a secret, `ACCESS_TOKEN_EXPIRY` is a duration,
 * `PRIVATE_KEY_PATH` a path, `REDIS_KEY_PREFIX` a prefix. A name that mentions a secret word
 * without ending on one, or whose key is public or a storage key, is reported as not a secret.
 */

export type NameVerdict =
  | { kind: 'secret' }
  /** mentions a secret word but names something else; `why` says what */
  | { kind: 'not-secret'; why: string }
  /** nothing secret about it: not a site at all (PORT, NODE_ENV, MONGO_URI) */
  | { kind: 'unrelated' };

/** Head words that name a secret value. */
const SECRET_HEADS = new Set([
  'SECRET', 'SECRETS', 'TOKEN', 'KEY', 'APIKEY', 'PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'PWD',
  'SALT', 'PEPPER', 'CREDENTIAL', 'CREDENTIALS',
]);
/** Words that make the name worth a look (and a `not-secret` report) when they are not the head. */
const SECRET_WORDS = new Set([...SECRET_HEADS, 'PRIVATE']);
/** `<word>_BASE` / `<word>_HASH` heads that are still secrets: SECRET_KEY_BASE, ADMIN_PASSWORD_HASH. */
const SECRET_COMPOUND_HEADS: Record<string, ReadonlySet<string>> = {
  BASE: new Set(['KEY', 'SECRET']),
  HASH: new Set(['PASSWORD', 'PASS', 'PASSWD']),
};
/** Keys that are published or stored, not kept secret. */
const PUBLIC_WORDS = new Set(['PUBLIC', 'PUBLISHABLE', 'PUB', 'SITE', 'ANON']);
/** The word before `KEY` when it names a key in a store, a table or a keyboard, not a credential. */
const STORAGE_KEY_WORDS = new Set([
  'CACHE', 'REDIS', 'STORAGE', 'LOCALSTORAGE', 'SORT', 'PARTITION', 'PRIMARY', 'FOREIGN', 'LOCK', 'QUEUE',
  'ROUTING', 'IDEMPOTENCY', 'SHORTCUT', 'HOT', 'PREFIX', 'FIELD', 'COLUMN', 'INDEX', 'HEADER', 'QUERY', 'PARAM', 'STATE',
]);

/** `JWT_SECRET` / `jwtSecret` / `jwt-secret` -> ['JWT', 'SECRET']. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toUpperCase());
}

export function judgeName(name: string): NameVerdict {
  const parts = words(name);
  if (!parts.some((word) => SECRET_WORDS.has(word))) return { kind: 'unrelated' };
  const head = parts[parts.length - 1]!;
  const before = parts[parts.length - 2];
  const isHead = SECRET_HEADS.has(head) || (before !== undefined && SECRET_COMPOUND_HEADS[head]?.has(before) === true);
  if (!isHead) return { kind: 'not-secret', why: `\`${name}\` ends in ${head}, which is not a secret word` };
  if (parts.length === 1 && (head === 'KEY' || head === 'TOKEN' || head === 'PASS' || head === 'PWD')) {
    return { kind: 'not-secret', why: `\`${name}\` alone does not say what it holds (PWD is the shell's working directory)` };
  }
  const publicWord = parts.find((word) => PUBLIC_WORDS.has(word));
  if (publicWord) return { kind: 'not-secret', why: `\`${name}\` is a ${publicWord} key, published by design` };
  if (head === 'KEY' && before !== undefined && STORAGE_KEY_WORDS.has(before)) {
    return { kind: 'not-secret', why: `\`${name}\` is a ${before} key (a key in a store or a table), not a credential` };
  }
  return { kind: 'secret' };
}

/**
 * Defaults that are not secrets whatever the name says: a URL, a file path, a duration, a number,
 * a key prefix ending in `:`. Undefined when the value could be a secret.
 */
export function nonSecretValue(value: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'the default is a URL';
  if (/^(\/|\.{1,2}\/|~\/)|\.(pem|key|crt|cert|json|p12|pfx|der)$/i.test(value)) return 'the default is a file path';
  if (/^\d+(\.\d+)?\s*(ms|s|m|h|d|w|y|sec|secs|min|mins|hours?|days?|weeks?)?$/i.test(value)) return 'the default is a number or a duration';
  if (/[:/]$/.test(value)) return 'the default is a key prefix';
  return undefined;
}
