/**
 * Where a filter value comes from: straight from the request (`req.body.email`, `req.query.email`,
 * `req.params.id`, or a local destructured / assigned from them with nothing in between), through
 * a cast or a validator (`String(...)`, `parseInt(...)`, `new ObjectId(...)`, `schema.parse(req.body)`),
 * or from somewhere harden does not follow.
 */
import { enclosingFunction, requestParam } from '../../src/ast/functions.js';
import { resolveBinding } from '../../src/ast/scope.js';

export type Origin =
  | { kind: 'request'; text: string }
  | { kind: 'cast'; text: string }
  | { kind: 'whole-request'; text: string }
  | { kind: 'other' };

const PARTS = new Set(['body', 'query', 'params']);

/** TypeScript's `x as T`, `x!`, `<T>x` and parentheses are not casts at runtime. */
function strip(node: any): any {
  let current = node;
  while (current && /^(TSAsExpression|TSNonNullExpression|TSTypeAssertion|TSSatisfiesExpression|ParenthesizedExpression|TypeCastExpression)$/.test(current.type)) current = current.expression;
  return current;
}

/** The request parameter visible at `path` (of the nearest enclosing handler), if any. */
function requestName(path: any): string | undefined {
  for (let fn = enclosingFunction(path); fn; fn = enclosingFunction(fn)) {
    const name = requestParam(fn);
    if (name) return name;
  }
  return undefined;
}

/** `req.body` / `req.query` / `req.params` (with `req` the handler's request parameter): the part, else undefined. */
function requestPart(path: any, node: any): string | undefined {
  const value = strip(node);
  if (value?.type !== 'MemberExpression' && value?.type !== 'OptionalMemberExpression') return undefined;
  const object = strip(value.object);
  if (object?.type !== 'Identifier') return undefined;
  const key = value.computed ? (typeof value.property.value === 'string' ? value.property.value : undefined) : value.property.name;
  if (!key || !PARTS.has(key)) return undefined;
  const req = requestName(path);
  if (req === undefined || object.name !== req) return undefined;
  const binding = resolveBinding(path, req);
  return binding?.kind === 'parameter' ? key : undefined;
}

/** `req.body.email`, `req.query['email']`, `req.params.id` (one level below the part): its text. */
function requestField(path: any, node: any): string | undefined {
  const value = strip(node);
  if (value?.type !== 'MemberExpression' && value?.type !== 'OptionalMemberExpression') return undefined;
  const part = requestPart(path, value.object);
  if (!part) return undefined;
  const key = value.computed ? (typeof value.property.value === 'string' ? value.property.value : undefined) : value.property.name;
  return key === undefined ? undefined : `req.${part}.${key}`;
}

const CASTS = /^(String|Number|Boolean|parseInt|parseFloat|ObjectId|isValidObjectId|escape|sanitize|mongoSanitize|trim|toString|toLowerCase|toUpperCase|parse|safeParse|parseAsync|validate|validateSync|validateAsync|attempt|matchedData|cast|Types\.ObjectId|mongoose\.Types\.ObjectId|createFromHexString)$/;

function calleeName(callee: any): string {
  const node = strip(callee);
  if (node?.type === 'Identifier') return node.name;
  if (node?.type === 'MemberExpression' && !node.computed) return node.property.name;
  return '';
}

/** A call (or `new`) that turns its request argument into a checked value, with the text for the report. */
function castOf(path: any, node: any): string | undefined {
  let value = strip(node);
  if (value?.type === 'AwaitExpression') value = strip(value.argument);
  if (value?.type !== 'CallExpression' && value?.type !== 'NewExpression') return undefined;
  const name = calleeName(value.callee);
  // `req.body.email.toString()`, `String(req.body.email)`, `schema.parse(req.body)`, `matchedData(req)`
  const receiver = value.callee.type === 'MemberExpression' ? value.callee.object : undefined;
  const fromRequest = [...value.arguments, receiver].some((argument) => argument && mentionsRequest(path, argument));
  return fromRequest && CASTS.test(name) ? `${name}(…)` : undefined;
}

