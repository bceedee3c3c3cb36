/**
 * Small scope questions transforms ask: which names a pattern binds, whether a name is assigned
 * after its declaration.
 */
import { requiredModuleOrMember } from './imports.js';

/** The identifiers a declaration pattern binds (`a`, `{ a, b: c }`, `[d, ...e]`). */
export function bindingNames(pattern: any): string[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p: any) => bindingNames(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e: any) => bindingNames(e));
    case 'RestElement':
      return bindingNames(pattern.argument);
    case 'AssignmentPattern':
      return bindingNames(pattern.left);
    default:
      return [];
  }
}

/**
 * True when `name` is the target of an assignment or update anywhere in the file other than
 * `declaration` itself (conservative: any scope counts).
 */
export function isReassigned(j: any, root: any, name: string, declaration: unknown): boolean {
  const assigned = root.find(j.AssignmentExpression, (node: any) => bindingNames(node.left).includes(name)).size();
  const updated = root.find(j.UpdateExpression, { argument: { type: 'Identifier', name } }).size();
  const redeclared = root
    .find(j.VariableDeclarator)
    .filter((path: any) => path.parent.node !== declaration && bindingNames(path.node.id).includes(name)
      && !(path.node.init?.type === 'CallExpression' && path.node.init.callee.name === 'require'))
    .size();
  return assigned + updated + redeclared > 0;
}

/** Expression wrappers that do not change a value: parentheses and TypeScript assertions. */
const TRANSPARENT = new Set(['ParenthesizedExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion']);

/** The expression inside any parentheses / `as T` / `satisfies T` / `x!` wrappers. */
export function unwrapExpression(node: any): any {
  let current = node;
  while (current && TRANSPARENT.has(current.type)) current = current.expression;
  return current;
}

/** The nearest ancestor path of `path` that is not a transparent wrapper (see `unwrapExpression`). */
export function valueParent(path: any): any {
  let parent = path.parent;
  while (parent && TRANSPARENT.has(parent.node.type)) parent = parent.parent;
  return parent;
}

/**
 * One link up a method chain: the call `<value at path>.name(…)` made on the value at `path`, with
 * the method's name; undefined when that value is not the receiver of a (non-computed) method call.
 */
export function chainedCall(path: any): { name: string; call: any } | undefined {
  const member = path.parent;
  const call = member?.parent;
  if (member?.node.type !== 'MemberExpression' || member.node.object !== path.node || member.node.computed) return undefined;
  if (call?.node.type !== 'CallExpression' || call.node.callee !== member.node) return undefined;
  return { name: member.node.property.name, call };
}

/** The child path of `parent` on the way to `path`, skipping transparent wrappers. */
export function valueChild(path: any, parent: any): any {
  let child = path;
  while (child.parent && child.parent !== parent) child = child.parent;
  return child;
}

/** What a name refers to at a place in the file. */
export type Binding =
  | { kind: 'variable'; declarator: any; declaration: any; scope: any; destructured: boolean }
  | { kind: 'parameter'; fn: any; scope: any }
  | { kind: 'import'; source: string; imported: string; scope: any }
  | { kind: 'function'; node: any; scope: any }
  | { kind: 'class'; node: any; scope: any }
  | { kind: 'other'; scope: any };

/**
 * Resolves `name` as seen from `path` (ast-types scopes). A `const x = require('m')` or
 * `const { a } = require('m')` binding is reported as an import of `m`.
 */
