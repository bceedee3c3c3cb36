/**
 * Whether the function around a sync fs call can `await`: it is async already; or it can be made
 * async safely — an Express 5 handler/middleware (Express 5 forwards a rejected promise to the
 * error handler), or a top-level named function whose every call in the project is awaited or
 * sits in an async function of this file where `await` can be added (so every caller still waits
 * for the effect and still sees the error where it did). Anything else is refused with a reason.
 */
import jscodeshift from 'jscodeshift';
import { findImportedLocal, isCommonJsExportValue, requiredModule } from '../../src/ast/imports.js';
import { expressMajor } from '../../src/ast/routes.js';
import type { FileInfo, ProjectView } from '../../src/transform.js';

export type ContextRefusal =
  | 'module-top-level'
  | 'constructor-or-getter'
  | 'sync-callback'
  | 'caller-not-awaiting'
  | 'express-4-handler'
  | 'sync-logging-path'
  | 'read-modify-write';

export type Context =
  | { kind: 'async'; fn: any }
  | { kind: 'make-async'; fn: any; why: string; awaitAt: any[] }
  | { kind: 'refuse'; reason: ContextRefusal; detail?: string };

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'use', 'options', 'head']);
/** log(), write(), info() ... exactly, or a name with the word log in it (writeLog, appendToLog, logError); not writeData, login or catalog. */
const LOGGING_NAME = {
  test(name: string): boolean {
    if (/^(log|write|append|info|warn|error|debug|trace)$/i.test(name)) return true;
    const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s_$]+/);
    return words.some((word) => ['log', 'logs', 'logger', 'logging'].includes(word));
  },
};

/** A sync append/write call in a synchronous log()/write()/info()... function: a logging path. */
export function isLoggingWrite(fnPath: any, method: string): boolean {
  const name = functionName(fnPath);
  return !fnPath.node.async && (method === 'appendFileSync' || method === 'writeFileSync') && !!name && LOGGING_NAME.test(name);
}

/** The nearest function around `path`, or the reason there is none that can await. */
export function enclosingFunction(path: any): any | ContextRefusal {
  for (let current = path.parent; current; current = current.parent) {
    const type = current.node.type;
    if (FUNCTION_TYPES.has(type)) return current;
    if (type === 'ClassProperty' || type === 'ClassPrivateProperty' || type === 'PropertyDefinition' || type === 'StaticBlock') {
      return 'constructor-or-getter';
    }
  }
  return 'module-top-level';
}

export function functionName(fnPath: any): string | undefined {
  const node = fnPath.node;
  if (node.id?.name) return node.id.name;
  if (node.key?.type === 'Identifier') return node.key.name;
  const parent = fnPath.parent?.node;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  return undefined;
}

function isExpressHandler(fnPath: any): boolean {
  const call = fnPath.parent?.node;
  const node = fnPath.node;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(node)) return false;
  if (call.callee.type !== 'MemberExpression' || !ROUTE_METHODS.has(call.callee.property.name)) return false;
  const names = node.params.map((p: any) => p.name);
  return names.length >= 2 && names.length <= 4 && (/^req(uest)?$/.test(names[0] ?? '') || /^res(ponse)?$/.test(names[1] ?? ''));
}

/** The top-level binding a function is declared under (`function f` or `const f = () => ...`). */
function topLevelName(fnPath: any): string | undefined {
  const node = fnPath.node;
  const parent = fnPath.parent;
  const atTop = (p: any) => p?.node.type === 'Program' || (p?.node.type === 'ExportNamedDeclaration' && p.parent?.node.type === 'Program');
  if (node.type === 'FunctionDeclaration' && node.id && atTop(parent)) return node.id.name;
  if (parent?.node.type === 'VariableDeclarator' && parent.node.init === node && parent.node.id.type === 'Identifier' && atTop(parent.parent?.parent)) {
    return parent.node.id.name;
  }
  return undefined;
}

const isAsyncFunction = (path: any) => FUNCTION_TYPES.has(path?.node?.type) && path.node.async === true;

/** Decides for the function around one sync call (cached per function by the caller). */
export function analyseFunction(
  fnPath: any,
  root: any,
  file: FileInfo,
  project: ProjectView,
  method: string,
  willBeAsync: (fn: any) => boolean,
): Context {
  const node = fnPath.node;
  if (node.async) return { kind: 'async', fn: fnPath };
  if (node.generator) return { kind: 'refuse', reason: 'sync-callback', detail: 'a generator function' };
  if ((node.type === 'ClassMethod' || node.type === 'ObjectMethod') && ['constructor', 'get', 'set'].includes(node.kind)) {
    return { kind: 'refuse', reason: 'constructor-or-getter' };
  }
  const name = functionName(fnPath);
  if ((method === 'appendFileSync' || method === 'writeFileSync') && name && LOGGING_NAME.test(name)) {
    return { kind: 'refuse', reason: 'sync-logging-path', detail: `${name}()` };
  }
  if (isExpressHandler(fnPath)) {
    const major = expressMajor(file.package);
    if (major === undefined || major < 5) {
      return { kind: 'refuse', reason: 'express-4-handler', detail: major === undefined ? 'express version unknown' : `express ${major}` };
    }
    return { kind: 'make-async', fn: fnPath, why: 'Express 5 handler', awaitAt: [] };
  }
  const topName = topLevelName(fnPath);
  if (!topName) return { kind: 'refuse', reason: 'sync-callback' };
  return callersInFile(fnPath, topName, root, file, project, willBeAsync);
}

