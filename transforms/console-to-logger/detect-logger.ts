/**
 * Finding the project's own logger: a module of the file's package that creates a pino or winston
 * instance (`pino(...)`, `winston.createLogger(...)`) and exports it. What the transform needs to
 * know about it: the export to import, the library, the levels it has, the key pino logs errors
 * under, whether its destination is asynchronous (a record before `process.exit()` may be lost),
 * and every project module it imports (importing the logger there would be a cycle).
 */
import { posix } from 'node:path';
import type { Collection, JSCodeshift } from 'jscodeshift';
import jscodeshift from 'jscodeshift';
import { findImportedLocal, isModuleExportsMember, requiredModule, type ImportedName } from '../../src/ast/imports.js';
import { importClosure, ownedByInnerPackage } from '../../src/ast/module-resolve.js';
import type { ProjectView } from '../../src/transform.js';

/** The API the logger modules are read with (made once: `withParser` copies every builder). */
const TSX = jscodeshift.withParser('tsx');

export type LoggerLibrary = 'pino' | 'winston';

export interface LoggerModule {
  /** Root-relative path of the module. */
  path: string;
  library: LoggerLibrary;
  /** How the instance is exported: 'default' (also `module.exports = logger`) or a named export. */
  exportName: ImportedName;
  /** Level names the instance has, or undefined when harden cannot tell (custom levels it cannot read). */
  levels: ReadonlySet<string> | undefined;
  /** pino's `errorKey` (default 'err'). */
  errorKey: string;
  /** True when a record written just before `process.exit()` may never reach its destination. */
  asyncDestination: boolean;
  /**
   * What the logger's format loses of an error, or undefined when it keeps message and stack.
   * winston writes `logger.error(err)` as `{ level }` alone unless its format has
   * `format.errors({ stack: true })` (message and stack are not enumerable), and a `printf` format
   * prints only what its template names: no `stack` there, no stack in the record.
   */
  errorLoss?: { lone?: string; any?: string };
}

const PINO_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const WINSTON_NPM_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];
const WINSTON_SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];

/** The levels a logger of `library` has with its default configuration. */
export function defaultLevels(library: LoggerLibrary): ReadonlySet<string> {
  return new Set(library === 'pino' ? PINO_LEVELS : WINSTON_NPM_LEVELS);
}

/** A module named like a logger: `logger.ts`, `log.js`, `logging.mjs`. */
export const LOGGER_FILE_NAME = /(^|\/)(logger|log|logging)\.[cm]?[jt]sx?$/;

const cache = new WeakMap<ProjectView, Map<string, LoggerModule | undefined>>();

/**
 * The logger module of the package rooted at `packageDir`, if the project has one. Several
 * candidates: a file named like a logger (`logger.ts`, `log.js`) wins, then the shortest path.
 */
