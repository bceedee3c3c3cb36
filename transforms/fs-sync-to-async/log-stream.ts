/**
 * Seed 003's synchronous logger: `fs.appendFileSync(this.logPath, line)` (or `writeFileSync` with
 * `{ flag: 'a' }`) in a sync `log()` cannot be awaited without reordering records. It becomes
 * `this.logStream.write(line)` on one append-mode `fs.createWriteStream` owned by the instance
 * (created at the end of the constructor) or the module (created after the top-level set-up):
 * one stream writes in call order. Only when provable: the path is an instance field assigned once
 * in the constructor or a module-level const, the file is used nowhere else, the function does no
 * other fs work, the result is unused and nothing in the project calls process.exit (which would
 * drop buffered lines).
 */
import { addImport, findImportedLocal, isEsmFile, isNameTaken, requiredModule } from '../../src/ast/imports.js';
import type { ProjectView } from '../../src/transform.js';
import { resolveBinding } from '../../src/ast/scope.js';
import { fsCallMethod } from './bindings.js';

export type LogRefusal = 'overwrites-log-file' | 'log-path-not-stable' | 'log-file-used-elsewhere' | 'exit-may-lose-log' | 'sync-logging-path';

export type StreamTarget =
  | { kind: 'instance'; key: string; classBody: any; ctor: any; field: string }
  | { kind: 'module'; key: string; name: string; insertAfter: any }
  /** The path is computed on each call (a daily file): the stream of that path is looked up at each write. */
  | { kind: 'per-write'; key: string };

export type LogPlan = { kind: 'stream'; target: StreamTarget; data: any } | { kind: 'refuse'; reason: LogRefusal; detail?: string };

type Refusal = Extract<LogPlan, { kind: 'refuse' }>;
const refuse = (reason: LogRefusal, detail?: string): Refusal => ({ kind: 'refuse', reason, detail });
const isThisMember = (node: any, field?: string) =>
  node?.type === 'MemberExpression' && !node.computed && node.object.type === 'ThisExpression' && (field === undefined || node.property.name === field);
const line = (node: any) => node.loc?.start.line;

/** `{ flag: 'a' }` exactly. */
function isAppendFlag(options: any): boolean {
  if (options?.type !== 'ObjectExpression' || options.properties.length !== 1) return false;
  const [property] = options.properties;
  const key = property.key?.name ?? property.key?.value;
  return (property.type === 'ObjectProperty' || property.type === 'Property') && key === 'flag' && property.value.value === 'a';
}

