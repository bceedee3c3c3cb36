/**
 * The one Redis connection every rewritten limiter shares: a support module
 * (`<supportDir>/rate-limit-redis.<ext>`) requested once per package, built from a template, and
 * an import of its `rateLimitRedis` in the file being rewritten. When the project already exports
 * an ioredis client (its BullMQ connection, typically), the module duplicates that client, so the
 * address and credentials come from one place; a plain re-use is not possible, because BullMQ
 * connections wait forever while Redis is down (`maxRetriesPerRequest: null`), and a limiter on
 * such a connection would hold every request instead of applying its Redis-down choice.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { Collection, JSCodeshift } from 'jscodeshift';
import { findImportedLocal, relativeSpecifier, requiredModule } from '../../src/ast/imports.js';
import { flavourOf, importSupportExport, needsJsSuffix, supportExtension, supportSpecifier, type Flavour } from '../../src/ast/support-module.js';
import { harden } from '../../src/package-root.js';
import type { FileInfo, ProjectView, Requests } from '../../src/transform.js';

const template = (name: string) => readFileSync(harden('transforms', 'rate-limiter-redis', 'templates', name), 'utf8');
const TEMPLATES = { ts: template('rate-limit-redis.ts'), esm: template('rate-limit-redis.esm.js'), cjs: template('rate-limit-redis.cjs.js') };
const STORE_TEMPLATES = { ts: template('rate-limit-store.ts'), esm: template('rate-limit-store.esm.js'), cjs: template('rate-limit-store.cjs.js') };

export const IOREDIS_RANGE = '^5.9.0';
/** Where projects usually keep their Redis connection, looked at when the run does not list them. */
const CONVENTIONAL = ['src/config/redis', 'src/lib/redis', 'src/redis', 'src/queues/connection', 'config/redis', 'lib/redis', 'redis'];
const EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs'];

export interface ClientContext {
  j: JSCodeshift;
  root: Collection<any>;
  file: FileInfo;
  project: ProjectView;
  request: Requests;
  options: { redisUrlEnv: string; supportDir: string };
}

export interface ProjectClient {
  /** Root-relative path of the module that exports it. */
  path: string;
  name: string;
}

function supportTarget(ctx: ClientContext, stem: string): { relative: string; target: string; specifier: string } {
  const flavour = flavourOf(ctx.file);
  const { path } = ctx.file;
  const relative = posix.join(ctx.options.supportDir, stem + supportExtension(path, flavour));
  const target = posix.join(ctx.file.package?.dir ?? '', relative);
  return { relative, target, specifier: supportSpecifier(ctx.j, ctx.root, ctx.file, target) };
}

/** Requests the shared client module (once per package) and ioredis. */
function requestClientModule(ctx: ClientContext): { target: string } {
  const { relative, target } = supportTarget(ctx, 'rate-limit-redis');
  const reuse = findProjectClient(ctx.project, ctx.file.package?.dir ?? '', target);
  ctx.request.file(relative, supportModule(flavourOf(ctx.file), ctx.options.redisUrlEnv, reuse, target, needsJsSuffix(ctx.j, ctx.root, ctx.file)));
  ctx.request.dependency('ioredis', IOREDIS_RANGE);
  return { target };
}

/** Makes the shared `rateLimitRedis` client available in the file; returns its local name. */
export function useSharedClient(ctx: ClientContext): string {
  requestClientModule(ctx);
  return importSupportExport(ctx.j, ctx.root, ctx.file, supportTarget(ctx, 'rate-limit-redis').specifier, 'rateLimitRedis');
}

/** Makes `redisStore(prefix)` (express-rate-limit's Redis store factory) available; returns its local name. */
export function useStoreFactory(ctx: ClientContext): string {
  requestClientModule(ctx);
  const { relative, specifier } = supportTarget(ctx, 'rate-limit-store');
  const flavour = flavourOf(ctx.file);
  const client = supportTarget(ctx, 'rate-limit-redis').relative;
  // Node resolves neither .cjs nor .mjs without the extension
  const sibling = relativeSpecifier(relative, client, /\.[cm]js$/.test(client) || (flavour !== 'cjs' && needsJsSuffix(ctx.j, ctx.root, ctx.file)));
  const text = STORE_TEMPLATES[flavour].replace(/'\.\/rate-limit-redis(\.js)?'/, `'${sibling}'`);
  ctx.request.file(relative, text);
  return importSupportExport(ctx.j, ctx.root, ctx.file, specifier, 'redisStore');
}

