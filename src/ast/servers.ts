/**
 * The servers a file starts: `app.listen(port, …)`, `server.listen(port)`,
 * `http.createServer(app).listen(port)`; and, for each, how harden can keep hold of the server it
 * returns (a binding, an assignment, or a statement it can turn into `const server = …`) and
 * whether the code that starts it runs in this process's own start-up rather than for a caller.
 */
import type { ProjectView } from '../transform.js';
import { isFunctionNode } from './functions.js';
import { importClosure, ownedByInnerPackage } from './module-resolve.js';
import { exportTarget } from './routes.js';
import { referencesTo, resolveBinding, unwrapExpression } from './scope.js';

export type Kept =
  /** `const server = app.listen(…)`: the statement to insert after and the name. */
  | { kind: 'binding'; name: string; statement: any }
  /** `keystone.httpServer = app.listen(…)`: the assigned target. */
  | { kind: 'assigned'; target: any; statement: any }
  /** `app.listen(…);` as a statement (possibly `.on('error', …)` chained): bind it first. */
  | { kind: 'statement'; statement: any; expression: any };

export interface ServerStart {
  /** The `listen` call's path. */
  call: any;
  kept?: Kept;
  /** Why the server is not this process's own to shut down, when it is not. */
  startedBy?: string;
}

/** Packages that run an app as a serverless function: the platform owns the process, not a `listen`. */
export const SERVERLESS_ADAPTERS = [
  'serverless-http',
  '@vendia/serverless-express',
  '@codegenie/serverless-express',
  'aws-serverless-express',
  '@netlify/functions',
  '@vercel/node',
  '@google-cloud/functions-framework',
  '@azure/functions',
];

const CHAIN = new Set(['on', 'once', 'addListener', 'prependListener']);

/** Every `X.listen(…)` of the file whose first argument reads like a port, a socket path or listen options. */
export function serverStarts(j: any, root: any): ServerStart[] {
  const found: ServerStart[] = [];
  root.find(j.CallExpression).forEach((path: any) => {
    const callee = path.node.callee;
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'listen') return;
    if (!listensOnPort(path.node.arguments[0])) return;
    found.push({ call: path, kept: keptAs(path), startedBy: startedBy(j, path) });
  });
  return found;
}

/** A port, a socket path or an options object: not `io.listen(server)`. */
function listensOnPort(argument: any): boolean {
  if (!argument) return true;
  const node = unwrapExpression(argument);
  if (node.type === 'NumericLiteral' || (node.type === 'Literal' && typeof node.value === 'number')) return true;
  if (node.type === 'StringLiteral' || (node.type === 'Literal' && typeof node.value === 'string') || node.type === 'TemplateLiteral') return true;
  if (node.type === 'ObjectExpression') return node.properties.some((p: any) => /^(port|path|host)$/.test(p.key?.name ?? p.key?.value ?? ''));
  return mentionsPort(node, 0);
}

/** `PORT`, `config.port`, `Number(process.env.PORT)`, `app.get('port')`: a name or string saying port, a few levels down. */
function mentionsPort(node: any, depth: number): boolean {
  if (!node || typeof node !== 'object' || depth > 6) return false;
  if (node.type === 'Identifier' && /port/i.test(node.name)) return true;
  if ((node.type === 'StringLiteral' || node.type === 'Literal') && typeof node.value === 'string' && /port/i.test(node.value)) return true;
  for (const key of ['object', 'property', 'callee', 'arguments', 'left', 'right', 'expression', 'test', 'consequent', 'alternate']) {
    const child = node[key];
    if (Array.isArray(child) ? child.some((c) => mentionsPort(c, depth + 1)) : mentionsPort(child, depth + 1)) return true;
  }
  return false;
}

function keptAs(path: any): Kept | undefined {
  // app.listen(port).on('error', onError): `.on` returns the server too
  let top = path;
  while (
    top.parent?.node.type === 'MemberExpression' &&
    top.parent.node.object === top.node &&
    CHAIN.has(top.parent.node.property?.name) &&
    top.parent.parent?.node.type === 'CallExpression' &&
    top.parent.parent.node.callee === top.parent.node
  ) {
    top = top.parent.parent;
  }
  const parent = top.parent;
  const inList = (statement: any) => Array.isArray(statement?.parent?.node?.body) || Array.isArray(statement?.parent?.node?.consequent);
  if (parent?.node.type === 'ExpressionStatement' && inList(parent)) return { kind: 'statement', statement: parent, expression: top };
  if (parent?.node.type === 'VariableDeclarator' && parent.node.init === top.node && parent.node.id.type === 'Identifier') {
    const declaration = parent.parent;
    const statement = declaration.parent?.node.type === 'ExportNamedDeclaration' ? declaration.parent : declaration;
    if (declaration.node.declarations.length === 1 && inList(statement)) return { kind: 'binding', name: parent.node.id.name, statement };
    return undefined;
  }
  if (parent?.node.type === 'AssignmentExpression' && parent.node.operator === '=' && parent.node.right === top.node && isPlainTarget(parent.node.left)) {
    const statement = parent.parent;
    if (statement?.node.type === 'ExpressionStatement' && inList(statement)) return { kind: 'assigned', target: parent.node.left, statement };
  }
  return undefined;
}