/** Plans one logging call; `candidates` are every logging-path call node in the file. */
export function planLogWrite(j: any, root: any, call: any, method: string, fnPath: any, candidates: Set<any>, project: ProjectView, filePath: string): LogPlan {
  const args = call.node.arguments;
  if (method === 'writeFileSync' && args.length === 2) return refuse('overwrites-log-file', 'writeFileSync without { flag: \'a\' } replaces the file on every call');
  if (method === 'writeFileSync' && !isAppendFlag(args[2])) return refuse('overwrites-log-file', 'options other than exactly { flag: \'a\' }');
  if (method === 'appendFileSync' && args.length !== 2) return refuse('sync-logging-path', 'appendFileSync options (encoding, mode) are not carried over');
  if (args.some((a: any) => a.type === 'SpreadElement')) return refuse('sync-logging-path', 'spread arguments');
  if (call.parent.node.type !== 'ExpressionStatement') return refuse('sync-logging-path', 'the result of the call is used');

  const target = args[0];
  const perWrite = isPerCallPath(j, fnPath, call, target);
  const others = j(fnPath)
    .find(j.CallExpression)
    .filter((p: any) => p.node !== call.node && !candidates.has(p.node) && fsCallMethod(p) !== undefined)
    // a per-write stream opens at the write, after the directory set-up that stays synchronous before it
    .filter((p: any) => !(perWrite && DIRECTORY_SETUP.has(fsCallMethod(p)!) && p.node.end <= call.node.start));
  if (others.size() > 0) return refuse('sync-logging-path', `the function also calls fs.${fsCallMethod(others.paths()[0])}() on line ${line(others.nodes()[0])}`);

  const plan = perWrite
    ? perWriteTarget(j, root, fnPath, call, target)
    : isThisMember(target)
      ? instanceTarget(j, fnPath, target.property.name, candidates)
      : target.type === 'Identifier'
        ? moduleTarget(j, root, call, target.name, candidates)
        : refuse('log-path-not-stable', 'the path is an expression, not a field or a module-level const');
  if (plan.kind === 'refuse') return plan;

  const here = root.find(j.MemberExpression, { object: { name: 'process' }, property: { name: 'exit' } }).size() > 0;
  const exiting = here ? 'this file' : project.files.find((f) => f !== filePath && /\bprocess\.exit\s*\(/.test(project.readFile(f) ?? ''));
  if (exiting) return refuse('exit-may-lose-log', `process.exit in ${exiting}`);
  return { kind: 'stream', target: plan.target, data: args[1] };
}

/** `this.<field>`: assigned once, directly in the constructor (or a TS parameter property), read only by logging calls. */
function instanceTarget(j: any, fnPath: any, field: string, candidates: Set<any>): { kind: 'ok'; target: StreamTarget } | Refusal {
  const fn = fnPath.node;
  const classBody = fnPath.parent?.node;
  const classNode = fnPath.parent?.parent?.node;
  if (fn.type !== 'ClassMethod' || fn.static || classBody?.type !== 'ClassBody') return refuse('log-path-not-stable', `this.${field} outside a class method`);
  if (classNode.superClass) return refuse('sync-logging-path', 'the class extends another: a base constructor could log before the stream exists');
  const ctor = classBody.body.find((m: any) => m.type === 'ClassMethod' && m.kind === 'constructor');
  if (!ctor) return refuse('log-path-not-stable', `this.${field} is not set in a constructor`);
  const paramProperty = ctor.params.some((p: any) => p.type === 'TSParameterProperty' && (p.parameter.name ?? p.parameter.left?.name) === field);
  const writes = j(fnPath.parent)
    .find(j.Node)
    .filter((p: any) => (p.node.type === 'AssignmentExpression' && isThisMember(p.node.left, field)) || (p.node.type === 'UpdateExpression' && isThisMember(p.node.argument, field)));
  const assignedInCtor = writes.size() === 1 && ctor.body.body.some((s: any) => s.type === 'ExpressionStatement' && s.expression === writes.nodes()[0]);
  if (!(paramProperty ? writes.size() === 0 : assignedInCtor)) return refuse('log-path-not-stable', `this.${field} is not assigned exactly once, directly in the constructor`);

  const ctorPath = j(fnPath.parent).find(j.ClassMethod, { kind: 'constructor' }).paths()[0];
  const bad = j(fnPath.parent.parent)
    .find(j.MemberExpression, { property: { name: field } })
    .filter((p: any) => {
      if (!isThisMember(p.node, field)) return true;
      const parent = p.parent.node;
      if (parent.type === 'CallExpression' && candidates.has(parent) && parent.arguments[0] === p.node) return false;
      return !insideCtor(p, ctorPath.node);
    });
  if (bad.size() > 0) return refuse('log-file-used-elsewhere', `.${field} is used on line ${line(bad.nodes()[0])}`);
  const ctorCalls = j(ctorPath).find(j.CallExpression).filter((p: any) => isThisMember(p.node.callee) || p.node.callee.type === 'Super');
  if (ctorCalls.size() > 0 || j(ctorPath).find(j.ReturnStatement).size() > 0) {
    return refuse('sync-logging-path', 'the constructor calls methods or returns early: the stream would not exist yet');
  }
  const members = new Set<string>(classBody.body.map((m: any) => m.key?.name).filter(Boolean));
  j(fnPath.parent).find(j.MemberExpression, { object: { type: 'ThisExpression' } }).forEach((p: any) => members.add(p.node.property.name));
  const name = unique((candidate) => members.has(candidate));
  return { kind: 'ok', target: { kind: 'instance', key: `class@${classBody.start ?? line(classBody)}:${field}`, classBody, ctor: ctorPath, field: name } };
}

const DIRECTORY_SETUP = new Set(['existsSync', 'mkdirSync']);
const FUNCTION_TYPES = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration', 'ClassMethod', 'ObjectMethod']);

/** The local `const` a path is held in, declared in the logging function itself, if it is one. */
function localConst(fnPath: any, call: any, name: string): any | undefined {
  const scope = call.scope?.lookup(name);
  if (!scope || scope.path.node !== fnPath.node) return undefined;
  const declared = scope.getBindings()[name]?.[0];
  const declarator = declared?.parent?.node;
  const declaration = declared?.parent?.parent?.node;
  if (declarator?.type !== 'VariableDeclarator' || declarator.id !== declared.node || declaration?.kind !== 'const') return undefined;
  return declarator;
}

/**
 * A path computed on each call: a local `const` of the logging function (seed 003's
 * `const logPath = path.join(this.logDir, `${day}.log`)`) or an expression built from names and
 * path.join/resolve. Evaluated once per write, as before.
 */
function isPerCallPath(j: any, fnPath: any, call: any, target: any): boolean {
  if (target.type === 'Identifier') return !!localConst(fnPath, call, target.name)?.init;
  if (isThisMember(target)) return false;
  return ['CallExpression', 'TemplateLiteral', 'BinaryExpression'].includes(target.type);
}

/**
 * `this.x` fields and module-level names the per-call path is built from (through its local
 * const) may be used only in the logging function and for set-up (constructor, top level):
 * elsewhere, code could read the file while lines wait in the stream.
 */
function perWriteTarget(j: any, root: any, fnPath: any, call: any, target: any): { kind: 'ok'; target: StreamTarget } | Refusal {
  const source = target.type === 'Identifier' ? localConst(fnPath, call, target.name).init : target;
  const fields = new Set<string>();
  const names = new Set<string>();
  j(source)
    .find(j.MemberExpression, { object: { type: 'ThisExpression' } })
    .forEach((p: any) => fields.add(p.node.property.name));
  if (isThisMember(source)) fields.add(source.property.name);
  const scopeOf = (name: string) => call.scope?.lookup(name);
  [source, ...j(source).find(j.Identifier).nodes()].forEach((node: any) => {
    if (node.type === 'Identifier' && scopeOf(node.name)?.path.node.type === 'Program') names.add(node.name);
  });
  const outside = (p: any) => {
    for (let current = p.parent; current; current = current.parent) {
      if (current.node === fnPath.node) return false;
      if (current.node.type === 'ClassMethod' && current.node.kind === 'constructor') return false;
      if (FUNCTION_TYPES.has(current.node.type)) return true;
    }
    return false; // top-level set-up
  };
  const classPath = fnPath.parent?.parent;
  if (fields.size > 0) {
    if (fnPath.node.type !== 'ClassMethod' || classPath?.node.type !== 'ClassDeclaration' && classPath?.node.type !== 'ClassExpression') {
      return refuse('log-path-not-stable', 'this.* outside a class method');
    }
    const used = j(classPath)
      .find(j.MemberExpression, { object: { type: 'ThisExpression' } })
      .filter((p: any) => fields.has(p.node.property?.name) && outside(p));
    if (used.size() > 0) return refuse('log-file-used-elsewhere', `this.${used.nodes()[0].property.name} (part of the log path) is used on line ${line(used.nodes()[0])}`);
  }
  for (const name of names) {
    if (resolveBinding(call, name)?.kind !== 'variable') continue; // imports, require()s, functions: not the log file
    const used = root.find(j.Identifier, { name }).filter((p: any) => scopeOf(name) === p.scope?.lookup(name) && p.parent.node.type !== 'VariableDeclarator' && outside(p) && !isPathModuleCall(p));
    if (used.size() > 0) return refuse('log-file-used-elsewhere', `${name} (part of the log path) is used on line ${line(used.nodes()[0])}`);
  }
  return { kind: 'ok', target: { kind: 'per-write', key: 'per-write' } };
}

/** `path.join(...)`: the `path` of a path-module call, not a use of the log file. */
function isPathModuleCall(p: any): boolean {
  const parent = p.parent.node;
  return parent.type === 'MemberExpression' && parent.object === p.node && ['join', 'resolve', 'dirname', 'basename'].includes(parent.property?.name);
}

function insideCtor(path: any, ctor: any): boolean {
  for (let current = path.parent; current; current = current.parent) {
    if (current.node === ctor) return true;
    if (['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration', 'ClassMethod'].includes(current.node.type)) return false;
  }
  return false;
}

/** A module-level `const`: used only by top-level set-up code and logging calls. */
function moduleTarget(j: any, root: any, call: any, name: string, candidates: Set<any>): { kind: 'ok'; target: StreamTarget } | Refusal {
  const scope = call.scope?.lookup(name);
  if (scope?.path.node.type !== 'Program') return refuse('log-path-not-stable', `${name} is computed on each call, not a module-level const`);
  const body = root.get().node.program.body as any[];
  const declaration = body.find(
    (s: any) => s.type === 'VariableDeclaration' && s.kind === 'const' && s.declarations.some((d: any) => d.id.type === 'Identifier' && d.id.name === name),
  );
  if (!declaration) return refuse('log-path-not-stable', `${name} is not a module-level const`);
  let last = body.indexOf(declaration);
  for (const ref of root.find(j.Identifier, { name }).paths()) {
    const parent = ref.parent.node;
    if ((parent.type === 'MemberExpression' && parent.property === ref.node && !parent.computed) || (parent.type === 'VariableDeclarator' && parent.id === ref.node)) continue;
    if (ref.scope?.lookup(name) !== scope) continue;
    if (parent.type === 'CallExpression' && candidates.has(parent) && parent.arguments[0] === ref.node) continue;
    const top = topLevelStatement(ref);
    if (!top) return refuse('log-file-used-elsewhere', `${name} is used on line ${line(ref.node)}`);
    last = Math.max(last, body.indexOf(top));
  }
  // after the top-level fs set-up (mkdirSync of the log directory)
  root.find(j.CallExpression).forEach((p: any) => {
    const top = fsCallMethod(p) ? topLevelStatement(p) : undefined;
    if (top) last = Math.max(last, body.indexOf(top));
  });
  // Set-up code before the stream is created must not be able to log (it would hit the TDZ).
  const localNames = new Set<string>();
  for (const s of body) {
    if (s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') localNames.add(s.id?.name);
    if (s.type === 'VariableDeclaration') for (const d of s.declarations) if (d.id.type === 'Identifier' && !requiredModule(d.init)) localNames.add(d.id.name);
  }
  for (const s of body.slice(0, last + 1)) {
    const risky = j(s).find(j.Node, (node: any) => {
      if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return false;
      let callee = node.callee;
      while (callee.type === 'MemberExpression') callee = callee.object;
      return callee.type !== 'Identifier' || localNames.has(callee.name);
    });
    if (risky.size() > 0) return refuse('sync-logging-path', `top-level code on line ${line(risky.nodes()[0])} runs before the stream would be created`);
  }
  const stream = unique((candidate) => isNameTaken(j, root, candidate));
  return { kind: 'ok', target: { kind: 'module', key: `module:${name}`, name: stream, insertAfter: body[last] } };
}

function topLevelStatement(path: any): any | undefined {
  const functions = ['FunctionExpression', 'ArrowFunctionExpression', 'FunctionDeclaration', 'ClassMethod', 'ObjectMethod', 'ClassDeclaration'];
  for (let current = path; current.parent; current = current.parent) {
    if (functions.includes(current.node.type)) return undefined;
    if (current.parent.node.type === 'Program') return current.node;
  }
  return undefined;
}

function unique(taken: (name: string) => boolean): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? 'logStream' : `logStream${i}`;
    if (!taken(candidate)) return candidate;
  }
}