export function resolveBinding(path: any, name: string): Binding | undefined {
  const scope = path.scope?.lookup(name);
  if (!scope) return undefined;
  const declared = scope.getBindings()[name]?.[0];
  if (!declared) return undefined;
  let parent = declared.parent;
  while (parent && ['ObjectProperty', 'Property', 'ObjectPattern', 'ArrayPattern', 'RestElement', 'AssignmentPattern'].includes(parent.node.type)) {
    parent = parent.parent;
  }
  const owner = parent?.node;
  if (!owner) return { kind: 'other', scope };
  switch (owner.type) {
    case 'ImportSpecifier':
      return { kind: 'import', source: String(parent.parent.node.source.value), imported: owner.imported.name ?? owner.imported.value, scope };
    case 'ImportDefaultSpecifier':
      return { kind: 'import', source: String(parent.parent.node.source.value), imported: 'default', scope };
    case 'ImportNamespaceSpecifier':
      return { kind: 'import', source: String(parent.parent.node.source.value), imported: '*', scope };
    case 'VariableDeclarator': {
      const destructured = owner.id !== declared.node;
      const init = unwrapExpression(owner.init);
      const required = requiredModuleOrMember(init);
      if (required) {
        const imported = destructured ? destructuredKey(owner.id, name) ?? '?' : init.type === 'MemberExpression' ? memberName(init) ?? '?' : 'default';
        return { kind: 'import', source: required, imported, scope };
      }
      return { kind: 'variable', declarator: owner, declaration: parent.parent?.node, scope, destructured };
    }
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'ObjectMethod':
    case 'ClassMethod':
    case 'ClassPrivateMethod':
      if (owner.id === declared.node) return { kind: 'function', node: owner, scope };
      return { kind: 'parameter', fn: owner, scope };
    case 'TSParameterProperty':
      return { kind: 'parameter', fn: parent.parent?.node, scope };
    case 'ClassDeclaration':
      return { kind: 'class', node: owner, scope };
    default:
      return { kind: 'other', scope };
  }
}

function memberName(node: any): string | undefined {
  if (node.computed) return typeof node.property.value === 'string' ? node.property.value : undefined;
  return node.property.name;
}

function destructuredKey(pattern: any, name: string): string | undefined {
  if (pattern.type !== 'ObjectPattern') return undefined;
  for (const property of pattern.properties) {
    if (property.type === 'RestElement') continue;
    const value = property.value?.type === 'AssignmentPattern' ? property.value.left : property.value;
    if (value?.type === 'Identifier' && value.name === name) return property.key?.name ?? property.key?.value;
  }
  return undefined;
}

/** True when the Identifier at `path` reads or writes a variable (not a key, label, type or declaration name). */
export function isReferencePath(path: any): boolean {
  const parent = path.parent?.node;
  if (!parent) return false;
  const field = path.name;
  if (parent.type.startsWith('TS') && !TRANSPARENT.has(parent.type)) return false;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && field === 'property' && !parent.computed) return false;
  if (['ObjectProperty', 'Property', 'ClassProperty', 'ObjectMethod', 'ClassMethod', 'ClassPrivateProperty'].includes(parent.type) && field === 'key' && !parent.computed) {
    return false;
  }
  if (['LabeledStatement', 'BreakStatement', 'ContinueStatement'].includes(parent.type)) return false;
  if (parent.type.startsWith('Import') || parent.type.startsWith('Export')) return parent.type === 'ExportDefaultDeclaration' || (parent.type === 'ExportSpecifier' && field === 'local');
  if (parent.type === 'VariableDeclarator' && field === 'id') return false;
  if (/Function|Class/.test(parent.type) && field === 'id') return false;
  if (path.parentPath?.name === 'params') return false;
  return true;
}

/** Every reference to the binding of `name` that `scope` declares (uses only, not the declaration). */
export function referencesTo(j: any, scope: any, name: string): any[] {
  const refs: any[] = [];
  j(scope.path)
    .find(j.Identifier, { name })
    .forEach((path: any) => {
      if (!isReferencePath(path)) return;
      // compare scopes by their node: an edit elsewhere in the tree makes ast-types build new Scope objects
      if (path.scope?.lookup(name)?.node !== scope.node) return;
      const parent = path.parent.node;
      if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.value === path.node && path.parent.parent?.node.type === 'ObjectPattern') return;
      if (parent.type === 'ArrayPattern' || parent.type === 'RestElement' || parent.type === 'AssignmentPattern' && parent.left === path.node && path.parent.parent?.node.type !== 'AssignmentExpression') {
        return;
      }
      refs.push(path);
    });
  return refs;
}