function callersInFile(fnPath: any, name: string, root: any, file: FileInfo, project: ProjectView, willBeAsync: (fn: any) => boolean): Context {
  const j = jscodeshift;
  const awaitAt: any[] = [];
  let exported = fnPath.parent?.node.type === 'ExportNamedDeclaration' || fnPath.parent?.parent?.parent?.node.type === 'ExportNamedDeclaration';
  const refuse = (detail: string): Context => ({ kind: 'refuse', reason: 'caller-not-awaiting', detail });
  const references = root.find(j.Identifier, { name }).filter((p: any) => isReference(p) && p.scope?.lookup(name)?.path.node.type === 'Program');
  for (const ref of references.paths()) {
    const parent = ref.parent.node;
    if (parent.type === 'CallExpression' && parent.callee === ref.node) {
      const caller = enclosingFunction(ref.parent);
      if (typeof caller === 'string' || !(isAsyncFunction(caller) || willBeAsync(caller.node))) return refuse(`${name}() is called outside an async function on line ${ref.node.loc?.start.line}`);
      if (ref.parent.parent.node.type !== 'AwaitExpression') awaitAt.push(ref.parent);
      continue;
    }
    if (parent.type === 'ExportSpecifier' || isCommonJsExportValue(ref)) {
      exported = true;
      continue;
    }
    return refuse(`${name} is used as a value on line ${ref.node.loc?.start.line}`);
  }
  let callers = references.filter((p: any) => p.parent.node.type === 'CallExpression').size();
  if (exported) {
    const problem = crossFileProblem(name, file, project);
    if (typeof problem === 'string') return refuse(problem);
    callers += problem;
  }
  if (callers === 0) return refuse(`no caller of ${name} found in the project; callers outside the run cannot be checked`);
  return { kind: 'make-async', fn: fnPath, why: awaitAt.length ? `callers in this file now await it` : 'every caller awaits it', awaitAt };
}

function isReference(path: any): boolean {
  const parent = path.parent?.node;
  if (!parent) return false;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === path.node && !parent.computed) return false;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === path.node && !parent.shorthand) return false;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && path.parent.parent?.node.type === 'ObjectPattern') return false;
  if (parent.type === 'FunctionDeclaration' && parent.id === path.node) return false;
  if (parent.type === 'VariableDeclarator' && parent.id === path.node) return false;
  if (parent.type === 'ExportSpecifier' && parent.exported === path.node && parent.local !== path.node) return false;
  if ((parent.type === 'ClassMethod' || parent.type === 'ObjectMethod') && parent.key === path.node) return false;
  return true;
}

/**
 * Why callers of an exported function in other project files would break, if they would; else
 * how many awaited calls there are.
 */
function crossFileProblem(name: string, file: FileInfo, project: ProjectView): string | number {
  const pkg = file.package;
  const main = typeof pkg?.json.main === 'string' ? String(pkg.json.main) : 'index.js';
  const entry = project.resolveImport(pkg?.dir ? `${pkg.dir}/package.json` : 'package.json', `./${main.replace(/^\.\//, '')}`);
  if (entry === file.path) return `${name} is exported from the package entry point; callers outside the project cannot be checked`;
  const j = jscodeshift;
  let awaited = 0;
  for (const other of project.files) {
    if (other === file.path || !project.readFile(other)?.includes(name) || !project.couldImport(other, file.path)) continue;
    const root = project.parse(other);
    if (!root) continue;
    const matches = (source: string) => project.resolveImport(other, source) === file.path;
    const direct = findImportedLocal(j, root, matches, name);
    const namespace = findImportedLocal(j, root, matches, 'default') ?? findImportedLocal(j, root, matches, '*');
    const requires = (node: any) => {
      const module = requiredModule(node);
      return module !== undefined && matches(module);
    };
    const nested = root.find(j.CallExpression, requires).filter((p: any) => !p.parent.node.type.startsWith('Variable'));
    if (nested.size() > 0 && !direct && !namespace) return `${other} requires this module in a way harden cannot follow`;
    for (const local of [direct, namespace]) {
      if (!local) continue;
      for (const ref of root.find(j.Identifier, { name: local }).filter(isReference).paths()) {
        if (ref.parent.node.type.startsWith('Import') || ref.parent.node.type === 'VariableDeclarator') continue;
        let call = ref.parent;
        if (local === namespace) {
          const member = ref.parent.node;
          if (member.type !== 'MemberExpression' || member.object !== ref.node) return `${other} passes the module object around (line ${ref.node.loc?.start.line})`;
          if (member.property.name !== name) continue;
          call = ref.parent.parent;
        }
        const callee = local === namespace ? ref.parent.node : ref.node;
        if (call.node.type !== 'CallExpression' || call.node.callee !== callee || call.parent.node.type !== 'AwaitExpression') {
          return `${other}:${ref.node.loc?.start.line} calls ${name}() without await`;
        }
        awaited += 1;
      }
    }
  }
  return awaited;
}
