/**
 * The places a secret-like environment variable falls back to a literal: `process.env.X || 'lit'`,
 * `process.env['X'] ?? 'lit'`, and `const { X = 'lit' } = process.env`; each with its name, its
 * default and whether it can become `requireSecret(name, default)`, or why not.
 */
import { enclosingFunction } from '../../src/ast/functions.js';
import { envName, isProcessEnv } from '../../src/ast/env.js';
import { unwrapExpression } from '../../src/ast/scope.js';
import { literalText } from '../../src/ast/values.js';
import { judgeName, nonSecretValue } from './names.js';

export type Reason = 'not-a-secret' | 'default-not-literal' | 'empty-default' | 'read-in-function' | 'several-variables';

export interface Candidate {
  /** the node the site is reported on (the `||` expression, or the destructured property) */
  node: any;
  name: string;
  /** the literal default, reused as the second argument */
  literal: any;
  /** the node `requireSecret(...)` replaces: the whole `||` expression, or the destructuring default */
  replace: { path: any; kind: 'expression' } | { property: any; kind: 'default' };
  refusal?: { reason: Reason; detail?: string };
}

/** Defaults that say "no value": the variable is optional, not given a public secret. */
function isNothing(node: any): boolean {
  const value = unwrapExpression(node);
  return (
    (value?.type === 'Identifier' && value.name === 'undefined') ||
    value?.type === 'NullLiteral' ||
    (value?.type === 'Literal' && value.value === null) ||
    value?.type === 'BooleanLiteral' ||
    (value?.type === 'Literal' && typeof value.value === 'boolean')
  );
}

/** Env reads at the leaves of `a || b || c` (undefined when a leaf is something else). */
function envLeaves(path: any, node: any): string[] | undefined {
  const value = unwrapExpression(node);
  if (value?.type === 'LogicalExpression' && (value.operator === '||' || value.operator === '??')) {
    const left = envLeaves(path, value.left);
    const right = envLeaves(path, value.right);
    return left && right ? [...left, ...right] : undefined;
  }
  const name = envName(path, value);
  return name === undefined ? undefined : [name];
}

const FUNCTION = /^(FunctionExpression|ArrowFunctionExpression|FunctionDeclaration|ObjectMethod|ClassMethod|ClassPrivateMethod)$/;

/**
 * Why a read here would not run at start-up: it sits in a function (other than one called where it
 * is defined, at the top level) or in an instance field.
 */
function perCall(path: any): string | undefined {
  for (let current = path.parent; current; current = current.parent) {
    const node = current.node;
    if (/^(ClassProperty|ClassPrivateProperty|PropertyDefinition)$/.test(node.type) && !node.static) return 'in an instance field';
    if (!FUNCTION.test(node.type)) continue;
    const call = current.parent?.node;
    const iife = call?.type === 'CallExpression' && unwrapExpression(call.callee) === node;
    if (iife && !enclosingFunction(current)) return undefined;
    const name = node.id?.name ?? node.key?.name ?? (current.parent?.node.type === 'VariableDeclarator' ? current.parent.node.id.name : undefined);
    return name ? `in \`${name}\`` : 'in a function';
  }
  return undefined;
}

function judge(path: any, name: string, right: any): Candidate['refusal'] | 'none' {
  const verdict = judgeName(name);
  if (verdict.kind === 'unrelated') return 'none';
  // nothing public is used: the variable is optional, or falls back to another variable
  if (isNothing(right) || envLeaves(path, right) !== undefined) return 'none';
  if (verdict.kind === 'not-secret') return { reason: 'not-a-secret', detail: verdict.why };
  const text = literalText(right);
  if (text === undefined) return { reason: 'default-not-literal' };
  if (text === '') return { reason: 'empty-default', detail: `\`${name}\`` };
  const valueWhy = nonSecretValue(text);
  if (valueWhy) return { reason: 'not-a-secret', detail: `${valueWhy} (\`${name}\`)` };
  const where = perCall(path);
  if (where) return { reason: 'read-in-function', detail: where };
  return undefined;
}

export function findCandidates(j: any, root: any): Candidate[] {
  const found: Candidate[] = [];
  root.find(j.LogicalExpression).forEach((path: any) => {
    const node = path.node;
    if (node.operator !== '||' && node.operator !== '??') return;
    const parent = path.parent?.node;
    // `a || b || 'x'` is judged once, on the outer expression
    if (parent?.type === 'LogicalExpression' && parent.left === node && (parent.operator === '||' || parent.operator === '??')) return;
    const name = envName(path, node.left);
    if (name === undefined) {
      const leaves = envLeaves(path, node.left);
      if (!leaves || literalText(node.right) === undefined) return;
      const secret = leaves.find((leaf) => judgeName(leaf).kind === 'secret');
      if (secret) {
        found.push({ node, name: secret, literal: node.right, replace: { path, kind: 'expression' }, refusal: { reason: 'several-variables', detail: leaves.map((leaf) => `\`${leaf}\``).join(', ') } });
      }
      return;
    }
    const refusal = judge(path, name, node.right);
    if (refusal === 'none') return;
    found.push({ node, name, literal: node.right, replace: { path, kind: 'expression' }, ...(refusal ? { refusal } : {}) });
  });
  root.find(j.VariableDeclarator).forEach((path: any) => {
    const { id, init } = path.node;
    if (id.type !== 'ObjectPattern' || !isProcessEnv(path, init)) return;
    for (const property of id.properties) {
      if (property.type !== 'ObjectProperty' && property.type !== 'Property') continue;
      if (property.value?.type !== 'AssignmentPattern' || property.computed) continue;
      const key = property.key;
      const name = key.type === 'Identifier' ? key.name : typeof key.value === 'string' ? key.value : undefined;
      if (name === undefined) continue;
      const refusal = judge(path, name, property.value.right);
      if (refusal === 'none') continue;
      found.push({ node: property, name, literal: property.value.right, replace: { property, kind: 'default' }, ...(refusal ? { refusal } : {}) });
    }
  });
  return found.sort((a, b) => a.node.start - b.node.start);
}
