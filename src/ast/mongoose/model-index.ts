/**
 * The run-level index of Mongoose models, one per `ProjectView` (computed lazily, shared by every
 * transform and file of the run): what a module exports under a name (followed through variables,
 * `require`, re-exports, barrels, `export *` and tsconfig path aliases), the models registered by
 * name (`mongoose.model('User', schema)`, for `mongoose.model('User')` look-ups), and each model's
 * schema facts. Every answer that is not a model says why, in words a user can check.
 */
import type { ProjectView } from '../../transform.js';
import { requiredModuleOrMember } from '../imports.js';
import { resolveModule } from '../module-resolve.js';
import { isMongoose, schemaBuild, schemaFacts, type SchemaFacts } from './schema.js';
import { resolveBinding, unwrapExpression } from '../scope.js';
import { memberText } from '../values.js';

export interface ModelInfo {
  /** How the model is known: its variable name, or `this` of a schema's statics. */
  name: string;
  schema?: SchemaFacts;
  /** Why the schema could not be read, when it could not. */
  schemaProblem?: string;
  /** Where the schema is built, when it could be read: its file, the `new Schema(…)` node (the schema's identity), a path in its scope, the variable bound to it. */
  schemaSource?: { file: string; build: any; at: any; name?: string };
}

/** Where a followed expression ends: the node, a path in its scope, its file, the variable it was bound to. */
export interface Value {
  file: string;
  at: any;
  node: any;
  /** The top-level variable the node initialises, if it was reached through one. */
  name?: string;
  /** Set when the value could not be followed further: why (e.g. "is a function parameter"). */
  unresolved?: string;
}

const MAX_DEPTH = 8;
const indexes = new WeakMap<ProjectView, ModelIndex>();

/** The run's model index (one per project view). */
export function modelIndex(j: any, project: ProjectView): ModelIndex {
  let index = indexes.get(project);
  if (!index) indexes.set(project, (index = new ModelIndex(j, project)));
  return index;
}

export class ModelIndex {
  private readonly exportsCache = new Map<string, Value | undefined>();
  private readonly pending = new Set<string>();
  private registry: Map<string, Array<{ file: string; at: any; call: any }>> | undefined;

  constructor(
    private readonly j: any,
    readonly project: ProjectView,
  ) {}

  /** Follows `node` (seen from `at` in `file`) through variables, imports and requires to the expression that defines it. */
  follow(file: string, at: any, node: any, depth = 0, name?: string): Value {
    const value = unwrapExpression(node);
    if (!value) return { file, at, node: value, unresolved: 'has no value' };
    if (depth > MAX_DEPTH) return { file, at, node: value, unresolved: 'is re-exported through too many modules' };
    const required = requiredModuleOrMember(value);
    if (required !== undefined) {
      const target = resolveModule(this.project, file, required);
      if (!target) return { file, at, node: value, unresolved: `comes from '${required}', which is not a file of the project` };
      return this.exported(target, value.type === 'MemberExpression' ? memberName(value) ?? '?' : 'default', depth + 1);
    }
    if (value.type === 'MemberExpression' && !value.computed && value.object.type === 'Identifier') {
      const binding = resolveBinding(at, value.object.name);
      if (binding?.kind === 'import' && ['*', 'default'].includes(binding.imported)) {
        const target = resolveModule(this.project, file, binding.source);
        if (target) return this.member(target, memberName(value) ?? '?', depth + 1);
      }
      return { file, at, node: value, name };
    }
    if (value.type !== 'Identifier') return { file, at, node: value, name };
    const binding = resolveBinding(at, value.name);
    if (!binding) return { file, at, node: value, unresolved: `\`${value.name}\` is not declared in ${file}` };
    if (binding.kind === 'import') {
      const target = resolveModule(this.project, file, binding.source);
      if (!target) return { file, at, node: value, unresolved: `\`${value.name}\` comes from '${binding.source}', which is not a file of the project` };
      return this.exported(target, binding.imported, depth + 1);
    }
    if (binding.kind === 'variable' && !binding.destructured) {
      const declarator = declaratorPath(at, value.name);
      if (!declarator?.node.init) return { file, at, node: value, unresolved: `\`${value.name}\` is declared without a value` };
      return this.follow(file, declarator.get('init'), declarator.node.init, depth + 1, value.name);
    }
    const what = binding.kind === 'parameter' ? 'a function parameter' : binding.kind === 'variable' ? 'destructured from another value' : `a ${binding.kind}`;
    return { file, at, node: value, unresolved: `\`${value.name}\` is ${what}` };
  }

