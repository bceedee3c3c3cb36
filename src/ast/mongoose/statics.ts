/**
 * Schema statics, both ways: the static function a `Model.name(…)` call runs (for following an
 * argument into it), and every call of a static in the project (for following what it returns).
 * A static is `schema.statics = { name() {} }`, `schema.statics.name = function`,
 * `schema.static('name', fn)`, `schema.static({ name() {} })` or `statics: { name }` in the
 * schema options. A model is recognised by its schema (the file and variable the schema is bound
 * to), so `User.list()` in a controller and `this.list()` in another static of the same schema
 * are both calls of `list`.
 */
import type { ProjectView } from '../../transform.js';
import { isFunctionNode } from '../functions.js';
import { ModelResolver, staticsSchema } from './models.js';
import type { ModelInfo } from './model-index.js';
import { modelIndex } from './model-index.js';
import { resolveModule } from '../module-resolve.js';
import { resolveBinding, unwrapExpression } from '../scope.js';

/** A schema's identity: the file and variable it is bound to (stable across the parses of a file). */
export function schemaKey(model: ModelInfo): string | undefined {
  const source = model.schemaSource;
  return source?.name ? `${source.file}#${source.name}` : undefined;
}

const keyOf = (node: any): string | undefined =>
  node?.computed ? (typeof node.key?.value === 'string' ? node.key.value : undefined) : node?.key?.name ?? node?.key?.value;

/**
 * The path of the static `name` of `model`'s schema, searched in the schema's file (`root` is that
 * file's tree), or undefined when the schema declares no such static.
 */
export function staticFunction(j: any, root: any, model: ModelInfo, name: string): any {
  const schema = model.schemaSource?.name;
  if (!schema) return undefined;
  let found: any;
  const take = (path: any) => {
    if (!found && path && isFunctionNode(unwrapExpression(path.node))) found = path;
  };
  const objectMember = (objectPath: any) => {
    objectPath.node.properties.forEach((property: any, i: number) => {
      if (keyOf(property) !== name) return;
      const at = objectPath.get('properties', i);
      take(property.type === 'ObjectMethod' ? at : at.get('value'));
    });
  };
  root.find(j.AssignmentExpression).forEach((path: any) => {
    const left = path.node.left;
    const right = unwrapExpression(path.node.right);
    const text = memberChain(left);
    if (text === `${schema}.statics` && right?.type === 'ObjectExpression') objectMember(path.get('right'));
    if (text === `${schema}.statics.${name}`) take(path.get('right'));
  });
  root.find(j.CallExpression, { callee: { type: 'MemberExpression', object: { type: 'Identifier', name: schema }, property: { name: 'static' } } }).forEach((path: any) => {
    const [first] = path.node.arguments.map(unwrapExpression);
    if (first?.type === 'ObjectExpression') objectMember(path.get('arguments', 0));
    else if (first?.value === name) take(path.get('arguments', 1));
  });
  // new Schema(definition, { statics: { name() {} } })
  const build = model.schemaSource?.build;
  root.find(j.ObjectExpression).forEach((path: any) => {
    const holder = path.parent;
    if (holder?.node.type !== 'ObjectProperty' || keyOf(holder.node) !== 'statics') return;
    const options = holder.parent;
    if (options?.parent?.node !== build) return;
    objectMember(path);
  });
  return found;
}

function memberChain(node: any): string | undefined {
  if (node?.type === 'Identifier') return node.name;
  if (node?.type === 'MemberExpression') {
    const object = memberChain(node.object);
    const property = node.computed ? (typeof node.property.value === 'string' ? node.property.value : undefined) : node.property.name;
    return object && property ? `${object}.${property}` : undefined;
  }
  return undefined;
}

/** The static `fnPath` is (its schema's key and its name), or undefined when it is not a schema static. */
export function staticOf(j: any, project: ProjectView, file: string, fnPath: any): { model: ModelInfo; key: string; name: string } | undefined {
  const inner = fnPath.node.body?.type === 'BlockStatement' ? fnPath.get('body', 'body') : fnPath.get('body');
  const statics = staticsSchema(inner);
  if (!statics || statics.path !== fnPath && statics.path.node !== fnPath.node) return undefined;
  const name = staticName(fnPath);
  if (!name) return undefined;
  const model = modelIndex(j, project).schemaModel(file, fnPath, { type: 'Identifier', name: statics.schema }, `statics of ${statics.schema}`);
  const key = schemaKey(model);
  return key ? { model, key, name } : undefined;
}

