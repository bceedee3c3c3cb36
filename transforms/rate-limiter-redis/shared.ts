/**
 * What the three rewrites share: the context they run in, the distinct key prefix of each limiter,
 * imports of named bindings, the rate-limit-redis store expression and its dependencies.
 */
import { posix } from 'node:path';
import type { Collection, JSCodeshift } from 'jscodeshift';
import { addImport, findImportedLocal, isNameTaken, noteExtendedRequire, writesEsm } from '../../src/ast/imports.js';
import { buildExpression, stringLiteralCode } from '../../src/ast/build.js';
import type { FileInfo, ProjectView, Requests, Sites } from '../../src/transform.js';
import { flavourOf } from '../../src/ast/support-module.js';
import { useStoreFactory } from './client.js';

export const RANGES = {
  'express-rate-limit': '^8.7.5',
  'rate-limit-redis': '^6.0.1',
  /** The last rate-limit-redis major for express-rate-limit 6 and 7 (peer `>= 6`); 4.2 added the named `RedisStore` export. */
  'rate-limit-redis-legacy': '^4.2.0',
  'rate-limiter-flexible': '^11.4.0',
} as const;

export interface Options {
  onRedisDown: 'open' | 'closed';
  redisUrlEnv: string;
  supportDir: string;
  keyPrefix: string;
}

export type Reason =
  | 'options-not-literal'
  | 'limiter-created-at-runtime'
  | 'express-rate-limit-too-old'
  | 'limits-not-static'
  | 'no-window'
  | 'sliding-window'
  | 'store-used-elsewhere'
  | 'key-not-static'
  | 'response-uses-locals'
  | 'unrecognised-limiter'
  | 'window-not-whole-seconds';

export interface Context {
  j: JSCodeshift;
  root: Collection<any>;
  file: FileInfo;
  options: Options;
  sites: Sites<Reason>;
  request: Requests;
  project: ProjectView;
  typescript: boolean;
  /** Prefixes handed out in this file, to keep them distinct. */
  prefixes: Set<string>;
}

/** A distinct key prefix: `<keyPrefix><file stem>:<name>` (+ `-2`, `-3` on a clash in the file). */
export function prefixFor(ctx: Context, name: string, trailingColon: boolean): string {
  const stem = posix.basename(ctx.file.path).replace(/\.[^.]+$/, '').replace(/\.(input|output)$/, '');
  const base = `${ctx.options.keyPrefix}${stem}:${name}`;
  let prefix = base;
  for (let n = 2; ctx.prefixes.has(prefix); n += 1) prefix = `${base}-${n}`;
  ctx.prefixes.add(prefix);
  return trailingColon ? `${prefix}:` : prefix;
}

/** A readable name for the limiter created by `path`'s node: its variable, key or route. */
export function limiterName(path: any): string | undefined {
  let current = path;
  while (current?.parent) {
    const parent = current.parent.node;
    if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.value === current.node) {
      return parent.key.name ?? String(parent.key.value);
    }
    if (parent.type === 'AssignmentExpression' && parent.left.type === 'MemberExpression' && !parent.left.computed) {
      return parent.left.property.name;
    }
    if (parent.type === 'CallExpression' && parent.arguments.includes(current.node)) {
      const route = parent.arguments.find((a: any) => (a.type === 'StringLiteral' || a.type === 'Literal') && typeof a.value === 'string');
      const slug = route ? String(route.value).replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') : '';
      return slug || undefined;
    }
    if (parent.type === 'FunctionDeclaration' && parent.id) return parent.id.name;
    if (/Function|Program/.test(parent.type)) return undefined;
    current = current.parent;
  }
  return undefined;
}

/** True when `path` sits inside a function (its node is created each time the function runs). */
export function insideFunction(path: any): boolean {
  for (let current = path.parent; current; current = current.parent) {
    if (/Function/.test(current.node.type) || current.node.type === 'ClassMethod' || current.node.type === 'ObjectMethod') return true;
  }
  return false;
}

