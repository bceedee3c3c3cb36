/**
 * Recognising Mongoose models, not look-alikes: a receiver is a model when it is bound to
 * `mongoose.model(...)` / `model(...)` (also a look-up by name, `mongoose.model('User')`), imported
 * from a project module that exports one (followed through re-exports, barrels and tsconfig path
 * aliases by the run's model index, see model-index.ts), or `this` inside a schema static.
 * Parameters and injected properties are not provably models.
 */
import type { ProjectView } from '../../transform.js';
import { modelCall, modelIndex, type ModelIndex, type ModelInfo, type Value } from './model-index.js';
import { reachesText, resolveModule } from '../module-resolve.js';
import { resolveBinding, unwrapExpression } from '../scope.js';
import { memberText } from '../values.js';
import { matchesOutsideLineComments } from '../comments.js';
import { namesMongoose } from './schema.js';

export type { ModelInfo } from './model-index.js';

export type ReceiverVerdict =
  | { kind: 'model'; model: ModelInfo }
  | { kind: 'refused'; reason: 'receiver-not-provably-model' | 'model-unresolved'; detail: string };

const PASCAL = /^[A-Z]/;

/**
 * Schema statics (`schema.statics.x = function () { this.find() }`: `this` there is a model), and
 * receivers named like models (`list.model`, `this.userModel`, a `Model` parameter) or imported from
 * a models folder (`../../shared/models`, outside the project), reported as not provably models
 * wherever they are.
 */
