/**
 * Recognising Mongoose models, not look-alikes: a receiver is a model when it is bound to
 * `mongoose.model(...)` / `model(...)` in this file, imported from a project module that exports
 * one (relative imports resolved through the project), or `this` inside a schema static.
 * Parameters and injected properties are not provably models.
 */
import type { ProjectView } from '../transform.js';
import { schemaFacts, type SchemaFacts } from './mongoose-schema.js';
import { resolveBinding, unwrapExpression } from './scope.js';

export interface ModelInfo {
  /** How the model is known: its variable name, or `this` of a schema's statics. */
  name: string;
  schema?: SchemaFacts;
  /** Why the schema could not be read, when it could not. */
  schemaProblem?: string;
}

export type ReceiverVerdict =
  | { kind: 'model'; model: ModelInfo }
  | { kind: 'refused'; reason: 'receiver-not-provably-model' | 'model-unresolved'; detail: string };

const PASCAL = /^[A-Z]/;

export class ModelResolver {
  private readonly exportsCache = new Map<string, ModelInfo | undefined>();

  constructor(
    private readonly j: any,
    private readonly project: ProjectView,
    private readonly filePath: string,
  ) {}

  /** The verdict on `callPath`'s receiver (`X` in `X.find()`), or undefined when it is not a model candidate at all. */
  receiver(callPath: any): ReceiverVerdict | undefined {
    const object = unwrapExpression(callPath.node.callee.object);
    if (object.type === 'Identifier') return this.identifier(callPath, object.name);
    if (object.type === 'ThisExpression') {
      const statics = staticsSchema(callPath);
      if (!statics) return undefined;
      return { kind: 'model', model: this.schemaModel(statics.path, statics.schema, `this (statics of ${statics.schema})`) };
    }
    if (object.type === 'MemberExpression' && object.object.type === 'ThisExpression' && !object.computed) {
      const name = object.property.name;
      const injected = injectedProperty(callPath, name);
      if (injected || /model$/i.test(name)) return { kind: 'refused', reason: 'receiver-not-provably-model', detail: `this.${name} ${injected ?? ''}`.trim() };
      return undefined;
    }
    if (object.type === 'MemberExpression' && object.object.type === 'Identifier' && !object.computed) {
      const binding = resolveBinding(callPath, object.object.name);
      if (binding?.kind !== 'import' || !binding.source.startsWith('.') || !['*', 'default'].includes(binding.imported)) return undefined;
      return this.imported(binding.source, object.property.name, `${object.object.name}.${object.property.name}`);
    }
    return undefined;
  }

  private identifier(callPath: any, name: string): ReceiverVerdict | undefined {
    const binding = resolveBinding(callPath, name);
    if (!binding) return undefined;
    if (binding.kind === 'variable' && !binding.destructured) {
      const call = modelCall(callPath, binding.declarator.init);
      return call ? { kind: 'model', model: this.fromModelCall(callPath, call, name) } : undefined;
    }
    if (binding.kind === 'import') {
      if (!binding.source.startsWith('.')) return undefined;
      return this.imported(binding.source, binding.imported, name);
    }
    if (binding.kind === 'parameter') {
      const param = (binding.fn.params ?? []).find((p: any) => p.name === name || p.left?.name === name || p.parameter?.name === name);
      const typed = /Model\b/.test(typeText(param?.typeAnnotation ?? param?.parameter?.typeAnnotation));
      if (typed || PASCAL.test(name) || /model$/i.test(name)) return { kind: 'refused', reason: 'receiver-not-provably-model', detail: `\`${name}\` is a function parameter` };
    }
    return undefined;
  }

  private imported(source: string, imported: string, local: string): ReceiverVerdict | undefined {
    const target = this.project.resolveImport(this.filePath, source);
    const model = target ? this.exportedModel(target, imported, 0) : undefined;
    if (model) return { kind: 'model', model: { ...model, name: local } };
    if (PASCAL.test(local.split('.').pop() ?? '')) {
      return { kind: 'refused', reason: 'model-unresolved', detail: target ? `${target} does not visibly export a model as ${imported}` : `'${source}' was not found` };
    }
    return undefined;
  }

  /** The model that module `path` exports under `name` ('default' for the default / module.exports), if any. */
  exportedModel(path: string, name: string, depth: number): ModelInfo | undefined {
    const key = `${path}#${name}`;
    if (this.exportsCache.has(key)) return this.exportsCache.get(key);
    this.exportsCache.set(key, undefined);
    const result = depth > 3 ? undefined : this.findExport(path, name, depth);
    this.exportsCache.set(key, result);
    return result;
  }