  /** What module `file` exports as `name` ('default' for the default export / `module.exports`). */
  exported(file: string, name: string, depth = 0): Value {
    const key = `${file}#${name}`;
    const cached = this.exportsCache.get(key);
    if (cached) return cached;
    if (this.pending.has(key) || depth > MAX_DEPTH) return { file, at: undefined, node: undefined, unresolved: `${file} re-exports ${name} in a cycle` };
    this.pending.add(key);
    try {
      const found = this.findExport(file, name, depth) ?? { file, at: undefined, node: undefined, unresolved: `${file} does not visibly export ${name === 'default' ? 'a default (module.exports)' : `\`${name}\``}` };
      this.exportsCache.set(key, found);
      return found;
    } finally {
      this.pending.delete(key);
    }
  }

  /** `ns.name` where `ns` is the whole module `file` (a namespace import, or its `module.exports` object). */
  member(file: string, name: string, depth: number): Value {
    const named = this.exported(file, name, depth);
    if (!named.unresolved) return named;
    const whole = this.exported(file, 'default', depth);
    const object = unwrapExpression(whole.node);
    if (object?.type === 'ObjectExpression') {
      const property = object.properties.find((p: any) => !p.computed && (p.key?.name ?? p.key?.value) === name);
      if (property) return this.follow(whole.file, whole.at, property.value, depth + 1);
    }
    return named;
  }

  private findExport(file: string, name: string, depth: number): Value | undefined {
    const root = this.project.parse(file);
    if (!root) return { file, at: undefined, node: undefined, unresolved: `${file} does not parse` };
    const program = root.get().get('program');
    const body = program.node.body as any[];
    for (let i = 0; i < body.length; i += 1) {
      const statement = body[i];
      const at = program.get('body', i);
      if (statement.type === 'ExportDefaultDeclaration' && name === 'default') return this.follow(file, at.get('declaration'), statement.declaration, depth);
      if (statement.type === 'TSExportAssignment' && name === 'default') return this.follow(file, at.get('expression'), statement.expression, depth);
      if (statement.type === 'ExportNamedDeclaration') {
        const declarations = statement.declaration?.type === 'VariableDeclaration' ? statement.declaration.declarations : [];
        const index = declarations.findIndex((d: any) => d.id.type === 'Identifier' && d.id.name === name);
        if (index >= 0) {
          const declarator = at.get('declaration', 'declarations', index);
          return this.follow(file, declarator.get('init'), declarator.node.init, depth, name);
        }
        if (statement.declaration?.id?.name === name) return { file, at, node: statement.declaration, name };
        for (const specifier of statement.specifiers ?? []) {
          if ((specifier.exported.name ?? specifier.exported.value) !== name) continue;
          if (specifier.type === 'ExportNamespaceSpecifier') return { file, at, node: statement, unresolved: `${file} re-exports a whole module as \`${name}\`` };
          const inner = specifier.type === 'ExportDefaultSpecifier' ? 'default' : specifier.local?.name ?? specifier.local?.value ?? 'default';
          if (statement.source) {
            const target = resolveModule(this.project, file, String(statement.source.value));
            if (!target) return { file, at, node: statement, unresolved: `${file} re-exports \`${name}\` from '${statement.source.value}', which is not a file of the project` };
            return this.exported(target, inner, depth + 1);
          }
          return this.follow(file, at, specifier.local, depth);
        }
      }
      if (statement.type === 'ExportAllDeclaration' && !statement.exported && name !== 'default') {
        const target = resolveModule(this.project, file, String(statement.source.value));
        const found = target ? this.exported(target, name, depth + 1) : undefined;
        if (found && !found.unresolved) return found;
      }
      if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression' && statement.expression.operator === '=') {
        const { left, right } = statement.expression;
        const target = memberText(left);
        const rightAt = at.get('expression', 'right');
        if (target === 'module.exports' && name === 'default') return this.follow(file, rightAt, right, depth);
        if (target === 'module.exports' && unwrapExpression(right)?.type === 'ObjectExpression') {
          const object = unwrapExpression(right);
          const property = object.properties.find((p: any) => p.type !== 'SpreadElement' && !p.computed && (p.key?.name ?? p.key?.value) === name);
          if (property) return this.follow(file, rightAt, property.value, depth);
        }
        if (target === `module.exports.${name}` || target === `exports.${name}`) return this.follow(file, rightAt, right, depth);
      }
    }
    return undefined;
  }

  /** The model `value` is, or undefined when it is not a model. */
  modelOf(value: Value, name: string): ModelInfo | undefined {
    if (value.unresolved || !value.at) return undefined;
    const call = modelCall(value.at, value.node);
    return call ? this.fromModelCall(value.file, value.at, call, name) : undefined;
  }

  /** The model a `mongoose.model(name, schema)` / `mongoose.model(name)` call yields. */
  fromModelCall(file: string, at: any, call: any, name: string): ModelInfo {
    const [first, second] = call.arguments.map(unwrapExpression);
    if (!second) return this.byName(typeof first?.value === 'string' ? first.value : undefined, name);
    return this.schemaModel(file, at, second, name);
  }

  /** The model whose schema is `schemaNode` (an expression seen from `at` in `file`). */
  schemaModel(file: string, at: any, schemaNode: any, name: string): ModelInfo {
    const value = this.follow(file, at, schemaNode);
    const label = schemaNode?.type === 'Identifier' ? `the schema \`${schemaNode.name}\`` : 'the schema argument';
    if (value.unresolved) return { name, schemaProblem: `${label}: ${value.unresolved}` };
    const build = schemaBuild(value.at, value.node);
    if (!build) return { name, schemaProblem: `${label} is ${describe(value.node)} in ${value.file}, not a \`new Schema(…)\` harden can read` };
    return { name, schema: schemaFacts(this.j, rootOf(this.j, value.at), build, value.name), schemaSource: { file: value.file, build, at: value.at, name: value.name } };
  }

  /** A model looked up by name: the one `mongoose.model(modelName, schema)` that registers it in the project. */
  private byName(modelName: string | undefined, name: string): ModelInfo {
    if (modelName === undefined) return { name, schemaProblem: 'the model is looked up by a name that is not a string literal' };
    const entries = this.registrations().get(modelName) ?? [];
    if (entries.length === 0) return { name, schemaProblem: `the model is looked up by name ('${modelName}') and no \`mongoose.model('${modelName}', schema)\` in the project registers it` };
    if (entries.length > 1) {
      return { name, schemaProblem: `'${modelName}' is registered ${entries.length} times (${[...new Set(entries.map((e) => e.file))].join(', ')}), so which schema it has is unknown` };
    }
    const [entry] = entries;
    return this.fromModelCall(entry!.file, entry!.at, entry!.call, name);
  }

  /** Every `mongoose.model('Name', schema)` of the project, by model name (built once, on the first look-up by name). */
  private registrations(): Map<string, Array<{ file: string; at: any; call: any }>> {
    if (this.registry) return this.registry;
    const registry = new Map<string, Array<{ file: string; at: any; call: any }>>();
    for (const file of this.project.files) {
      if (!/\bmodel\s*(<[^>]*>\s*)?\(/.test(this.project.readFile(file) ?? '')) continue;
      if (this.project.roleOf(file) === 'test') continue;
      const root = this.project.parse(file);
      root?.find(this.j.CallExpression).forEach((path: any) => {
        const call = modelCall(path, path.node);
        const first = unwrapExpression(call?.arguments[0]);
        if (call !== path.node || call.arguments.length < 2 || typeof first?.value !== 'string') return;
        const list = registry.get(first.value) ?? [];
        list.push({ file, at: path, call });
        registry.set(first.value, list);
      });
    }
    this.registry = registry;
    return registry;
  }
}