function staticName(fnPath: any): string | undefined {
  const fn = fnPath.node;
  if (fn.type === 'ObjectMethod') return keyOf(fn);
  const parent = fnPath.parent?.node;
  if (parent?.type === 'ObjectProperty') return keyOf(parent);
  if (parent?.type === 'AssignmentExpression') return memberChain(parent.left)?.split('.').pop();
  if (parent?.type === 'CallExpression') {
    const first = unwrapExpression(parent.arguments[0]);
    return typeof first?.value === 'string' ? first.value : undefined;
  }
  return undefined;
}

export type StaticCallers = { calls: Array<{ file: string; call: any }> } | { unresolved: string };

type Receiver = 'ours' | 'other' | { unknown: string };

/**
 * Every `M.name(…)` call in the project where `M` is a model of the schema `key`, or why they
 * cannot all be known: the static read without being called, destructured, or `.name` read on a
 * receiver harden cannot place (a parameter, a value returned by a call: it may be this model).
 * `current` is the file being transformed and its tree (its text on disk may be stale).
 */
export function staticCallers(j: any, project: ProjectView, current: { file: string; root: any }, key: string, name: string): StaticCallers {
  const calls: Array<{ file: string; call: any }> = [];
  let currentFile = current.file;
  const word = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`);
  for (const file of new Set([current.file, ...project.files])) {
    const root = file === current.file ? current.root : word.test(project.readFile(file) ?? '') ? project.parse(file) : undefined;
    if (!root) continue;
    const resolver = new ModelResolver(j, project, file);
    currentFile = file;
    const line = (path: any) => `${file}:${path.node.loc?.start.line ?? '?'}`;
    let problem: string | undefined;
    const member = (path: any) => {
      if (problem) return;
      const node = path.node;
      const property = node.computed ? (typeof node.property.value === 'string' ? node.property.value : undefined) : node.property.name;
      if (property !== name) return;
      // the definition itself: schema.statics.name = …
      if (path.parent.node.type === 'AssignmentExpression' && path.parent.node.left === node && memberChain(node.object)?.endsWith('.statics')) return;
      const receiver = classify(resolver, path, node.object);
      if (receiver === 'other') return;
      if (receiver !== 'ours') {
        problem = `\`.${name}\` is read at ${line(path)} on a receiver that may be this model (${receiver.unknown})`;
        return;
      }
      const parent = path.parent.node;
      if ((parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.callee === node) calls.push({ file, call: path.parent });
      else problem = `the static \`${name}\` is used as a value at ${line(path)}`;
    };
    root.find(j.MemberExpression).forEach(member);
    root.find(j.OptionalMemberExpression).forEach(member);
    root.find(j.VariableDeclarator, { id: { type: 'ObjectPattern' } }).forEach((path: any) => {
      if (problem || !path.node.id.properties.some((p: any) => p.type !== 'RestElement' && keyOf(p) === name)) return;
      const receiver = path.node.init ? classify(resolver, path, path.node.init) : { unknown: 'a value' };
      if (receiver === 'ours') problem = `the static \`${name}\` is destructured at ${line(path)}`;
      else if (receiver !== 'other') problem = `\`${name}\` is destructured at ${line(path)} from ${receiver.unknown}, which may be this model`;
    });
    if (problem) return { unresolved: problem };
  }
  return { calls };

  function classify(resolver: ModelResolver, path: any, object: any): Receiver {
    const node = unwrapExpression(object);
    const verdict = resolver.objectVerdict(path, node);
    if (verdict?.kind === 'model') {
      const other = schemaKey(verdict.model);
      if (!other) return { unknown: `${verdict.model.name} (its schema cannot be read)` };
      return other === key ? 'ours' : 'other';
    }
    if (verdict?.kind === 'refused') return { unknown: verdict.detail };
    if (node.type === 'ThisExpression') {
      // `this` may be the model in the schema's own file (statics in the schema options, hooks) and in a class static (loadClass)
      if (resolver.file === key.slice(0, key.lastIndexOf('#'))) return { unknown: '`this` in the schema\'s file' };
      for (let up = path.parent; up; up = up.parent) {
        if (up.node.type === 'ClassMethod' && up.node.static) return { unknown: '`this` in a class static (loadClass)' };
      }
      return 'other';
    }
    if (node.type === 'Identifier') {
      const binding = resolveBinding(path, node.name);
      if (!binding) return COMMONJS_GLOBALS.has(node.name) ? 'other' : { unknown: `\`${node.name}\` (not declared in the file)` };
      if (binding.kind === 'function' || binding.kind === 'class') return 'other';
      if (binding.kind === 'import') return isProjectSource(binding.source) || resolveModule(project, resolver.file, binding.source) ? resolvedImport(resolver, path, node) : packageValue(binding.source);
      if (binding.kind === 'variable' && !binding.destructured) {
        const init = unwrapExpression(binding.declarator.init);
        return plainValue(init) || fromPackage(path, init, isPackage) ? 'other' : { unknown: `\`${node.name}\`` };
      }
      return { unknown: `\`${node.name}\` (a ${binding.kind === 'parameter' ? 'function parameter' : 'destructured value'})` };
    }
    if (plainValue(node) || fromPackage(path, node, isPackage)) return 'other';
    return { unknown: `\`${memberChain(node) ?? node.type}\`` };
  }

  /** A package that is not the project's (nor an alias of it) and does not deal in Mongoose models. */
  function isPackage(source: string): boolean {
    return !isProjectSource(source) && !MODEL_PACKAGES.test(source) && !resolveModule(project, currentFile, source);
  }

  function resolvedImport(resolver: ModelResolver, path: any, node: any): Receiver {
    const index = modelIndex(j, project);
    const value = index.follow(resolver.file, path, node);
    const binding = resolveBinding(path, node.name);
    if (value.unresolved && binding?.kind === 'import' && binding.imported === 'default') {
      // a CommonJS module that only fills `exports.x = …` (or an ES module without a default): its default is no model
      const target = resolveModule(project, resolver.file, binding.source);
      const text = target ? project.readFile(target) : undefined;
      if (text !== undefined && !/module\.exports\s*=|export\s+default|export\s*\{[^}]*\bdefault\b/.test(text)) return 'other';
    }
    if (value.unresolved) return { unknown: `\`${node.name}\` (${value.unresolved})` };
    return plainValue(value.node) ? 'other' : { unknown: `\`${node.name}\`` };
  }
}

