/**
 * Which logger a file's console calls go to: the project's own pino/winston instance when its
 * package has one, else a generated module (`src/lib/logger.ts`, `.js` in JavaScript packages;
 * ESM or CommonJS by the package's `type`) built from the templates beside this file.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { harden } from '../../src/package-root.js';
import { supportFolder } from '../../src/ast/support-module.js';
import type { FileInfo, ProjectView } from '../../src/transform.js';
import { importClosure } from '../../src/ast/module-resolve.js';
import { defaultLevels, findProjectLogger, LOGGER_FILE_NAME, type LoggerLibrary, type LoggerModule } from './detect-logger.js';

export const DEPENDENCY_RANGES: Record<LoggerLibrary, string> = { pino: '^10.4.0', winston: '^3.19.0' };

type TemplateFlavour = 'ts' | 'esm' | 'cjs';

const templateCache = new Map<string, string>();

/** The generated module's text for a library and module flavour (harden's own template files). */
export function loggerTemplate(library: LoggerLibrary, flavour: TemplateFlavour): string {
  const name = flavour === 'ts' ? `${library}.ts` : `${library}.${flavour}.js`;
  let text = templateCache.get(name);
  if (text === undefined) {
    text = readFileSync(harden('transforms', 'console-to-logger', 'templates', name), 'utf8');
    templateCache.set(name, text);
  }
  return text;
}

export interface LoggerTarget extends LoggerModule {
  /** Whether this logger module exists already or is requested by the transform. */
  generated: boolean;
  /** For a generated module: the path relative to its package and its contents. */
  request?: { path: string; contents: string };
  /** True when the module is JavaScript with ES module syntax (a CommonJS file cannot require it). */
  esm: boolean;
  /** Project modules the logger module imports (importing the logger from them is a cycle). */
  imports: ReadonlySet<string>;
}

export type TargetRefusal = 'logger-path-taken' | 'project-logger-unrecognised' | 'library-package' | 'no-package-json';

/** From this many server files binding a `log`/`logger` from a project module, the package has a logger of its own. */
const OWN_LOGGER_FILES = 3;
const OWN_LOGGER_BINDING =
  /\b(const|let|var)\s*\{[^}]*\blog(ger)?\b[^}]*\}\s*=\s*require\(\s*['"]\.|\b(const|let|var)\s+log(ger)?\s*=\s*require\(\s*['"]\.|\bimport\s*\{[^}]*\blog(ger)?\b[^}]*\}\s*from\s*['"]\.|\bimport\s+(\*\s+as\s+)?log(ger|ging)?\s+from\s+['"]\./;

const ownLoggerCounts = new WeakMap<ProjectView, Map<string, number>>();

/** How many server files of the package bind a logger from one of the project's own modules. */
function ownLoggerUsers(project: ProjectView, packageDir: string): number {
  let known = ownLoggerCounts.get(project);
  if (!known) ownLoggerCounts.set(project, (known = new Map()));
  let count = known.get(packageDir);
  if (count === undefined) {
    const prefix = packageDir === '' ? '' : `${packageDir}/`;
    count = project.files.filter(
      (path) => path.startsWith(prefix) && project.roleOf(path) === 'source' && OWN_LOGGER_BINDING.test(project.readFile(path) ?? ''),
    ).length;
    known.set(packageDir, count);
  }
  return count;
}

/** Logging libraries a package may already use through a module harden cannot read as a pino/winston instance. */
const LOGGING_LIBRARIES = ['winston', 'pino', 'bunyan', 'log4js', 'loglevel', 'npmlog', 'signale', 'consola', 'tracer', 'roarr'];

const EXTENSIONS = ['ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'];

export function resolveTarget(
  file: FileInfo,
  project: ProjectView,
  options: { library: LoggerLibrary; loggerPath?: string | undefined },
): LoggerTarget | TargetRefusal {
  const packageDir = file.package?.dir ?? '';
  const existing = findProjectLogger(project, packageDir);
  if (existing) {
    // a module named like the logger that is not the instance is a facade harden cannot read
    if (!LOGGER_FILE_NAME.test(existing.path) && project.files.some((path) => path.startsWith(packageDir === '' ? '' : `${packageDir}/`) && LOGGER_FILE_NAME.test(path) && project.roleOf(path) === 'source')) {
      return 'project-logger-unrecognised';
    }
    const text = project.readFile(existing.path) ?? '';
    const esm = /\.(mjs|js)$/.test(existing.path) && /^\s*(import|export)\s/m.test(text);
    return { ...existing, generated: false, esm, imports: importClosure(project, existing.path) };
  }
  if (!file.package) return 'no-package-json';
  // A second logging pipeline next to one harden cannot read would split the logs.
  if (LOGGING_LIBRARIES.some((name) => name !== options.library && file.package?.dependencyRange(name) !== undefined)) return 'project-logger-unrecognised';
  if (ownLoggerUsers(project, packageDir) >= OWN_LOGGER_FILES) return 'project-logger-unrecognised';
  // A published library's console output belongs to the apps that use it; a logger would change it for all of them.
  if (isLibrary(file.package?.json)) return 'library-package';
  const inPackage = packageDir === '' ? file.path : file.path.slice(packageDir.length + 1);
  // plain Node cannot require a .ts module from a .js file, whatever tsconfig.json says
  const typescript = file.language !== 'js';
  void inPackage;
  // `lib/logger.js` beside the server code; inside a `lib/` folder, `lib/logger.js` itself
  const relative = options.loggerPath ?? `${supportFolder(project, packageDir)}logger.${typescript ? 'ts' : 'js'}`;
  const path = posix.normalize(posix.join(packageDir, relative));
  const stem = path.replace(/\.[a-z]+$/, '');
  if (path !== file.path && EXTENSIONS.some((ext) => project.exists(`${stem}.${ext}`))) return 'logger-path-taken';
  const flavour: TemplateFlavour = /\.[cm]?tsx?$/.test(path)
    ? 'ts'
    : path.endsWith('.mjs') || (path.endsWith('.js') && file.package?.type === 'module')
      ? 'esm'
      : 'cjs';
  return {
    path,
    library: options.library,
    exportName: 'logger',
    levels: defaultLevels(options.library),
    errorKey: 'err',
    asyncDestination: false,
    generated: true,
    request: { path: relative, contents: loggerTemplate(options.library, flavour) },
    esm: flavour === 'esm',
    imports: new Set(),
  };
}

/** A package published for others to import: not private, an entry point, and no server of its own to start. */
function isLibrary(json: Readonly<Record<string, unknown>> | undefined): boolean {
  if (!json || json.private === true) return false;
  const scripts = (json.scripts ?? {}) as Record<string, unknown>;
  return (json.main !== undefined || json.exports !== undefined) && scripts.start === undefined;
}