/** The local name bound to `imported` of `source`, importing it when the file does not yet. */
export function ensureImport(ctx: Context, source: string, imported: string, preferred = imported): string {
  const existing = findImportedLocal(ctx.j, ctx.root, (s) => s === source, imported);
  if (existing) return existing;
  let local = preferred;
  for (let n = 2; isNameTaken(ctx.j, ctx.root, local); n += 1) local = `${preferred}${n}`;
  const { j } = ctx;
  for (const statement of ctx.root.get().node.program.body as any[]) {
    if (statement.type === 'ImportDeclaration' && statement.source.value === source && statement.importKind !== 'type' &&
      statement.specifiers.length > 0 && statement.specifiers.every((s: any) => s.type === 'ImportSpecifier')) {
      statement.specifiers.push(j.importSpecifier(j.identifier(imported), j.identifier(local)));
      return local;
    }
    const declarator = statement.type === 'VariableDeclaration' && statement.declarations.length === 1 ? statement.declarations[0] : undefined;
    if (declarator?.id.type === 'ObjectPattern' && declarator.init?.type === 'CallExpression' && declarator.init.callee.name === 'require' &&
      declarator.init.arguments[0]?.value === source) {
      const property = j.objectProperty(j.identifier(imported), j.identifier(local));
      (property as any).shorthand = imported === local;
      declarator.id.properties.push(property);
      noteExtendedRequire(ctx.root, statement, [local]);
      return local;
    }
  }
  addImport(ctx.j, ctx.root, { source, imported, local }, writesEsm(ctx.j, ctx.root, ctx.file));
  return local;
}

/** Adds `import type { name } from source` in TypeScript files (nothing in JavaScript). */
export function ensureTypeImport(ctx: Context, source: string, name: string): void {
  if (!ctx.typescript) return;
  const body = ctx.root.get().node.program.body as any[];
  const has = body.some(
    (s) => s.type === 'ImportDeclaration' && s.source.value === source && (s.specifiers ?? []).some((sp: any) => sp.local?.name === name),
  );
  if (has) return;
  const declaration = ctx.j.importDeclaration([ctx.j.importSpecifier(ctx.j.identifier(name))], ctx.j.stringLiteral(source));
  (declaration as any).importKind = 'type';
  const last = body.reduce((index: number, s: any, i: number) => (s.type === 'ImportDeclaration' ? i : index), -1);
  body.splice(last + 1, 0, declaration);
}

/**
 * `redisStore(prefix)` from the generated store module, with its imports and dependencies.
 * `erlMajor` is the express-rate-limit major the project pins (undefined: none, 8 is requested);
 * below 8 the store is rate-limit-redis 4, whose `RedisStore` has the same API as 6's.
 */
export function redisStoreExpression(ctx: Context, prefix: string, erlMajor?: number): any {
  const factory = useStoreFactory(ctx);
  const legacy = erlMajor !== undefined && erlMajor < 8;
  ctx.request.dependency('rate-limit-redis', RANGES[legacy ? 'rate-limit-redis-legacy' : 'rate-limit-redis']);
  if (!legacy) ctx.request.dependency('express-rate-limit', RANGES['express-rate-limit']);
  return buildExpression(`${factory}(${stringLiteralCode(prefix)})`, ctx.typescript);
}

/** The major version a dependency range pins (`^7.1.5` -> 7), if it is plain enough to tell. */
export function majorOf(range: string | undefined): number | undefined {
  return minimumOf(range)?.[0];
}

/** The lowest version a plain range allows (`^7.1.5` -> [7, 1, 5], `~7.4` -> [7, 4, 0]). */
export function minimumOf(range: string | undefined): [number, number, number] | undefined {
  const match = range && /^\s*[\^~>=v]*\s*(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(range);
  if (!match) return undefined;
  const part = (text: string | undefined) => (text === undefined || !/^\d+$/.test(text) ? 0 : Number(text));
  return [Number(match[1]), part(match[2]), part(match[3])];
}

/** Whether version `a` is at least `b`. */
export function atLeast(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

export function propertyNamed(object: any, name: string): any {
  return object.properties.find(
    (p: any) => (p.type === 'ObjectProperty' || p.type === 'Property') && !p.computed && (p.key.name ?? p.key.value) === name,
  );
}