export function findProjectLogger(project: ProjectView, packageDir: string): LoggerModule | undefined {
  let perProject = cache.get(project);
  if (!perProject) cache.set(project, (perProject = new Map()));
  if (perProject.has(packageDir)) return perProject.get(packageDir);
  const prefix = packageDir === '' ? '' : `${packageDir}/`;
  const found: LoggerModule[] = [];
  for (const path of project.files) {
    if (!path.startsWith(prefix) || /(^|\/)node_modules\//.test(path)) continue;
    // a module of another package below this one (a workspace package) is that package's logger
    if (ownedByInnerPackage(project, packageDir, path)) continue;
    const text = project.readFile(path);
    if (!text || !/\b(pino|winston)\b/.test(text) || !/pino\s*\(|createLogger\s*\(|require\(\s*['"]pino['"]\s*\)\s*\(/.test(text)) continue;
    const root = project.parse(path);
    const module = root && describeLoggerModule(TSX, root, path, text);
    if (module) found.push(module);
  }
  const named = (p: string) => (LOGGER_FILE_NAME.test(p) ? 0 : 1);
  found.sort((a, b) => named(a.path) - named(b.path) || a.path.length - b.path.length || (a.path < b.path ? -1 : 1));
  perProject.set(packageDir, found[0]);
  return found[0];
}

/** Reads one module: the logger instance it creates and exports, if it does. */
export function describeLoggerModule(j: JSCodeshift, root: Collection<any>, path: string, text: string): LoggerModule | undefined {
  const pinoLocals = ['default', '*', 'pino'].map((name) => findImportedLocal(j, root, (s) => s === 'pino', name)).filter(Boolean);
  const winstonNs = ['default', '*'].map((name) => findImportedLocal(j, root, (s) => s === 'winston', name)).filter(Boolean);
  const createLoggerLocal = findImportedLocal(j, root, (s) => s === 'winston', 'createLogger');

  const creation = (node: any): { library: LoggerLibrary; call: any } | undefined => {
    if (node?.type !== 'CallExpression') return undefined;
    const callee = node.callee;
    if (callee.type === 'Identifier' && pinoLocals.includes(callee.name)) return { library: 'pino', call: node };
    if (requiredModule(callee) === 'pino') return { library: 'pino', call: node };
    if (callee.type === 'Identifier' && callee.name === createLoggerLocal) return { library: 'winston', call: node };
    if (
      callee.type === 'MemberExpression' &&
      callee.property.name === 'createLogger' &&
      ((callee.object.type === 'Identifier' && winstonNs.includes(callee.object.name)) || requiredModule(callee.object) === 'winston')
    ) {
      return { library: 'winston', call: node };
    }
    return undefined;
  };

  const instances = new Map<string, { library: LoggerLibrary; call: any }>();
  const exports: Array<{ exportName: ImportedName; library: LoggerLibrary; call: any }> = [];
  const body = root.get().node.program.body as any[];
  const declare = (declaration: any, exported: boolean) => {
    if (declaration?.type !== 'VariableDeclaration') return;
    for (const declarator of declaration.declarations) {
      const made = creation(declarator.init);
      if (!made || declarator.id.type !== 'Identifier') continue;
      instances.set(declarator.id.name, made);
      if (exported) exports.push({ exportName: declarator.id.name, ...made });
    }
  };
  for (const statement of body) {
    if (statement.type === 'ExportNamedDeclaration') declare(statement.declaration, true);
    else declare(statement, false);
  }
  const byValue = (node: any) => (node?.type === 'Identifier' ? instances.get(node.name) : creation(node));
  for (const statement of body) {
    if (statement.type === 'ExportDefaultDeclaration') {
      const made = byValue(statement.declaration);
      if (made) exports.push({ exportName: 'default', ...made });
    }
    if (statement.type === 'ExportNamedDeclaration' && !statement.source) {
      for (const specifier of statement.specifiers ?? []) {
        const made = instances.get(specifier.local.name);
        if (made) exports.push({ exportName: specifier.exported.name, ...made });
      }
    }
    if (statement.type !== 'ExpressionStatement' || statement.expression.type !== 'AssignmentExpression') continue;
    const { left, right } = statement.expression;
    if (isModuleExportsMember(left)) {
      const made = byValue(right);
      if (made) exports.push({ exportName: 'default', ...made });
      if (right.type === 'ObjectExpression') {
        for (const property of right.properties) {
          const value = byValue(property.value);
          const key = property.key?.name ?? property.key?.value;
          if (value && typeof key === 'string') exports.push({ exportName: key, ...value });
        }
      }
    } else if (left.type === 'MemberExpression' && !left.computed && (isModuleExportsMember(left.object) || (left.object.type === 'Identifier' && left.object.name === 'exports'))) {
      const made = byValue(right);
      if (made) exports.push({ exportName: left.property.name, ...made });
    }
  }
  if (exports.length === 0) return undefined;
  const chosen = exports.find((e) => e.exportName === 'logger') ?? exports.find((e) => e.exportName === 'default') ?? exports[0]!;
  const options = chosen.call.arguments[0]?.type === 'ObjectExpression' ? chosen.call.arguments[0] : undefined;
  return {
    path,
    library: chosen.library,
    exportName: chosen.exportName,
    levels: chosen.library === 'pino' ? pinoLevels(options) : winstonLevels(options),
    errorKey: chosen.library === 'pino' ? stringOption(options, 'errorKey') ?? 'err' : 'err',
    asyncDestination: chosen.library === 'pino' ? pinoIsAsync(chosen.call, text) : winstonIsAsync(options, text),
    errorLoss: chosen.library === 'winston' ? winstonErrorLoss(j, root, path) : undefined,
  };
}

/**
 * What a winston module's formats lose of an error (see `LoggerModule.errorLoss`). Read from the
 * whole module: formats are often built in a variable, or per transport.
 */
function winstonErrorLoss(j: JSCodeshift, root: Collection<any>, path: string): LoggerModule['errorLoss'] {
  const calls = (name: string) =>
    root.find(j.CallExpression, (node: any) => {
      const callee = node.callee;
      return (callee.type === 'Identifier' && callee.name === name) || (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === name);
    });
  const keepsStack = calls('errors').some((p: any) => {
    const options = p.node.arguments[0];
    const stack = options?.type === 'ObjectExpression' ? property(options, 'stack')?.value : undefined;
    return stack?.type === 'BooleanLiteral' && stack.value === true;
  });
  // a printf template that names `stack`, spreads the record or prints it whole keeps the stack
  const dropping = calls('printf')
    .paths()
    .find((p: any) => {
      const template = p.node.arguments[0];
      if (!template || !/Function/.test(template.type)) return false;
      const text = j(template).toSource();
      return !/\bstack\b|\.\.\.|JSON\.stringify|inspect\(/.test(text);
    });
  const loss: NonNullable<LoggerModule['errorLoss']> = {};
  if (dropping) loss.any = `the printf format of ${path} (line ${dropping.node.loc?.start.line}) does not print \`stack\``;
  if (!keepsStack) loss.lone = `the format of ${path} has no format.errors({ stack: true }): logger.error(err) would write neither message nor stack`;
  return loss.any || loss.lone ? loss : undefined;
}

function property(options: any, name: string): any {
  return options?.properties.find((p: any) => (p.key?.name ?? p.key?.value) === name && !p.computed);
}

function stringOption(options: any, name: string): string | undefined {
  const value = property(options, name)?.value;
  return value && (value.type === 'StringLiteral' || value.type === 'Literal') && typeof value.value === 'string' ? value.value : undefined;
}

function objectKeys(node: any): string[] | undefined {
  if (node?.type !== 'ObjectExpression' || node.properties.some((p: any) => p.computed || !p.key)) return undefined;
  return node.properties.map((p: any) => p.key.name ?? p.key.value);
}

function pinoLevels(options: any): ReadonlySet<string> | undefined {
  const custom = property(options, 'customLevels');
  if (!custom) return new Set(PINO_LEVELS);
  const keys = objectKeys(custom.value);
  if (!keys) return undefined;
  const only = property(options, 'useOnlyCustomLevels')?.value;
  if (only && !(only.type === 'BooleanLiteral' && only.value === false)) return new Set(keys);
  return new Set([...PINO_LEVELS, ...keys]);
}

function winstonLevels(options: any): ReadonlySet<string> | undefined {
  const levels = property(options, 'levels');
  if (!levels) return new Set(WINSTON_NPM_LEVELS);
  const keys = objectKeys(levels.value);
  if (keys) return new Set(keys);
  const printed = memberPath(levels.value);
  if (printed?.endsWith('config.syslog.levels')) return new Set(WINSTON_SYSLOG_LEVELS);
  if (printed?.endsWith('config.npm.levels')) return new Set(WINSTON_NPM_LEVELS);
  return undefined;
}

function memberPath(node: any): string | undefined {
  if (node?.type === 'Identifier') return node.name;
  if (node?.type === 'MemberExpression' && !node.computed) {
    const object = memberPath(node.object);
    return object && `${object}.${node.property.name}`;
  }
  return undefined;
}

/**
 * pino is synchronous only with an explicit `sync: true` destination and no transport: its default
 * destination (sonic-boom, `sync: false`) flushes at exit, but a write still in flight can land
 * after the flushed ones or be cut off (observed in test/console-to-logger/runtime.test.ts).
 */
function pinoIsAsync(call: any, text: string): boolean {
  const options = call.arguments[0]?.type === 'ObjectExpression' ? call.arguments[0] : undefined;
  if (property(options, 'transport') || /\.transport\s*\(|sync\s*:\s*false/.test(text)) return true;
  return !/sync\s*:\s*true/.test(text);
}

/** winston is synchronous only when every transport is a Console transport (File, Http, ... are streams). */
function winstonIsAsync(options: any, text: string): boolean {
  if (/\.add\s*\(/.test(text)) return true;
  const value = property(options, 'transports')?.value;
  const list = value?.type === 'ArrayExpression' ? value.elements : value ? [value] : [];
  const isConsole = (node: any) =>
    node?.type === 'NewExpression' && (node.callee.name === 'Console' || node.callee.property?.name === 'Console');
  return !list.every(isConsole);
}

/** `a/b/c.ts` -> `a/b/c`: for comparing a specifier's target with a module that may not exist yet. */
export function withoutExtension(path: string): string {
  return posix.normalize(path).replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');
}
