/**
 * The health plan of one package, decided once per run from the original texts: the one server the
 * package starts (graceful-shutdown's detection), the one Express app in the modules that server
 * loads, whether the package has health endpoints of its own, and the clients /readyz can ping —
 * or why harden adds nothing (each refusal with the places it is reported at).
 */
import jscodeshift from 'jscodeshift';
import { findImportedLocal } from '../../src/ast/imports.js';
import { perPackage } from '../../src/ast/module-resolve.js';
import { findResources, mongooseOwnerOf } from '../../src/ast/resources.js';
import { loadedBy, SERVERLESS_ADAPTERS, serverSourceFiles, serverStartsIn } from '../../src/ast/servers.js';
import { flavourOfPath, supportModuleTarget } from '../../src/ast/support-module.js';
import type { PackageInfo, ProjectView } from '../../src/transform.js';
import { expressApps } from '../../src/ast/express-app.js';
import { healthRoutes } from './apps.js';

const J = jscodeshift.withParser('tsx');

export const MODULE_STEM = 'health';
/** A specifier of harden's health module, from any file. */
export const GENERATED_SPECIFIER = /(^|\/)health(\.[cm]?[jt]s)?$/;

export type PlanRefusal =
  | 'health-library'
  | 'serverless'
  | 'several-servers'
  | 'app-not-found'
  | 'several-apps'
  | 'app-not-named'
  | 'path-exists'
  | 'health-route-exists'
  | 'no-clients'
  | 'module-path-taken';

/** A place a site is reported at: a file and the start of a node in it. */
export interface Place {
  path: string;
  line: number;
  column: number;
}

export interface HealthPlan {
  refusal?: { reason: PlanRefusal; detail: string; at: Place[] };
  /** The `express()` call of the app the routes are mounted on. */
  app?: Place;
  /** Where harden's health module goes (root-relative), decided by the app's file. */
  target?: string;
  /** The app already mounts harden's routes (a second run). */
  installed?: boolean;
  /** An existing liveness route the app keeps (`GET /health (src/app.ts:10)`): harden adds /readyz only. */
  liveness?: string;
  /** The server's modules: their clients are registered. */
  loaded: ReadonlySet<string>;
  /** The loaded module that registers the Mongoose default connection. */
  mongooseOwner?: string;
  /** The package's Prisma schema says `provider = "mongodb"`: no SQL, the ping is a `ping` command. */
  prismaOnMongo?: boolean;
}

const HEALTH_LIBRARIES = [
  '@godaddy/terminus',
  'lightship',
  'express-healthcheck',
  'express-health-check',
  'express-actuator',
  'express-healthcheck-middleware',
  '@cloudnative/health-connect',
  'health-check-express',
];

/** The file being transformed: its text and tree stand in where the project cannot read it (a fixture's input). */
export interface Current {
  path: string;
  text: string;
  root: any;
}

const plans = perPackage<HealthPlan>();

/** The plan of the package that owns the current file. `isGenerated(text)` tells harden's own health module. */
export function healthPlanFor(project: ProjectView, pkg: PackageInfo | undefined, isGenerated: (text: string) => boolean, current: Current): HealthPlan {
  return plans(project, pkg?.dir ?? '', () => decide(project, pkg, isGenerated, current));
}

