/**
 * What a package allows, decided once per run: its pino logger (the one console-to-logger finds or
 * generates), the one file that creates its Express app, the pino-http range that fits its pino,
 * and whether harden's request logger is already there; or the reason nothing is mounted.
 */
import jscodeshift from 'jscodeshift';
import { expressApps } from '../../src/ast/express-app.js';
import { findImportedLocal } from '../../src/ast/imports.js';
import { ownedByInnerPackage } from '../../src/ast/module-resolve.js';
import { dependencyMajor } from '../../src/ast/routes.js';
import type { PackageInfo, ProjectView } from '../../src/transform.js';
import { findProjectLogger, type LoggerModule } from '../console-to-logger/detect-logger.js';
import { MODULE_STEM, mountPoint, type MountRefusal } from './mount.js';

/** The API the other files of the package are read with. */
const TSX = jscodeshift.withParser('tsx');

export type PackageRefusal =
  | 'express-winston'
  | 'already-has-pino-http'
  | 'no-project-logger'
  | 'winston-logger'
  | 'pino-too-old'
  | 'app-not-found'
  | 'several-apps'
  | MountRefusal;

export interface AppSite {
  file: string;
  line: number;
}

export interface Plan {
  logger: LoggerModule | undefined;
  refusal?: { reason: PackageRefusal; detail?: string };
  /** Every `express()` of the package's server sources. */
  apps: AppSite[];
  /** The pino-http range whose pino major is the package's. */
  pinoHttpRange: string;
  /** harden's request-logger module is already in the package (a run before this one mounted it). */
  installed: boolean;
}

/** pino-http's major for each pino major it is built on (pino-http 11 needs pino 10, …). */
const PINO_HTTP_FOR_PINO: Record<number, string> = { 8: '^9.0.0', 9: '^10.5.0', 10: '^11.0.0' };
const LATEST_PINO_HTTP = '^11.0.0';

/** Request loggers that already give each request its logger: pino-http and its predecessor. */
const PINO_HTTP_PACKAGES = ['pino-http', 'express-pino-logger'];

const MODULE_FILE = new RegExp(`(^|/)${MODULE_STEM}\\.[cm]?[jt]s$`);
const MODULE_SPECIFIER = new RegExp(`(^|/)${MODULE_STEM}(\\.[cm]?[jt]s)?$`);

/**
 * Whether the file imports `requestLogger` from harden's module (the file it names holds harden's
 * text, not a project's own `request-logger` module): the request logger is mounted there.
 */
export function mountsRequestLogger(j: any, root: any, file: string, project: ProjectView, isGenerated: (text: string) => boolean): boolean {
  const harden = (source: string) => {
    if (!MODULE_SPECIFIER.test(source)) return false;
    const target = project.resolveImport(file, source);
    return target !== undefined && isGenerated(project.readFile(target) ?? '');
  };
  return findImportedLocal(j, root, harden, 'requestLogger') !== undefined;
}

const cache = new WeakMap<ProjectView, Map<string, Plan>>();

/** The plan of the package owning `current` (the file being transformed, read from its tree: a fixture's file is not on disk). */
export function planFor(project: ProjectView, pkg: PackageInfo | undefined, isGenerated: (text: string) => boolean, current: { path: string; root: any }): Plan {
  const packageDir = pkg?.dir ?? '';
  let perProject = cache.get(project);
  if (!perProject) cache.set(project, (perProject = new Map()));
  let plan = perProject.get(packageDir);
  if (!plan) perProject.set(packageDir, (plan = makePlan(project, pkg, packageDir, isGenerated, current)));
  return plan;
}

function makePlan(project: ProjectView, pkg: PackageInfo | undefined, packageDir: string, isGenerated: (text: string) => boolean, current: { path: string; root: any }): Plan {
  const files = packageFiles(project, packageDir);
  const logger = findProjectLogger(project, packageDir);
  const tree = (path: string) => (path === current.path ? current.root : project.parse(path));
  const apps = files.flatMap((path) => appsOf(project, path, tree));
  // harden's module in the package, or an app file importing harden's module
  const installed =
    files.some((path) => MODULE_FILE.test(path) && isGenerated(project.readFile(path) ?? '')) ||
    apps.some((app) => mountsRequestLogger(TSX, tree(app.file), app.file, project, isGenerated));
  const pinoMajor = dependencyMajor(pkg, 'pino');
  const plan: Plan = { logger, apps, installed, pinoHttpRange: (pinoMajor !== undefined && PINO_HTTP_FOR_PINO[pinoMajor]) || LATEST_PINO_HTTP };
  const refuse = (reason: PackageRefusal, detail?: string): Plan => ({ ...plan, refusal: { reason, ...(detail ? { detail } : {}) } });
  if (pkg?.dependencyRange('express-winston') !== undefined) return refuse('express-winston');
  const pinoHttp = PINO_HTTP_PACKAGES.find((name) => pkg?.dependencyRange(name) !== undefined);
  if (pinoHttp && !installed) return refuse('already-has-pino-http', pinoHttp);
  if (!logger) return refuse('no-project-logger');
  if (logger.library === 'winston') return refuse('winston-logger', logger.path);
  if (pinoMajor !== undefined && pinoMajor < 8) return refuse('pino-too-old', `pino ${pkg?.dependencyRange('pino')}`);
  if (apps.length === 0) return refuse('app-not-found');
  if (apps.length > 1) return refuse('several-apps', apps.map((app) => `${app.file}:${app.line}`).join(', '));
  if (installed) return plan;
  // the app's own file must take the mount, or no handler may count on req.log
  const file = apps[0]!.file;
  const root = tree(file);
  const point = mountPoint(TSX, root, expressApps(TSX, root)[0]!, { path: file, language: /\.[cm]?tsx?$/.test(file) ? 'ts' : 'js', package: pkg }, project, logger, isGenerated);
  return 'refusal' in point ? refuse(point.refusal, point.detail) : plan;
}

/** The package's server sources (not a workspace package's below it). */
function packageFiles(project: ProjectView, packageDir: string): string[] {
  const prefix = packageDir === '' ? '' : `${packageDir}/`;
  return project.files.filter(
    (path) => path.startsWith(prefix) && !/(^|\/)node_modules\//.test(path) && project.roleOf(path) === 'source' && !ownedByInnerPackage(project, packageDir, path),
  );
}

function appsOf(project: ProjectView, path: string, tree: (path: string) => any): AppSite[] {
  const text = project.readFile(path);
  if (text !== undefined && !/\bexpress\b/.test(text)) return [];
  const root = tree(path);
  if (!root) return [];
  return expressApps(TSX, root).map(({ call }) => ({ file: path, line: call.node.loc?.start.line ?? 0 }));
}