  private findExport(path: string, name: string, depth: number): ModelInfo | undefined {
    const j = this.j;
    const root = this.project.parse(path);
    if (!root) return undefined;
    const program = root.get().node.program;
    const local = (localName: string) => this.localModel(root, path, localName, depth);
    for (const statement of program.body) {
      if (statement.type === 'ExportDefaultDeclaration' && name === 'default') {
        const declaration = unwrapExpression(statement.declaration);
        if (declaration.type === 'Identifier') return local(declaration.name);
        const exportPath = root.find(j.ExportDefaultDeclaration).paths()[0];
        const call = modelCall(exportPath, declaration);
        return call ? this.fromModelCall(exportPath, call, 'default') : undefined;
      }
      if (statement.type === 'ExportNamedDeclaration') {
        if (statement.declaration?.type === 'VariableDeclaration') {
          for (const declarator of statement.declaration.declarations) if (declarator.id.name === name) return local(name);
        }
        for (const specifier of statement.specifiers ?? []) {
          const exported = specifier.exported.name ?? specifier.exported.value;
          if (exported !== name) continue;
          const inner = specifier.local?.name ?? 'default';
          if (statement.source) {
            const target = this.project.resolveImport(path, String(statement.source.value));
            return target ? this.exportedModel(target, inner, depth + 1) : undefined;
          }
          return local(inner);
        }
      }
      if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression') {
        const { left, right } = statement.expression;
        const target = memberText(left);
        const value = unwrapExpression(right);
        if (target === 'module.exports' && name === 'default') {
          if (value.type === 'Identifier') return local(value.name);
          const exprPath = root.find(j.AssignmentExpression).filter((p: any) => p.node === statement.expression).paths()[0];
          const call = modelCall(exprPath, value);
          if (call) return this.fromModelCall(exprPath, call, 'default');
          const required = requireOf(value);
          if (required) {
            const resolved = this.project.resolveImport(path, required);
            return resolved ? this.exportedModel(resolved, 'default', depth + 1) : undefined;
          }
        }
        if (target === 'module.exports' && value.type === 'ObjectExpression') {
          for (const property of value.properties) {
            const key = property.key?.name ?? property.key?.value;
            if (key !== name) continue;
            const inner = unwrapExpression(property.value);
            if (inner?.type === 'Identifier') return local(inner.name);
            const required = requireOf(inner);
            if (required) {
              const resolved = this.project.resolveImport(path, required);
              return resolved ? this.exportedModel(resolved, 'default', depth + 1) : undefined;
            }
          }
        }
        if ((target === `module.exports.${name}` || target === `exports.${name}`) && value.type === 'Identifier') return local(value.name);
      }
    }
    return undefined;
  }

  private localModel(root: any, path: string, name: string, depth: number): ModelInfo | undefined {
    const j = this.j;
    const declarator = root
      .find(j.VariableDeclarator, { id: { type: 'Identifier', name } })
      .filter((p: any) => ['Program', 'ExportNamedDeclaration'].includes(p.parent.parent.node.type))
      .paths()[0];
    if (!declarator) return undefined;
    const init = unwrapExpression(declarator.node.init);
    const call = modelCall(declarator, init);
    if (call) return this.fromModelCall(declarator, call, name);
    const required = requireOf(init);
    if (required) {
      const resolved = this.project.resolveImport(path, required);
      return resolved ? this.exportedModel(resolved, 'default', depth + 1) : undefined;
    }
    return undefined;
  }

  private fromModelCall(path: any, call: any, name: string): ModelInfo {
    const schemaArg = unwrapExpression(call.arguments[1]);
    if (!schemaArg) return { name, schemaProblem: 'the model is looked up by name, so its schema is not in view' };
    if (schemaArg.type === 'NewExpression' && isSchemaConstructor(path, schemaArg.callee)) {
      return { name, schema: schemaFacts(this.j, this.rootOf(path), schemaArg, undefined) };
    }
    if (schemaArg.type === 'Identifier') return this.schemaModel(path, schemaArg.name, name);
    return { name, schemaProblem: 'the schema argument is not a `new Schema(...)` of this module' };
  }

  private schemaModel(path: any, schemaName: string, name: string): ModelInfo {
    const binding = resolveBinding(path, schemaName);
    const init = binding?.kind === 'variable' && !binding.destructured ? unwrapExpression(binding.declarator.init) : undefined;
    if (init?.type !== 'NewExpression' || !isSchemaConstructor(path, init.callee)) {
      return { name, schemaProblem: `the schema \`${schemaName}\` is not built with new Schema(...) in the model's module` };
    }
    return { name, schema: schemaFacts(this.j, this.rootOf(path), init, schemaName) };
  }

  private rootOf(path: any): any {
    let top = path;
    while (top.parent) top = top.parent;
    return this.j(top);
  }
}