/** How this file spells `createWriteStream`, adding a binding in its fs style when needed. */
export function createWriteStreamCallee(j: any, root: any): { code: string; typeCode: string; add?: () => void } {
  const isFs = (source: string) => source === 'fs' || source === 'node:fs';
  const object = findImportedLocal(j, root, isFs, '*') ?? findImportedLocal(j, root, isFs, 'default');
  if (object) return { code: `${object}.createWriteStream`, typeCode: `${object}.WriteStream` };
  const named = findImportedLocal(j, root, isFs, 'createWriteStream');
  const local = named ?? (isNameTaken(j, root, 'createWriteStream') ? 'createWriteStreamFs' : 'createWriteStream');
  const result = { code: local, typeCode: `ReturnType<typeof ${local}>` };
  if (named) return result;
  return { ...result, add: () => addNamedFsBinding(j, root, local) };
}

function addNamedFsBinding(j: any, root: any, local: string): void {
  const body = root.get().node.program.body as any[];
  const isFs = (source: unknown) => source === 'fs' || source === 'node:fs';
  for (const s of body) {
    if (s.type === 'ImportDeclaration' && isFs(s.source.value) && s.importKind !== 'type' && s.specifiers.every((x: any) => x.type === 'ImportSpecifier')) {
      s.specifiers.push(j.importSpecifier(j.identifier('createWriteStream'), j.identifier(local)));
      return;
    }
    if (s.type === 'VariableDeclaration' && s.declarations.length === 1 && isFs(requiredModule(s.declarations[0].init)) && s.declarations[0].id.type === 'ObjectPattern') {
      const property = j.objectProperty(j.identifier('createWriteStream'), j.identifier(local));
      if (local === 'createWriteStream') property.shorthand = true;
      s.declarations[0].id.properties.push(property);
      return;
    }
  }
  addImport(j, root, { source: 'node:fs', imported: 'createWriteStream', local }, isEsmFile(j, root));
}
