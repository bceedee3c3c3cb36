/**
 * Where a request handler is registered: `router.get('/path', handler)`, `app.route('/p').post(h)`,
 * inline (`router.get('/x', async (req, res) => …)`), or a named handler (a top-level function or
 * const, an `exports.x =` / `module.exports = { x }` / `export` member) registered in its own file
 * or in a project file that imports it (`import { h }`, `import ctrl from`, `require(...)`), also
 * when wrapped once (`router.get('/x', asyncHandler(h))`). Answers the methods and paths, or why
 * they are unknown.
 */
import type { ProjectView } from '../transform.js';
import { isFunctionNode } from './functions.js';
import { isReferencePath, referencesTo, resolveBinding, unwrapExpression } from './scope.js';
import { keyName } from './values.js';

export interface RouteUse {
  /** `get`, `post`, …, `all`, `use`. */
  method: string;
  /** The path literal, when it is one. */
  path?: string;
  file: string;
  line?: number;
  /** What runs before the handler in the registration: the callee or name of each argument between the path and it (`validate(schema)` -> `validate`). */
  middleware: string[];
}

export type Routes = { routes: RouteUse[] } | { unknown: string };

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'options', 'head']);

/** The route registrations of the handler function at `fnPath` (a function of `file`). */
export function routesOf(j: any, file: string, project: ProjectView, fnPath: any): Routes {
  const inline = registration(fnPath, file);
  if (inline) return { routes: [inline] };
  const holder = holderOf(fnPath);
  if (!holder) return { unknown: 'the handler is neither passed to a router nor a named top-level function or exported member' };
  const routes: RouteUse[] = [];
  const exported = new Set<string>(holder.exportedAs ? [holder.exportedAs] : []);
  if (holder.local) {
    const binding = resolveBinding(fnPath, holder.local);
    for (const ref of binding ? referencesTo(j, binding.scope, holder.local) : []) {
      const route = registration(ref, file);
      if (route) routes.push(route);
      const key = exportKey(ref);
      if (key) exported.add(key);
    }
  }
  if (holder.exportedAs && holder.exportedAs !== 'default') {
    // `router.get('/x', exports.list)` in the handler's own file
    let root = fnPath;
    while (root.parent) root = root.parent;
    j(root)
      .find(j.MemberExpression)
      .forEach((member: any) => {
        if (exportTarget(member.node) !== holder.exportedAs) return;
        const route = registration(member, file);
        if (route) routes.push(route);
      });
  }
  for (const name of exported) routes.push(...importerRoutes(j, file, project, name));
  if (routes.length === 0) return { unknown: `no router registration (\`.get(path, ${holder.local ?? [...exported][0] ?? 'handler'})\`) of the handler was found in the project` };
  return { routes };
}

/** `X.method(path?, …, here, …)` or `X.method(…, wrap(here), …)`: the registration `path` (a node path) is an argument of. */
function registration(path: any, file: string): RouteUse | undefined {
  let argument = path;
  let call = argument.parent;
  if (call?.node.type === 'CallExpression' && call.node.arguments.includes(argument.node) && !isRouteCall(call.node)) {
    // one wrapper: asyncHandler(h), catchAsync(h)
    argument = call;
    call = call.parent;
  }
  if (call?.node.type !== 'CallExpression' || !call.node.arguments.includes(argument.node) || !isRouteCall(call.node)) return undefined;
  const callee = call.node.callee;
  const first = unwrapExpression(call.node.arguments[0]);
  // app.route('/p').get(a).post(b): the path is on the .route() call at the start of the chain
  let object = unwrapExpression(callee.object);
  while (object?.type === 'CallExpression' && object.callee.type === 'MemberExpression' && METHODS.has(object.callee.property?.name ?? '')) object = unwrapExpression(object.callee.object);
  const routeCall = object?.type === 'CallExpression' && object.callee.type === 'MemberExpression' && object.callee.property?.name === 'route' ? object : undefined;
  const pathNode = routeCall ? unwrapExpression(routeCall.arguments[0]) : first;
  const middleware = call.node.arguments
    .slice(0, call.node.arguments.indexOf(argument.node))
    .flatMap((node: any) => (unwrapExpression(node)?.type === 'ArrayExpression' ? unwrapExpression(node).elements : [node]))
    .map(middlewareName)
    .filter((name: string | undefined): name is string => name !== undefined);
  return {
    middleware,
    method: callee.property.name,
    path: typeof pathNode?.value === 'string' ? pathNode.value : pathNode?.type === 'TemplateLiteral' && pathNode.quasis.length === 1 ? pathNode.quasis[0].value.cooked : undefined,
    file,
    line: call.node.loc?.start.line,
  };
}