const MODEL_TEXT = /\bstatics\b|\.\s*static\s*\(|model/gi;

/**
 * The prefilter of transforms that act on model queries (a sound one: it never rejects a file where
 * `ModelResolver` could find a model). Every model comes from a `mongoose.model(…)` / `model(…)`
 * call on Mongoose (`isMongoose`), whose file names Mongoose; a receiver is a model only when that
 * file is this one or one it loads (through imports, re-exports, aliases), or when `this` is a
 * schema static's. Files naming a model (`model` in any case, in code: a `//` comment's mention does not count)
 * are admitted too, for the refusals they get. A
 * file that does neither, in a project (or a part of one) that never loads Mongoose, is not parsed
 * for them: its `X.find()` calls could only have been reported as "not provably a model".
 */
export function mayQueryModels(source: string, file: { path: string; project: ProjectView }): boolean {
  return namesMongoose(source) || matchesOutsideLineComments(source, MODEL_TEXT) || reachesText(file.project, file.path, namesMongoose, source);
}

export class ModelResolver {
  private readonly index: ModelIndex;

  constructor(
    private readonly j: any,
    project: ProjectView,
    private readonly filePath: string,
  ) {
    this.index = modelIndex(j, project);
  }

  /** The file the resolver looks from. */
  get file(): string {
    return this.filePath;
  }

  /** The verdict on `callPath`'s receiver (`X` in `X.find()`), or undefined when it is not a model candidate at all. */
  receiver(callPath: any): ReceiverVerdict | undefined {
    return this.objectVerdict(callPath, callPath.node.callee.object);
  }

  /** The verdict on `objectNode` seen from `callPath` (a path at or below which it is in scope), as for a receiver. */
  objectVerdict(callPath: any, objectNode: any): ReceiverVerdict | undefined {
    const object = unwrapExpression(objectNode);
    if (object.type === 'Identifier') return this.identifier(callPath, object.name);
    if (object.type === 'ThisExpression') {
      const statics = staticsSchema(callPath);
      if (!statics) return undefined;
      const schema = { type: 'Identifier', name: statics.schema };
      return { kind: 'model', model: this.index.schemaModel(this.filePath, statics.path, schema, `this (statics of ${statics.schema})`) };
    }
    if (object.type === 'CallExpression') {
      // mongoose.model('User').find()
      const call = modelCall(callPath, object);
      if (!call) return undefined;
      const first = unwrapExpression(call.arguments[0]);
      const label = `${memberText(call.callee) ?? 'model'}(${typeof first?.value === 'string' ? `'${first.value}'` : '…'})`;
      return { kind: 'model', model: this.index.fromModelCall(this.filePath, callPath, call, label) };
    }
    if (object.type === 'MemberExpression' && object.object.type === 'ThisExpression' && !object.computed) {
      const name = object.property.name;
      const owned = this.instanceModel(callPath, name);
      if (owned) return { kind: 'model', model: owned };
      const injected = injectedProperty(callPath, name);
      if (injected || /model$/i.test(name)) return { kind: 'refused', reason: 'receiver-not-provably-model', detail: `this.${name} ${injected ?? ''}`.trim() };
      return undefined;
    }
    if (object.type === 'MemberExpression' && object.object.type === 'Identifier' && !object.computed) {
      const binding = resolveBinding(callPath, object.object.name);
      if (binding?.kind !== 'import' || !['*', 'default'].includes(binding.imported)) {
        // `list.model.find()` (Keystone's List): named like a model, held where harden cannot follow
        const name = object.property.name as string;
        if (/model$/i.test(name)) return { kind: 'refused', reason: 'receiver-not-provably-model', detail: `\`${object.object.name}.${name}\` is a property of an object harden does not follow` };
        return undefined;
      }
      const local = `${object.object.name}.${object.property.name}`;
      const target = resolveModule(this.index.project, this.filePath, binding.source);
      if (!target) return this.missing(binding.source, local);
      return this.verdict(this.index.member(target, object.property.name, 1), local, target);
    }
    return undefined;
  }

  /**
   * `this.name` in a method of a class or constructor `C`, when the one write of a property `name` in the project is
   * `this.name = mongoose.model(…)` in another method of `C` (Keystone's `Content.prototype.initModel` sets
   * `this.AppContent`, `fetch` reads it): the property holds that model or nothing. Any other write of the name (in
   * another file, in an object literal, as a string key, on another object) leaves it unproven.
   */
  private instanceModel(callPath: any, name: string): ModelInfo | undefined {
    const owner = thisOwner(callPath);
    if (!owner) return undefined;
    let program = callPath;
    while (program.parent) program = program.parent;
    const root = this.j(program);
    const word = new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}($|[^\\w$])`);
    for (const file of this.index.project.files) {
      if (file !== this.filePath && this.index.project.roleOf(file) !== 'test' && word.test(this.index.project.readFile(file) ?? '')) return undefined;
    }
    if (root.find(this.j.ObjectProperty, { key: { name } }).size() > 0 || root.find(this.j.StringLiteral, { value: name }).size() > 0) return undefined;
    const writes = root.find(this.j.AssignmentExpression).filter((p: any) => {
      const left = unwrapExpression(p.node.left);
      return left.type === 'MemberExpression' && !left.computed && left.property.name === name;
    });
    const updates = root.find(this.j.UpdateExpression).filter((p: any) => p.node.argument.type === 'MemberExpression' && p.node.argument.property?.name === name);
    if (writes.size() !== 1 || updates.size() > 0) return undefined;
    const write = writes.paths()[0];
    if (unwrapExpression(write.node.left).object.type !== 'ThisExpression' || write.node.operator !== '=' || thisOwner(write) !== owner) return undefined;
    const call = modelCall(write, write.node.right);
    if (!call || call !== unwrapExpression(write.node.right)) return undefined;
    return this.index.fromModelCall(this.filePath, write, call, `this.${name}`);
  }

  private identifier(callPath: any, name: string): ReceiverVerdict | undefined {
    const binding = resolveBinding(callPath, name);
    if (!binding) return undefined;
    if (binding.kind === 'variable' && !binding.destructured) {
      if (!modelCall(callPath, binding.declarator.init) && !PASCAL.test(name)) return undefined;
      const value = this.index.follow(this.filePath, callPath, { type: 'Identifier', name });
      const model = this.index.modelOf(value, name);
      return model ? { kind: 'model', model } : undefined;
    }
    if (binding.kind === 'import') {
      const target = resolveModule(this.index.project, this.filePath, binding.source);
      if (!target) return this.missing(binding.source, name);
      return this.verdict(this.index.exported(target, binding.imported, 1), name, target);
    }
    if (binding.kind === 'parameter') {
      const param = (binding.fn.params ?? []).find((p: any) => p.name === name || p.left?.name === name || p.parameter?.name === name);
      const typed = /Model\b/.test(typeText(param?.typeAnnotation ?? param?.parameter?.typeAnnotation));
      if (typed || PASCAL.test(name) || /model$/i.test(name)) return { kind: 'refused', reason: 'receiver-not-provably-model', detail: `\`${name}\` is a function parameter` };
    }
    return undefined;
  }

  private missing(source: string, local: string): ReceiverVerdict | undefined {
    // bare package names are not project modules; only a relative import that leads nowhere is a refusal
    if (!source.startsWith('.') || !PASCAL.test(local.split('.').pop() ?? '')) return undefined;
    return { kind: 'refused', reason: 'model-unresolved', detail: `'${source}' was not found` };
  }

  private verdict(value: Value, local: string, target: string): ReceiverVerdict | undefined {
    const model = this.index.modelOf(value, local);
    if (model) return { kind: 'model', model };
    if (!PASCAL.test(local.split('.').pop() ?? '')) return undefined;
    const why = value.unresolved ?? `${local} is ${value.node?.type === 'ObjectExpression' ? 'an object literal' : `not a mongoose.model(…) (${value.node?.type ?? 'nothing'})`} in ${value.file}`;
    return { kind: 'refused', reason: 'model-unresolved', detail: value.unresolved && value.file !== target ? `${why} (through ${target})` : why };
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






/** When `this` at `path` is a model because the enclosing function is a schema static: the schema's name. */
export function staticsSchema(path: any): { schema: string; path: any } | undefined {
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

/**
 * What `this` is at `path`, as an identity to compare: the class (its body node) of a non-static class method, or
 * `C.prototype` for a function assigned to `C.prototype.x` or defined in an object assigned to `C.prototype`.
 * Arrow functions see the `this` of where they are written.
 */
function thisOwner(path: any): unknown {
  let fn = path.parent;
  while (fn && !['FunctionExpression', 'FunctionDeclaration', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod'].includes(fn.node.type)) fn = fn.parent;
  if (!fn) return undefined;
  if (fn.node.type === 'ClassMethod' || fn.node.type === 'ClassPrivateMethod') return fn.node.static ? undefined : fn.parent.node;
  const parent = fn.parent?.node;
  if (parent?.type === 'AssignmentExpression' && parent.right === fn.node) {
    const target = memberText(parent.left)?.split('.');
    if (target && target.length === 3 && target[1] === 'prototype') return `${target[0]}.prototype`;
  }
  const object = fn.node.type === 'ObjectMethod' ? fn.parent : fn.parent?.parent;
  const holder = object?.parent?.node;
  if (object?.node.type === 'ObjectExpression' && holder?.type === 'AssignmentExpression' && holder.right === object.node) {
    const target = memberText(holder.left)?.split('.');
    if (target && target.length === 2 && target[1] === 'prototype') return `${target[0]}.prototype`;
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