/** `server`, `keystone.httpServer`, `this.server`: a target that can be read back. */
function isPlainTarget(node: any): boolean {
  if (node.type === 'Identifier') return true;
  return node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && (node.object.type === 'ThisExpression' || isPlainTarget(node.object));
}

/**
 * Why the server belongs to whoever calls the code that starts it (an exported function, a class
 * method): undefined when it is started by this module's own top-level code, directly, through
 * callbacks, or through a function of the module that only the module itself calls.
 */
function startedBy(j: any, path: any): string | undefined {
  for (let current = path.parent; current; current = current.parent) {
    const node = current.node;
    if (!isFunctionNode(node)) continue;
    const parent = current.parent?.node;
    // a callback: app.listen inside connect().then(() => …), db.once('open', () => …)
    if ((parent?.type === 'CallExpression' || parent?.type === 'NewExpression') && parent.arguments.includes(node)) continue;
    if (node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod' || node.type === 'ObjectMethod') {
      return `in the method \`${node.key?.name ?? 'of a class'}\`: whoever creates the object starts the server`;
    }
    const exported = parent?.type === 'AssignmentExpression' && parent.right === node ? exportTarget(parent.left) : undefined;
    if (exported) return `in \`${exported === 'default' ? 'module.exports' : exported}\`, which the module exports: the code that calls it owns the process`;
    const name = node.type === 'FunctionDeclaration' ? node.id?.name : parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier' ? parent.id.name : undefined;
    if (!name) return 'in a function harden cannot follow to its caller';
    const binding = resolveBinding(current, name);
    if (!binding || (binding.kind !== 'function' && binding.kind !== 'variable')) return `in \`${name}\`, which harden cannot follow`;
    const declaration = node.type === 'FunctionDeclaration' ? current : current.parent.parent;
    if (declaration.parent?.node.type === 'ExportNamedDeclaration' || declaration.parent?.node.type === 'ExportDefaultDeclaration') {
      return `in \`${name}\`, which the module exports: the code that calls it owns the process`;
    }
    for (const ref of referencesTo(j, binding.scope, name)) {
      const refParent = ref.parent.node;
      const called = (refParent.type === 'CallExpression' || refParent.type === 'NewExpression') && refParent.callee === ref.node;
      if (!called) return `in \`${name}\`, which is handed on (exported or passed), so code harden cannot see may call it`;
    }
  }
  return undefined;
}

/** The server source files of the package at `packageDir` (not those of a package nested inside it). */
export function serverSourceFiles(project: ProjectView, packageDir: string): string[] {
  const prefix = packageDir === '' ? '' : `${packageDir}/`;
  return project.files.filter((path) => path.startsWith(prefix) && project.roleOf(path) === 'source' && !ownedByInnerPackage(project, packageDir, path));
}

/** Every server start of `files`, with its file and line; `read` and `parse` give each file's original text and tree. */
export function serverStartsIn(
  j: any,
  files: readonly string[],
  read: (path: string) => string | undefined,
  parse: (path: string) => any,
): Array<{ path: string; line: number; start: ServerStart }> {
  const starts: Array<{ path: string; line: number; start: ServerStart }> = [];
  for (const path of files) {
    const text = read(path);
    if (!text || !text.includes('.listen(')) continue;
    const root = parse(path);
    if (!root) continue;
    for (const start of serverStarts(j, root)) starts.push({ path, line: start.call.node.loc?.start.line ?? 0, start });
  }
  return starts;
}

/** The file that starts the server and every module of `files` it loads: the server's process. */
export function loadedBy(project: ProjectView, entry: string, files: readonly string[]): Set<string> {
  return new Set([entry, ...[...importClosure(project, entry)].filter((path) => files.includes(path))]);
}