/** Free names of a CommonJS module and of Node that never hold a project's model. */
const COMMONJS_GLOBALS = new Set(['exports', 'module', 'require', 'process', 'console', 'JSON', 'Math', 'Object', 'Array', 'Promise', 'Buffer']);
/** Packages that hand out models (the project's models may come back through them). */
const MODEL_PACKAGES = /mongoose|keystone|typegoose|mongo/i;

function isProjectSource(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/');
}

/** A package's export (not a model of the project, unless the package deals in Mongoose models). */
function packageValue(source: string): Receiver {
  return MODEL_PACKAGES.test(source) ? { unknown: `a value of the package '${source}'` } : 'other';
}

/**
 * A call or property chain rooted in a package import or a CommonJS free name (`express.Router()`,
 * `module.exports`, `require('express')()`): not a model of the project.
 */
function fromPackage(path: any, node: any, isPackage: (source: string) => boolean, depth = 0): boolean {
  let current = unwrapExpression(node);
  for (;;) {
    if (current?.type === 'CallExpression' && current.callee.type === 'Identifier' && current.callee.name === 'require' && typeof current.arguments[0]?.value === 'string') {
      return isPackage(current.arguments[0].value);
    }
    if (current?.type === 'CallExpression' || current?.type === 'NewExpression') current = unwrapExpression(current.callee);
    else if (current?.type === 'MemberExpression') current = unwrapExpression(current.object);
    else break;
  }
  if (current?.type !== 'Identifier') return false;
  const binding = resolveBinding(path, current.name);
  if (!binding) return COMMONJS_GLOBALS.has(current.name);
  // const router = express.Router(); router.route('/').get(…)
  if (binding.kind === 'variable' && !binding.destructured && depth < 3 && unwrapExpression(binding.declarator.init) !== unwrapExpression(node)) {
    return fromPackage(path, binding.declarator.init, isPackage, depth + 1);
  }
  return binding.kind === 'import' && isPackage(binding.source);
}

/** A value that is certainly not a model: a literal, an object or array literal, a function, a class, `new X()` of a non-model. */
function plainValue(node: any): boolean {
  const value = unwrapExpression(node);
  if (!value) return false;
  if (/Literal$/.test(value.type) || ['ObjectExpression', 'ArrayExpression', 'TemplateLiteral', 'ClassExpression', 'ClassDeclaration', 'FunctionDeclaration'].includes(value.type)) return true;
  if (isFunctionNode(value)) return true;
  if (value.type === 'NewExpression') return true;
  return false;
}