function decide(project: ProjectView, pkg: PackageInfo | undefined, isGenerated: (text: string) => boolean, current: Current): HealthPlan {
  const read = (path: string) => project.readFile(path) ?? (path === current.path ? current.text : undefined);
  const parse = (path: string) => project.parse(path) ?? (path === current.path ? current.root : undefined);
  const files = serverSourceFiles(project, pkg?.dir ?? '');
  const none: HealthPlan = { loaded: new Set() };
  const refuse = (reason: PlanRefusal, detail: string, at: Place[]): HealthPlan => ({ ...none, refusal: { reason, detail, at } });

  const starts = serverStartsIn(J, files, read, parse);
  if (starts.length === 0) return none;
  const startPlaces = starts.map(({ path, start }) => placeOf(path, start.call.node));
  if (starts.length > 1) return refuse('several-servers', starts.map((s) => `${s.path}:${s.line}`).join(', '), startPlaces);
  const entry = starts[0]!.path;
  const loaded = loadedBy(project, entry, files);

  const apps = [...loaded].sort().flatMap((path) => {
    const text = read(path);
    const root = text?.includes('express') ? parse(path) : undefined;
    return root ? expressApps(J, root).map((app) => ({ path, app })) : [];
  });
  const appPlaces = apps.map(({ path, app }) => placeOf(path, app.call.node));
  const declared = (names: string[]) => names.find((name) => pkg?.dependencyRange(name) !== undefined);
  const library = declared(HEALTH_LIBRARIES);
  if (library) return refuse('health-library', library, appPlaces.length > 0 ? appPlaces : startPlaces);
  const serverless = declared(SERVERLESS_ADAPTERS);
  if (serverless) return refuse('serverless', serverless, appPlaces.length > 0 ? appPlaces : startPlaces);
  if (apps.length === 0) {
    return refuse('app-not-found', `the server started at ${entry}:${starts[0]!.line} is not an \`express()\` app of the modules it loads`, startPlaces);
  }
  if (apps.length > 1) return refuse('several-apps', apps.map(({ path, app }) => `${path}:${app.call.node.loc?.start.line ?? 0}`).join(', '), appPlaces);
  const [{ path: appPath, app }] = apps as [(typeof apps)[number]];
  const appRoot = parse(appPath);
  const installed = findImportedLocal(J, appRoot, (s) => GENERATED_SPECIFIER.test(s), 'readyz') !== undefined;
  const plan: HealthPlan = { app: appPlaces[0], loaded, installed, mongooseOwner: mongooseOwnerOf(J, loaded, read, parse) };
  if (installed) return plan;
  if (!app.statement) return refuse('app-not-named', 'the app is not created as `const app = express()` in a list of statements', appPlaces);

  // the package's own health endpoints (any source file: a router mounted somewhere)
  let liveness: string | undefined;
  for (const path of files) {
    const text = read(path);
    if (!text || !/health|ready|live|alive|ping|status/i.test(text)) continue;
    const root = parse(path);
    if (!root) continue;
    for (const route of healthRoutes(J, root)) {
      const where = `${route.method.toUpperCase()} ${route.path} (${path}:${route.line})`;
      if (route.kind === 'readiness') return refuse('path-exists', where, appPlaces);
      if (!route.answersAlone) return refuse('health-route-exists', where, appPlaces);
      liveness ??= where;
    }
  }

  const pingable = [...loaded].some((path) => {
    const text = read(path) ?? '';
    if (!/ioredis|PrismaClient|prisma|createConnection/.test(text)) return false;
    const root = parse(path);
    return root !== undefined && findResources(J, root).some((resource) => resource.client !== 'bullmq' && !resource.refusal);
  });
  if (!pingable && !plan.mongooseOwner) {
    return refuse('no-clients', 'no Mongoose connection, ioredis or Prisma client held in a module-level name in the modules the server loads', appPlaces);
  }

  const target = supportModuleTarget(project, { path: appPath, package: pkg }, flavourOfPath(project, appPath), MODULE_STEM).target;
  const existing = project.readFile(target);
  if (existing !== undefined && !isGenerated(existing)) return refuse('module-path-taken', target, appPlaces);
  return { ...plan, target, ...(liveness ? { liveness } : {}), ...(prismaOnMongo(project, pkg) ? { prismaOnMongo: true } : {}) };
}

/** Whether the package's Prisma schema (`prisma/schema.prisma`, `schema.prisma`, or package.json's `prisma.schema`) uses MongoDB. */
function prismaOnMongo(project: ProjectView, pkg: PackageInfo | undefined): boolean {
  const dir = pkg?.dir ?? '';
  const configured = (pkg?.json['prisma'] as { schema?: unknown } | undefined)?.schema;
  const candidates = [...(typeof configured === 'string' ? [configured] : []), 'prisma/schema.prisma', 'schema.prisma'];
  return candidates.some((path) => /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"mongodb"/.test(project.readFile(dir === '' ? path : `${dir}/${path}`) ?? ''));
}

function placeOf(path: string, node: any): Place {
  return { path, line: node.loc?.start.line ?? 0, column: node.loc?.start.column ?? 0 };
}

/** Whether `node` (of the file at `path`) starts at one of `places`. */
export function isAt(places: readonly Place[] | undefined, path: string, node: any): boolean {
  const start = node.loc?.start;
  return (places ?? []).some((place) => place.path === path && place.line === start?.line && place.column === start?.column);
}