/** The `mongoose.model(...)` / `model(...)` call an expression is (also `mongoose.models.X || mongoose.model(...)`), if it is one. */
export function modelCall(path: any, node: any): any {
  const value = unwrapExpression(node);
  if (!value) return undefined;
  if (value.type === 'LogicalExpression') return modelCall(path, value.right);
  if (value.type !== 'CallExpression' || value.arguments.length === 0) return undefined;
  const callee = value.callee;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'model' && isMongoose(path, callee.object)) return value;
  if (callee.type === 'Identifier') {
    const binding = resolveBinding(path, callee.name);
    if (binding?.kind === 'import' && binding.source === 'mongoose' && binding.imported === 'model') return value;
  }
  return undefined;
}

/** The path of the declarator that binds `name` as seen from `at`. */
function declaratorPath(at: any, name: string): any {
  const declared = at.scope?.lookup(name)?.getBindings()[name]?.[0];
  let parent = declared?.parent;
  while (parent && parent.node.type !== 'VariableDeclarator') parent = parent.parent;
  return parent;
}

export function rootOf(j: any, path: any): any {
  let top = path;
  while (top.parent) top = top.parent;
  return j(top);
}

function describe(node: any): string {
  switch (node?.type) {
    case 'CallExpression':
      return `the result of ${memberText(node.callee) ?? 'a call'}()`;
    case 'NewExpression':
      return `\`new ${memberText(node.callee) ?? '…'}(…)\``;
    case 'ObjectExpression':
      return 'an object literal';
    case 'MemberExpression':
      return `\`${memberText(node) ?? 'a property'}\``;
    default:
      return `a ${node?.type ?? 'missing value'}`;
  }
}

function memberName(node: any): string | undefined {
  if (node.computed) return typeof node.property.value === 'string' ? node.property.value : undefined;
  return node.property.name;
}