/** The support module's text for a flavour, optionally duplicating the project's own client. */
export function supportModule(flavour: Flavour, env: string, reuse: ProjectClient | undefined, target: string, jsSuffix: boolean): string {
  let text = TEMPLATES[flavour].replace('process.env.REDIS_URL', `process.env.${env}`);
  if (!reuse) return text;
  const from = relativeSpecifier(target, reuse.path, flavour !== 'cjs' && jsSuffix);
  const importLine = flavour === 'cjs' ? `const { Redis } = require('ioredis');` : `import { Redis } from 'ioredis';`;
  const replacement = flavour === 'cjs' ? `const { ${reuse.name} } = require('${from}');` : `import { ${reuse.name} } from '${from}';`;
  text = text.replace(importLine, replacement);
  text = text.replace(/new Redis\(process\.env\.\w+ \?\? 'redis:\/\/127\.0\.0\.1:6379', \{/, `${reuse.name}.duplicate({`);
  return text.replace(
    ' * Every limiter shares this one client,',
    ` * It duplicates the project's \`${reuse.name}\` (same address and credentials) with settings fit for\n` +
      ' * rate limiting. Every limiter shares this one client,',
  );
}

const cache = new WeakMap<ProjectView, Map<string, ProjectClient | null>>();

/** An ioredis client the package already exports at the top level of a module, if any. */
export function findProjectClient(project: ProjectView, packageDir: string, exclude: string): ProjectClient | undefined {
  let perPackage = cache.get(project);
  if (!perPackage) cache.set(project, (perPackage = new Map()));
  if (perPackage.has(packageDir)) return perPackage.get(packageDir) ?? undefined;
  const inPackage = (path: string) => packageDir === '' || path.startsWith(`${packageDir}/`);
  const conventional = CONVENTIONAL.flatMap((stem) => EXTENSIONS.map((ext) => posix.join(packageDir, stem + ext)));
  const candidates = [...new Set([...project.files.filter(inPackage), ...conventional])].filter(
    (path) => path !== exclude && !/\.d\.ts$/.test(path) && /\.(c|m)?(j|t)s$/.test(path),
  );
  let found: ProjectClient | undefined;
  for (const path of candidates) {
    const text = project.readFile(path);
    if (!text || !text.includes('ioredis') || !/new (IO)?Redis\b/.test(text)) continue;
    const name = exportedClient(project, path);
    if (name) {
      found = { path, name };
      break;
    }
  }
  perPackage.set(packageDir, found ?? null);
  return found;
}

/** The name of a top-level `export const x = new Redis(...)` (or CommonJS equivalent) in a file. */
function exportedClient(project: ProjectView, path: string): string | undefined {
  const parsed = project.parse(path);
  if (!parsed) return undefined;
  const body = parsed.get().node.program.body as any[];
  const constructors = new Set<string>();
  for (const statement of body) {
    if (statement.type === 'ImportDeclaration' && statement.source.value === 'ioredis') {
      for (const specifier of statement.specifiers ?? []) {
        const imported = specifier.imported?.name ?? 'default';
        if (['default', 'Redis'].includes(imported)) constructors.add(specifier.local.name);
      }
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        if (requiredModule(declarator.init) !== 'ioredis') continue;
        if (declarator.id.type === 'Identifier') constructors.add(declarator.id.name);
        for (const property of declarator.id.properties ?? []) {
          if ((property.key?.name ?? property.key?.value) === 'Redis' && property.value?.type === 'Identifier') constructors.add(property.value.name);
        }
      }
    }
  }
  const isClient = (init: any) =>
    init?.type === 'NewExpression' &&
    ((init.callee.type === 'Identifier' && constructors.has(init.callee.name)) ||
      (init.callee.type === 'MemberExpression' && constructors.has(init.callee.object.name) && init.callee.property.name === 'Redis'));
  const clients = new Map<string, boolean>();
  for (const statement of body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
    if (declaration?.type !== 'VariableDeclaration' || declaration.kind !== 'const') continue;
    for (const declarator of declaration.declarations) {
      if (declarator.id.type === 'Identifier' && isClient(declarator.init)) clients.set(declarator.id.name, statement !== declaration);
    }
  }
  for (const [name, exported] of clients) if (exported) return name;
  for (const statement of body) {
    const assignment = statement.type === 'ExpressionStatement' ? statement.expression : undefined;
    if (assignment?.type !== 'AssignmentExpression') continue;
    const left = assignment.left;
    const isModuleExports = left.type === 'MemberExpression' && left.object.name === 'module' && left.property.name === 'exports';
    if (isModuleExports && assignment.right.type === 'ObjectExpression') {
      for (const property of assignment.right.properties) {
        if (property.value?.type === 'Identifier' && clients.has(property.value.name) && (property.key?.name === property.value.name)) {
          return property.value.name;
        }
      }
    }
  }
  return undefined;
}
