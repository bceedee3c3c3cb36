/**
 * Functions around a node: the nearest enclosing function, whether a function looks like an
 * Express handler, and how other code can name a function (for finding its callers).
 */
import { typeName } from './values.js';

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
  'ObjectMethod',
  'ClassMethod',
  'ClassPrivateMethod',
]);

export function isFunctionNode(node: any): boolean {
  return Boolean(node && FUNCTION_TYPES.has(node.type));
}

/** The path of the nearest function enclosing `path` (not `path` itself), or undefined at module level. */
export function enclosingFunction(path: any): any {
  let current = path.parent;
  while (current && !isFunctionNode(current.node)) current = current.parent;
  return current;
}

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'options', 'head']);

/** The name of the parameter holding the request when `fn` looks like an Express handler, else undefined. */
export function requestParam(fnPath: any): string | undefined {
  const fn = fnPath.node;
  const [first, second] = fn.params ?? [];
  const name = (param: any) => (param?.type === 'Identifier' ? param.name : param?.type === 'AssignmentPattern' ? param.left.name : undefined);
  const req = name(first);
  const res = name(second);
  if (req && /^req(uest)?$/i.test(req)) return req;
  if (req && res && /^res(ponse)?$/i.test(res)) return req;
  if (req && isRouteArgument(fnPath)) return req;
  const annotation = first?.typeAnnotation?.typeAnnotation;
  if (req && annotation?.type === 'TSTypeReference' && /^(Request|express\.Request)$/.test(typeName(annotation.typeName))) return req;
  return undefined;
}

/** True when the function is an argument of `app.get(...)`, `router.post(...)` and the like. */
function isRouteArgument(fnPath: any): boolean {
  const parent = fnPath.parent?.node;
  if (parent?.type !== 'CallExpression' || !parent.arguments.includes(fnPath.node)) return false;
  const callee = parent.callee;
  return callee.type === 'MemberExpression' && !callee.computed && ROUTE_METHODS.has(callee.property.name);
}