/** `validate(schema)` -> 'validate', `body('email').isEmail()` -> 'body', `auth` -> 'auth'; a path literal -> undefined. */
function middlewareName(node: any): string | undefined {
  let value = unwrapExpression(node);
  for (;;) {
    if (value?.type === 'CallExpression') value = unwrapExpression(value.callee);
    else if (value?.type === 'MemberExpression' && unwrapExpression(value.object)?.type === 'CallExpression') value = unwrapExpression(value.object);
    else break;
  }
  if (value?.type === 'Identifier') return value.name;
  if (value?.type === 'MemberExpression' && !value.computed) return value.property.name;
  return undefined;
}

/** A route registration of a file: the call, its method, and the argument paths that are handlers (the path argument left out). */
export interface RouteCall {
  call: any;
  method: string;
  handlers: any[];
}

/**
 * Every `X.get/post/…/use(…)` registration of a file (also on `X.route(p)` chains), with its
 * handler arguments: every argument but the leading path (a string, template, regular expression
 * or array of them; for `get`/`post`/… any first argument, which Express reads as the path).
 */
export function routeCalls(j: any, root: any): RouteCall[] {
  const found: RouteCall[] = [];
  root.find(j.CallExpression).forEach((path: any) => {
    if (!isRouteCall(path.node)) return;
    const method = path.node.callee.property.name;
    const object = unwrapExpression(path.node.callee.object);
    const chained = object?.type === 'CallExpression' && object.callee.type === 'MemberExpression' && (object.callee.property?.name === 'route' || METHODS.has(object.callee.property?.name ?? ''));
    const args = path.get('arguments');
    const handlers: any[] = [];
    for (let i = 0; i < path.node.arguments.length; i += 1) handlers.push(args.get(i));
    if (!chained && handlers.length > 0) {
      const first = unwrapExpression(handlers[0].node);
      const pathLike = ['StringLiteral', 'Literal', 'TemplateLiteral', 'RegExpLiteral', 'ArrayExpression'].includes(first?.type) && !(first.type === 'Literal' && typeof first.value !== 'string' && !(first.value instanceof RegExp));
      // `use(mountPath, router)`: a first argument that is neither a function nor a call is the path
      const handlerLike = ['FunctionExpression', 'ArrowFunctionExpression', 'CallExpression'].includes(first?.type);
      if (method !== 'use' || pathLike || (handlers.length > 1 && !handlerLike)) handlers.shift();
    }
    found.push({ call: path, method, handlers });
  });
  return found;
}

/** The root object a registration is made on: `app` of `app.get(…)` and of `app.route('/x').get(…).post(…)`. */
export function routeReceiver(call: any): any {
  let object = unwrapExpression(call.callee.object);
  while (object?.type === 'CallExpression' && object.callee.type === 'MemberExpression' && (METHODS.has(object.callee.property?.name ?? '') || object.callee.property?.name === 'route')) {
    object = unwrapExpression(object.callee.object);
  }
  return object;
}

/**
 * The lowest Express major a package's declared range admits (`^4.17.1` -> 4, `4 || 5` -> 4), or
 * undefined when it declares none or harden cannot read it (`latest`, `*`, a git or file URL, an upper bound).
 */
export function expressMajor(pkg: { dependencyRange(name: string): string | undefined } | undefined): number | undefined {
  return dependencyMajor(pkg, 'express');
}

/** The lowest major of `name` a package's declared range admits (see `expressMajor`). */
export function dependencyMajor(pkg: { dependencyRange(name: string): string | undefined } | undefined, name: string): number | undefined {
  const declared = pkg?.dependencyRange(name);
  const range = declared?.startsWith(`npm:${name}@`) ? declared.slice(`npm:${name}@`.length) : declared;
  // an upper bound (`<6`, `>=4 <6`) says nothing certain about the lowest major harden would meet
  if (!range || /^(file:|link:|git|https?:|github:|workspace:)/.test(range) || range.includes('<')) return undefined;
  const majors = [...range.matchAll(/(?:^|[\s|^~<>=v])(\d+)(?=[.\sx*]|$)/g)].map((m) => Number(m[1]));
  return majors.length === 0 ? undefined : Math.min(...majors);
}

function isRouteCall(node: any): boolean {
  const callee = node.callee;
  if (callee?.type !== 'MemberExpression' || callee.computed || !METHODS.has(callee.property.name)) return false;
  const object = unwrapExpression(callee.object);
  const chained = object?.type === 'CallExpression' && object.callee.type === 'MemberExpression' && METHODS.has(object.callee.property?.name ?? '');
  const onRoute = object?.type === 'CallExpression' && object.callee.type === 'MemberExpression' && object.callee.property?.name === 'route';
  if (onRoute || chained) return node.arguments.length >= 1;
  // app.get('setting') is a settings read, not a route
  return node.arguments.length >= 2 || (callee.property.name === 'use' && node.arguments.length >= 1);
}

interface Holder {
  /** The local binding name, when the function has one. */
  local?: string;
  /** The name it is exported under, when that is its definition (`exports.x = function`). */
  exportedAs?: string;
}

