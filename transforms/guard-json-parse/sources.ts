/**
 * Where the text given to `JSON.parse` comes from: a parameter of a function (a listener's data,
 * read further in listeners.ts), or a part of an Express request (`req.body.x`, `req.query.x`,
 * a local destructured from them). Anything else (a database row, a file, a closure variable, a
 * call's result) is not followed: harden cannot tell that a client wrote it.
 */
import { bindingNames, isReassigned, resolveBinding, unwrapExpression } from '../../src/ast/scope.js';
import { literalText } from '../../src/ast/values.js';

/** The request accessors that answer a header: `req.get('X-Context')`, `req.header('X-Context')`. */
const HEADER_GETTERS = new Set(['get', 'header']);

/** The parts of a request a client writes. */
export const REQUEST_PARTS = new Set(['body', 'query', 'params', 'headers', 'cookies', 'signedCookies']);

/**
 * The text is (read from) parameter `index` of the function at `fnPath`, through the member keys
 * `chain` (`req.query.filters` -> ['query', 'filters'], `data.payload` -> ['payload']).
 */
export interface Source {
  fnPath: any;
  index: number;
  name: string;
  chain: string[];
}

/**
 * The source of `node` (the parse's argument) as seen from `path` (the parse), through
 * `.toString()`, `String(x)`, `.trim()`, member reads (`data.payload`, `req.query.filters`),
 * `req.get('X-Header')`, and up to three local constants (`const raw = data.toString()`,
 * `const { filters } = req.query`).
 */
export function sourceOf(j: any, root: any, path: any, node: any, depth = 0): Source | undefined {
  const value = textValue(unwrapExpression(node));
  if (!value || depth > 3) return undefined;
  // the member chain down to its root identifier: req.query.filters -> ['query', 'filters']
  const chain: string[] = [];
  let base = value;
  for (;;) {
    base = unwrapExpression(base);
    if (base?.type === 'MemberExpression' || base?.type === 'OptionalMemberExpression') {
      const key = memberKey(base);
      if (key === undefined) return undefined;
      chain.unshift(key);
      base = base.object;
      continue;
    }
    // req.get('X-Context') / req.header('X-Context')
    if (base?.type === 'CallExpression' && chain.length === 0 && isHeaderGetter(base)) {
      chain.unshift('headers', literalText(base.arguments[0])!);
      base = base.callee.object;
      continue;
    }
    break;
  }
  if (base?.type !== 'Identifier') return undefined;
  const binding = resolveBinding(path, base.name);
  if (!binding) return undefined;
  if (binding.kind === 'parameter') {
    const fnPath = ancestorHolding(path, binding.fn);
    if (!fnPath) return undefined;
    const index = fnPath.node.params.findIndex((param: any) => bindingNames(param.type === 'TSParameterProperty' ? param.parameter : param).includes(base.name));
    if (index === -1) return undefined;
    return { fnPath, index, name: base.name, chain };
  }
  if (binding.kind === 'variable' && (binding.declaration?.kind === 'const' || !isReassigned(j, root, base.name, binding.declaration))) {
    const declarator = binding.declarator;
    if (!declarator?.init) return undefined;
    const from = sourceOf(j, root, path, declarator.init, depth + 1);
    if (!from) return undefined;
    if (!binding.destructured) return { ...from, chain: [...from.chain, ...chain] };
    // const { filters } = req.query -> req.query.filters
    const key = destructuredKey(declarator.id, base.name);
    return key === undefined ? undefined : { ...from, chain: [...from.chain, key, ...chain] };
  }
  return undefined;
}

/**
 * `x.toString()`, `x.toString('utf8')`, `String(x)`, `x.trim()`, `` `${x}` ``, `x || '{}'`: the `x`
 * whose text it is; `JSON.parse(x)`: what is parsed from a client's text is the client's too (a
 * payload encoded twice).
 */
function textValue(node: any): any {
  let current = node;
  for (;;) {
    current = unwrapExpression(current);
    if (current?.type === 'CallExpression') {
      const callee = current.callee;
      if (callee.type === 'MemberExpression' && !callee.computed && ['toString', 'trim'].includes(callee.property.name) && current.arguments.length <= 1) {
        current = callee.object;
        continue;
      }
      const parse = callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === 'JSON' && callee.property.name === 'parse';
      if (((callee.type === 'Identifier' && callee.name === 'String') || parse) && current.arguments.length >= 1) {
        current = current.arguments[0];
        continue;
      }
    }
    // req.query.filters || '{}', data ?? '[]': the fallback is the code's own, the left side the client's
    if (current?.type === 'LogicalExpression' && ['||', '??'].includes(current.operator) && literalText(current.right) !== undefined) {
      current = current.left;
      continue;
    }
    if (current?.type === 'TemplateLiteral' && current.expressions.length === 1 && current.quasis.every((q: any) => q.value.cooked === '')) {
      current = current.expressions[0];
      continue;
    }
    return current;
  }
}

function memberKey(node: any): string | undefined {
  return node.computed ? literalText(node.property) : node.property?.name;
}

function isHeaderGetter(call: any): boolean {
  const callee = call.callee;
  return callee.type === 'MemberExpression' && !callee.computed && HEADER_GETTERS.has(callee.property.name) && call.arguments.length === 1 && literalText(call.arguments[0]) !== undefined;
}

function destructuredKey(pattern: any, name: string): string | undefined {
  if (pattern?.type !== 'ObjectPattern') return undefined;
  for (const property of pattern.properties) {
    if (property.type === 'RestElement' || property.computed) continue;
    const value = property.value?.type === 'AssignmentPattern' ? property.value.left : property.value;
    if (value?.type === 'Identifier' && value.name === name) return property.key?.name ?? property.key?.value;
  }
  return undefined;
}

/** The ancestor path of `path` whose node is `node`. */
export function ancestorHolding(path: any, node: any): any {
  let current = path;
  while (current && current.node !== node) current = current.parent;
  return current;
}

/** Whether `path` lies in the block of a `try` that has a `catch`, below the function at `fnPath`. */
export function insideTry(path: any, fnPath: any): boolean {
  for (let p = path; p && p.node !== fnPath.node; p = p.parent) {
    const parent = p.parent?.node;
    if (parent?.type === 'TryStatement' && parent.block === p.node && parent.handler) return true;
  }
  return false;
}