function mentionsRequest(path: any, node: any): boolean {
  const value = strip(node);
  if (!value) return false;
  if (requestPart(path, value) || requestField(path, value)) return true;
  const req = requestName(path);
  if (value.type === 'Identifier' && value.name === req) return true; // matchedData(req)
  if (value.type === 'MemberExpression') return mentionsRequest(path, value.object);
  return false;
}

/** Where the value `node` (a filter value, or a whole filter) seen from `path` comes from. */
export function originOf(path: any, node: any): Origin {
  const value = strip(node);
  if (!value) return { kind: 'other' };
  const part = requestPart(path, value);
  if (part) return { kind: 'whole-request', text: `req.${part}` };
  const field = requestField(path, value);
  if (field) return { kind: 'request', text: field };
  const cast = castOf(path, value);
  if (cast) return { kind: 'cast', text: cast };
  if (value.type !== 'Identifier') return { kind: 'other' };
  const binding = resolveBinding(path, value.name);
  if (binding?.kind !== 'variable') return { kind: 'other' };
  const declarator = binding.declarator;
  if (binding.declaration?.kind !== 'const' && isWritten(binding.scope, value.name)) return { kind: 'other' };
  const init = declarator.init;
  if (binding.destructured) {
    // `const { email } = req.body`, `const { email: mail = '' } = req.query`
    if (declarator.id.type !== 'ObjectPattern' || !isDirectProperty(declarator.id, value.name)) return { kind: 'other' };
    const source = requestPart(path, init);
    if (source) return { kind: 'request', text: `req.${source}.${keyOf(declarator.id, value.name)}` };
    const cast = castOf(path, init);
    return cast ? { kind: 'cast', text: cast } : { kind: 'other' };
  }
  const from = requestField(path, init);
  if (from) return { kind: 'request', text: from };
  const initCast = castOf(path, init);
  if (initCast) return { kind: 'cast', text: initCast };
  const whole = requestPart(path, init);
  if (whole) return { kind: 'whole-request', text: `\`${value.name}\` is req.${whole}` };
  return { kind: 'other' };
}

/** The property of a flat object pattern that binds `name`: `{ name }`, `{ key: name }`, `{ key: name = d }`. */
function propertyBinding(pattern: any, name: string): any {
  return pattern.properties.find((p: any) => {
    if (p.type !== 'ObjectProperty' && p.type !== 'Property') return false;
    const target = p.value?.type === 'AssignmentPattern' ? p.value.left : p.value;
    return target?.type === 'Identifier' && target.name === name;
  });
}

function isDirectProperty(pattern: any, name: string): boolean {
  const property = propertyBinding(pattern, name);
  return property !== undefined && !property.computed;
}

function keyOf(pattern: any, name: string): string {
  const key = propertyBinding(pattern, name)?.key;
  return key?.name ?? key?.value ?? name;
}

/** Assigned anywhere after its declaration (`email = email.trim()`). */
function isWritten(scope: any, name: string): boolean {
  const bindings = scope?.getBindings?.()[name] ?? [];
  const root = bindings[0]?.scope?.path ?? scope?.path;
  if (!root) return true;
  let written = false;
  const visit = (node: any) => {
    if (!node || typeof node !== 'object' || written) return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (node.type === 'AssignmentExpression' && strip(node.left)?.type === 'Identifier' && strip(node.left).name === name) written = true;
    if (node.type === 'UpdateExpression' && node.argument?.type === 'Identifier' && node.argument.name === name) written = true;
    for (const key of Object.keys(node)) if (key !== 'loc' && key !== 'tokens' && key !== 'comments' && key !== 'original') visit(node[key]);
  };
  visit(root.node);
  return written;
}