function holderOf(fnPath: any): Holder | undefined {
  const fn = fnPath.node;
  const exportedInline = (path: any) => path?.node.type === 'ExportNamedDeclaration' || path?.node.type === 'ExportDefaultDeclaration';
  if (fn.type === 'FunctionDeclaration' && fn.id) {
    const parent = fnPath.parent;
    return { local: fn.id.name, exportedAs: exportedInline(parent) ? (parent.node.type === 'ExportDefaultDeclaration' ? 'default' : fn.id.name) : undefined };
  }
  let up = fnPath.parent;
  while (up && ['TSAsExpression', 'TSSatisfiesExpression', 'ParenthesizedExpression'].includes(up.node.type)) up = up.parent;
  if (up?.node.type === 'VariableDeclarator' && up.node.id.type === 'Identifier') {
    return { local: up.node.id.name, exportedAs: exportedInline(up.parent?.parent) ? up.node.id.name : undefined };
  }
  if (up?.node.type === 'ExportDefaultDeclaration') return { exportedAs: 'default' };
  if (up?.node.type === 'AssignmentExpression' && up.node.right === fnPath.node) {
    const key = exportTarget(up.node.left);
    if (key) return { exportedAs: key };
  }
  const member = fn.type === 'ObjectMethod' ? fnPath : up?.node.type === 'ObjectProperty' ? up : undefined;
  if (member) {
    const key = keyName(member.node);
    const holder = member.parent?.parent?.node;
    if (key && holder && (holder.type === 'ExportDefaultDeclaration' || (holder.type === 'AssignmentExpression' && exportTarget(holder.left) === 'default'))) return { exportedAs: key };
  }
  return undefined;
}

/** `module.exports` -> 'default', `module.exports.x` / `exports.x` -> 'x'. */
export function exportTarget(left: any): string | undefined {
  if (left?.type !== 'MemberExpression' || left.computed) return undefined;
  const object = left.object;
  if (object.type === 'Identifier' && object.name === 'module' && left.property.name === 'exports') return 'default';
  if (object.type === 'Identifier' && object.name === 'exports') return left.property.name;
  if (object.type === 'MemberExpression' && object.object.name === 'module' && object.property.name === 'exports') return left.property.name;
  return undefined;
}

/** The name a reference exports its binding under (`export { h }`, `module.exports = { h }`, `exports.h = h`), if it does. */
function exportKey(ref: any): string | undefined {
  const parent = ref.parent?.node;
  if (parent?.type === 'ExportSpecifier') return parent.exported.name ?? parent.exported.value;
  if (parent?.type === 'ExportDefaultDeclaration') return 'default';
  if (parent?.type === 'AssignmentExpression' && parent.right === ref.node) return exportTarget(parent.left);
  if ((parent?.type === 'ObjectProperty' || parent?.type === 'Property') && parent.value === ref.node) {
    const holder = ref.parent.parent.parent?.node;
    if (holder?.type === 'ExportDefaultDeclaration' || (holder?.type === 'AssignmentExpression' && exportTarget(holder.left) === 'default')) return keyName(parent);
  }
  if (parent?.type === 'VariableDeclarator' && ref.parent.parent.parent?.node.type === 'ExportNamedDeclaration') return ref.node.name;
  if (isFunctionNode(parent) && ref.parent.parent?.node.type === 'ExportNamedDeclaration') return ref.node.name;
  return undefined;
}

/** Registrations in other project files of what `target` exports as `name`. */
function importerRoutes(j: any, target: string, project: ProjectView, name: string): RouteUse[] {
  const routes: RouteUse[] = [];
  for (const other of project.files) {
    if (other === target) continue;
    const text = project.readFile(other);
    if (!text || (name !== 'default' && !text.includes(name)) || !project.couldImport(other, target)) continue;
    const root = project.parse(other);
    if (!root) continue;
    const fromTarget = (at: any, local: string, imported: string[]) => {
      const binding = resolveBinding(at, local);
      return binding?.kind === 'import' && imported.includes(binding.imported) && project.resolveImport(other, binding.source) === target;
    };
    root.find(j.Identifier).forEach((path: any) => {
      if (!isReferencePath(path) && path.parent.node.type !== 'MemberExpression') return;
      const parent = path.parent.node;
      let ref: any;
      if (parent.type === 'MemberExpression' && parent.property === path.node && !parent.computed) {
        if (path.node.name !== name || parent.object.type !== 'Identifier') return;
        if (!fromTarget(path, parent.object.name, ['*', 'default'])) return;
        ref = path.parent;
      } else if (isReferencePath(path)) {
        if (!fromTarget(path, path.node.name, [name])) return;
        ref = path;
      } else return;
      const route = registration(ref, other);
      if (route) routes.push(route);
    });
  }
  return routes;
}
