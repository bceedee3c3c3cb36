/**
 * The environment variables a module reads, and what its code says about each: the type it turns
 * the value into (`Number(process.env.PORT)`: a number, `process.env.DEBUG === 'true'`: a boolean),
 * the fallback it gives (`|| 'x'`, `?? 3000`, `const { X = 'x' } = process.env`) and whether a
 * missing value is expected (a fallback, a test, a comparison). Reads of a name only known at run
 * time (`process.env[key]`) are listed apart: no schema can name them.
 */
import { envName, isProcessEnv } from '../../src/ast/env.js';
import { literalText } from '../../src/ast/values.js';
import { HELPER } from '../secret-fallbacks/index.js';

export type EnvType = 'string' | 'number' | 'boolean';

export interface EnvRule {
  type: EnvType;
  /** True when no read tolerates a missing value. */
  required: boolean;
  /** The code's fallback, as text (documentation: the code keeps applying it). */
  default?: string;
}

interface Use {
  name: string;
  type?: 'number' | 'boolean';
  optional: boolean;
  default?: string;
}

export interface ModuleReads {
  uses: Use[];
  /** `process.env[expression]`: nodes of reads whose name is not in the code. */
  dynamic: any[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Set by the shell, npm or the platform rather than by whoever deploys the server. */
const PLATFORM = /^(NODE_ENV|NODE_OPTIONS|HOME|PATH|PWD|USER|USERNAME|HOSTNAME|SHELL|TMPDIR|TEMP|TMP|TZ|LANG|CI|TERM|npm_.*|INIT_CWD)$/;
const NUMBER_CALLS = new Set(['Number', 'parseInt', 'parseFloat']);
const WRAPPERS = new Set(['TSAsExpression', 'TSNonNullExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'ParenthesizedExpression']);

/** A literal fallback as text: `'x'` -> x, `3000` -> 3000; undefined for anything else. */
function defaultText(node: any): string | undefined {
  const text = literalText(node);
  if (text !== undefined) return text;
  if (node?.type === 'NumericLiteral' || (node?.type === 'Literal' && typeof node.value === 'number')) return String(node.value);
  return undefined;
}

function isStringLiteral(node: any): boolean {
  return literalText(node) !== undefined;
}

const FUNCTION = /^(FunctionExpression|ArrowFunctionExpression|FunctionDeclaration|ObjectMethod|ClassMethod|ClassPrivateMethod)$/;

/**
 * Whether the read only happens on some branch of its function or module: an `if` or `switch`
 * branch, a conditional's branch, the right side of `||`/`??`/`&&` (`prod ? process.env.A :
 * process.env.B` needs one of the two, never both).
 */
function onBranch(path: any): boolean {
  for (let current = path; current.parent && !FUNCTION.test(current.node.type); current = current.parent) {
    const node = current.parent.node;
    if (node.type === 'IfStatement' && node.test !== current.node) return true;
    if (node.type === 'ConditionalExpression' && node.test !== current.node) return true;
    if (node.type === 'LogicalExpression' && node.right === current.node) return true;
    if (node.type === 'SwitchCase' && node.test !== current.node) return true;
  }
  return false;
}

/** What the code around the read at `path` does with its value. */
function useOf(path: any, name: string): Use {
  const use: Use = { name, optional: PLATFORM.test(name) || onBranch(path) };
  let current = path;
  for (let depth = 0; depth < 6; depth += 1) {
    const parent = current.parent;
    const node = parent?.node;
    if (!node) break;
    if (WRAPPERS.has(node.type)) {
      current = parent;
      continue;
    }
    if (node.type === 'LogicalExpression' && node.left === current.node) {
      use.optional = true;
      if (node.operator === '||' || node.operator === '??') {
        const fallback = defaultText(node.right);
        if (fallback !== undefined && use.default === undefined) use.default = fallback;
        current = parent;
        continue;
      }
      break;
    }
    if (node.type === 'CallExpression' && node.arguments[0] === current.node && node.callee.type === 'Identifier' && NUMBER_CALLS.has(node.callee.name)) {
      use.type ??= 'number';
      current = parent;
      continue;
    }
    if (node.type === 'UnaryExpression' && node.operator === '+') {
      use.type ??= 'number';
      current = parent;
      continue;
    }
    if (node.type === 'BinaryExpression' && /^[!=]==?$/.test(node.operator)) {
      use.optional = true;
      const other = node.left === current.node ? node.right : node.left;
      const text = literalText(other);
      if ((text === 'true' || text === 'false') && current === path) use.type = 'boolean';
      else if (!isStringLiteral(other)) break;
      break;
    }
    if (
      (node.type === 'UnaryExpression' && (node.operator === '!' || node.operator === 'typeof')) ||
      ((node.type === 'IfStatement' || node.type === 'ConditionalExpression' || node.type === 'WhileStatement') && node.test === current.node)
    ) {
      use.optional = true;
    }
    break;
  }
  return use;
}

/** Every read of `process.env` in the module: by name, or by a name the code computes. */
export function readsOf(j: any, root: any): ModuleReads {
  const uses: Use[] = [];
  const dynamic: any[] = [];
  const visit = (path: any) => {
    const node = path.node;
    if (!isProcessEnv(path, node.object)) return;
    const parent = path.parent?.node;
    // process.env.hasOwnProperty(…), Object methods: not a variable
    if (parent?.type === 'CallExpression' && parent.callee === node) return;
    const name = envName(path, node) ?? (node.computed ? literalText(node.property) : undefined);
    if (name === undefined) {
      dynamic.push(node);
      return;
    }
    if (!NAME.test(name)) return;
    const written =
      (parent?.type === 'AssignmentExpression' && parent.left === node) ||
      parent?.type === 'UpdateExpression' ||
      (parent?.type === 'UnaryExpression' && parent.operator === 'delete');
    uses.push(written ? { name, optional: true } : useOf(path, name));
  };
  root.find(j.MemberExpression).forEach(visit);
  // secret-fallbacks' `requireSecret('JWT_SECRET', 'dev')` reads JWT_SECRET (its fallback applies outside production)
  root.find(j.CallExpression).forEach((path: any) => {
    const { callee, arguments: args } = path.node;
    const name = callee.type === 'Identifier' && new RegExp(`^${HELPER}\\d*$`).test(callee.name) ? literalText(args[0]) : undefined;
    if (name !== undefined && NAME.test(name)) uses.push({ name, optional: true });
  });
  root.find(j.OptionalMemberExpression).forEach(visit);
  // const { PORT = 3000, MONGO_URL } = process.env
  root.find(j.VariableDeclarator).forEach((path: any) => {
    const { id, init } = path.node;
    if (id.type !== 'ObjectPattern' || !isProcessEnv(path, init)) return;
    for (const property of id.properties) {
      if (property.type !== 'ObjectProperty' && property.type !== 'Property') continue;
      if (property.computed) {
        const name = literalText(property.key);
        if (name === undefined) dynamic.push(property);
        continue;
      }
      const name = property.key.type === 'Identifier' ? property.key.name : literalText(property.key);
      if (name === undefined || !NAME.test(name)) continue;
      const fallback = property.value?.type === 'AssignmentPattern' ? property.value.right : undefined;
      const text = fallback ? defaultText(fallback) : undefined;
      uses.push({ name, optional: fallback !== undefined || PLATFORM.test(name) || onBranch(path), ...(text !== undefined ? { default: text } : {}) });
    }
  });
  return { uses, dynamic: dynamic.sort((a, b) => a.start - b.start) };
}

/** One rule per name, from every use of it: optional when any use tolerates a missing value. */
export function rulesOf(uses: readonly Use[]): Map<string, EnvRule> {
  const byName = new Map<string, Use[]>();
  for (const use of uses) byName.set(use.name, [...(byName.get(use.name) ?? []), use]);
  const rules = new Map<string, EnvRule>();
  for (const name of [...byName.keys()].sort()) {
    const all = byName.get(name)!;
    // a type only when every read gives it: `=== 'true'` here and `=== 'beta'` there is a string
    const first = all[0]!.type;
    const type: EnvType = first && all.every((use) => use.type === first) ? first : 'string';
    const fallback = all.find((use) => use.default !== undefined)?.default;
    rules.set(name, { type, required: all.every((use) => !use.optional), ...(fallback !== undefined ? { default: fallback } : {}) });
  }
  return rules;
}