function typeText(annotation: any): string {
  if (!annotation) return '';
  const parts: string[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'Identifier') parts.push(node.name);
    for (const key of Object.keys(node)) if (key !== 'loc' && key !== 'tokens' && key !== 'comments') walk(node[key]);
  };
  walk(annotation);
  return parts.join(' ');
}

function memberText(node: any): string | undefined {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression' && !node.computed) {
    const object = memberText(node.object);
    return object ? `${object}.${node.property.name}` : undefined;
  }
  return undefined;
}

function requireOf(node: any): string | undefined {
  if (node?.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' && typeof node.arguments[0]?.value === 'string') {
    return node.arguments[0].value;
  }
  if (node?.type === 'MemberExpression' && node.property?.name === 'default') return requireOf(node.object);
  return undefined;
}

function isMongoose(path: any, node: any): boolean {
  if (node?.type !== 'Identifier') return false;
  const binding = resolveBinding(path, node.name);
  return binding?.kind === 'import' && binding.source === 'mongoose' && ['default', '*'].includes(binding.imported);
}

function isSchemaConstructor(path: any, callee: any): boolean {
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'Schema') return isMongoose(path, callee.object);
  if (callee.type === 'Identifier') {
    const binding = resolveBinding(path, callee.name);
    return binding?.kind === 'import' && binding.source === 'mongoose' && binding.imported === 'Schema';
  }
  return false;
}

/** The `mongoose.model(...)` / `model(...)` call an initialiser is (also `mongoose.models.X || mongoose.model(...)`), if it is one. */
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

/** When `this` at `path` is a model because the enclosing function is a schema static: the schema's name. */
function staticsSchema(path: any): { schema: string; path: any } | undefined {
  let fn = path.parent;
  while (fn && !['FunctionExpression', 'FunctionDeclaration', 'ObjectMethod', 'ClassMethod'].includes(fn.node.type)) fn = fn.parent;
  if (!fn) return undefined;
  const parent = fn.parent?.node;
  // schema.statics.x = function () {}
  if (parent?.type === 'AssignmentExpression' && parent.right === fn.node) {
    const target = memberText(parent.left)?.split('.');
    if (target && target.length === 3 && target[1] === 'statics') return { schema: target[0]!, path: fn };
  }
  // schema.static('x', function () {})
  if (parent?.type === 'CallExpression' && parent.callee.type === 'MemberExpression' && parent.callee.property.name === 'static' && parent.callee.object.type === 'Identifier') {
    return { schema: parent.callee.object.name, path: fn };
  }
  // schema.statics = { x() {} } / schema.static({ x() {} })
  const object = fn.node.type === 'ObjectMethod' ? fn.parent : fn.parent?.parent;
  const holder = object?.parent?.node;
  if (object?.node.type === 'ObjectExpression') {
    if (holder?.type === 'AssignmentExpression' && holder.right === object.node) {
      const target = memberText(holder.left)?.split('.');
      if (target && target.length === 2 && target[1] === 'statics') return { schema: target[0]!, path: fn };
    }
    if (holder?.type === 'CallExpression' && holder.callee.type === 'MemberExpression' && holder.callee.property.name === 'static' && holder.callee.object.type === 'Identifier') {
      return { schema: holder.callee.object.name, path: fn };
    }
  }
  return undefined;
}

/** `@InjectModel(...)`-decorated or Model-typed constructor parameter property `name` of the enclosing class. */
function injectedProperty(path: any, name: string): string | undefined {
  let current = path.parent;
  while (current && !['ClassDeclaration', 'ClassExpression'].includes(current.node.type)) current = current.parent;
  if (!current) return undefined;
  for (const member of current.node.body.body) {
    if (member.type === 'ClassMethod' && member.kind === 'constructor') {
      for (const param of member.params) {
        const id = param.type === 'TSParameterProperty' ? param.parameter : param;
        if (id?.name !== name) continue;
        const decorated = (param.decorators ?? []).some((d: any) => /Inject/.test(typeText(d.expression)));
        if (decorated) return 'is injected by the DI container';
        if (/Model\b/.test(typeText(id.typeAnnotation))) return 'is a constructor parameter typed Model';
      }
    }
    if ((member.type === 'ClassProperty' || member.type === 'PropertyDefinition') && member.key?.name === name) {
      const decorated = (member.decorators ?? []).some((d: any) => /Inject/.test(typeText(d.expression)));
      if (decorated) return 'is injected by the DI container';
    }
  }
  return undefined;
}
