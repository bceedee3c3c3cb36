/**
 * Where a query's result goes, and whether every place it reaches only reads it. The result is
 * followed through `await`, `.exec()`, `.then()`, variables, destructuring, array methods, loops,
 * object/array literals, same-file helper functions and `return` (to the callers in the project).
 * Anything harden does not recognise is a refusal: unsure means skipped.
 */
import type { SchemaFacts } from '../../src/ast/mongoose-schema.js';
import { findCallers } from '../../src/ast/callers.js';
import { enclosingFunction, isFunctionNode, requestParam } from '../../src/ast/functions.js';
import { referencesTo, resolveBinding, unwrapExpression, valueParent } from '../../src/ast/scope.js';
import type { ProjectView } from '../../src/transform.js';

export type LeanReason =
  | 'result-saved'
  | 'result-used-as-document'
  | 'result-reads-id'
  | 'result-uses-schema-virtual'
  | 'result-uses-schema-method'
  | 'result-mutated'
  | 'result-stored-on-req'
  | 'result-escapes'
  | 'returned-to-unresolved-caller'
  | 'schema-hides-fields'
  | 'schema-shapes-output';

export class Refusal extends Error {
  constructor(
    readonly reason: LeanReason,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** 'docs' is an array of documents, 'doc' one document, 'part' anything read out of one (a subdocument, a value). */
export type Shape = 'docs' | 'doc' | 'part';

/** Query builder methods: they return the same query. */
export const BUILDERS = new Set([
  'where', 'equals', 'or', 'and', 'nor', 'gt', 'gte', 'lt', 'lte', 'ne', 'in', 'nin', 'all', 'size', 'regex', 'exists',
  'elemMatch', 'mod', 'select', 'projection', 'sort', 'skip', 'limit', 'batchSize', 'comment', 'hint', 'maxTimeMS',
  'collation', 'read', 'session', 'setOptions', 'populate', 'slice', 'allowDiskUse', 'orFail', 'j', 'w', 'wtimeout',
  'writeConcern', 'readConcern', 'near', 'within', 'box', 'center', 'centerSphere', 'polygon', 'geometry', 'intersects',
  'maxScan', 'snapshot', 'tailable', 'setQuery', 'merge',
]);

/** Names that only a hydrated document (or a Mongoose array/map) answers. */
const DOCUMENT_API = new Set([
  'toObject', 'toJSON', 'populate', 'populated', 'depopulate', 'isModified', 'isDirectModified', 'isInit', 'isSelected',
  'set', 'get', 'markModified', 'unmarkModified', 'modifiedPaths', 'directModifiedPaths', 'validate', 'validateSync',
  'invalidate', 'deleteOne', 'remove', 'updateOne', 'update', 'replaceOne', 'overwrite', 'increment', 'isNew', 'errors',
  'schema', 'ownerDocument', 'parent', 'equals', 'inspect', 'toBSON', 'getChanges', 'init', 'pull', 'addToSet', 'push',
  'nonAtomicPush', 'isMongooseArray', 'isMongooseDocumentArray', 'create', 'collection', 'db', 'model', 'baseModelName',
  'modelName', 'isDeleted', 'isEmpty', 'unset', 'execPopulate', 'markModified',
]);

const ARRAY_CALLBACK_PARAM: Record<string, number> = {
  map: 0, forEach: 0, filter: 0, find: 0, findLast: 0, findIndex: 0, findLastIndex: 0, some: 0, every: 0, flatMap: 0,
  sort: 0, toSorted: 0, reduce: 1, reduceRight: 1,
};
const ARRAY_RESULT: Record<string, Shape | undefined> = {
  filter: 'docs', slice: 'docs', sort: 'docs', toSorted: 'docs', reverse: 'docs', toReversed: 'docs', concat: 'docs',
  find: 'doc', findLast: 'doc', at: 'doc', pop: 'doc', shift: 'doc', map: 'part', flatMap: 'part', reduce: 'part', reduceRight: 'part',
};
const SINK_METHODS = new Set(['json', 'send', 'jsonp']);

export interface FlowContext {
  j: any;
  root: any;
  filePath: string;
  project: ProjectView;
  schema: SchemaFacts;
}

export class Flow {
  private depth = 0;
  private readonly seen = new Set<any>();

  constructor(private readonly ctx: FlowContext) {}

  /** `path` evaluates to an un-executed query of `shape` results. Throws a Refusal when not read-only. */
  query(path: any, shape: Shape): void {
    const parent = valueParent(path);
    const node = parent?.node;
    if (!node) return;
    if (node.type === 'MemberExpression' && node.object === unwrapExpression(path.node) || (node.type === 'MemberExpression' && isChild(path, parent, 'object'))) {
      const method = node.computed ? undefined : node.property.name;
      const call = parent.parent;
      if (call?.node.type !== 'CallExpression' || call.node.callee !== node || !method) throw new Refusal('result-escapes', 'the query object is read directly');
      if (BUILDERS.has(method)) return this.query(call, shape);
      if (method === 'exec') {
        // `.exec((err, doc) => ...)`: the callback's second parameter receives the result
        if (call.node.arguments.length > 0) return this.callback(call.get('arguments', 0), shape);
        return this.promise(call, shape);
      }
      if (method === 'then' || method === 'catch' || method === 'finally') return this.thenable(call, method, shape);
      throw new Refusal('result-escapes', `the query is used with .${method}()`);
    }
    if (node.type === 'AwaitExpression') return this.value(parent, shape);
    if (node.type === 'ReturnStatement' || isArrowBody(parent, path)) return this.returned(path, isAsync(path) ? 'promise' : 'query', shape);
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') return this.binding(parent, node.id.name, (ref) => this.query(ref, shape));
    if (node.type === 'ExpressionStatement') return;
    throw new Refusal('result-escapes', `the query is used in a ${node.type}`);
  }

  /** A callback-style query: the callback's second parameter receives the result. */
  callback(callbackPath: any, shape: Shape): void {
    this.callbackParam(callbackPath, 1, shape);
    const parent = valueParent(callbackPath.parent);
    if (parent && parent.node.type !== 'ExpressionStatement') throw new Refusal('result-escapes', 'the callback-style query object is used');
  }

  /** `path` evaluates to a promise of `shape`. */
  promise(path: any, shape: Shape): void {
    const parent = valueParent(path);
    const node = parent?.node;
    if (!node || node.type === 'ExpressionStatement') return;
    if (node.type === 'AwaitExpression') return this.value(parent, shape);
    if (node.type === 'MemberExpression' && isChild(path, parent, 'object') && !node.computed) {
      const call = parent.parent;
      const method = node.property.name;
      if (call?.node.type === 'CallExpression' && call.node.callee === node && ['then', 'catch', 'finally'].includes(method)) return this.thenable(call, method, shape);
    }
    if (node.type === 'ReturnStatement' || isArrowBody(parent, path)) return this.returned(path, 'promise', shape);
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') return this.binding(parent, node.id.name, (ref) => this.promise(ref, shape));
    throw new Refusal('result-escapes', `the promise of the result is used in a ${node.type}`);
  }

  private thenable(call: any, method: string, shape: Shape): void {
    if (method === 'then') {
      const callback = unwrapExpression(call.node.arguments[0]);
      if (callback) this.callbackParam(call.get('arguments', 0), 0, shape);
      return this.promise(call, 'part');
    }
    return this.promise(call, shape);
  }

  /** `path` evaluates to the result itself (or a value read out of it). */
  value(path: any, shape: Shape): void {
    if (this.seen.has(path.node)) return;
    this.seen.add(path.node);
    const parent = valueParent(path);
    const node = parent?.node;
    if (!node) return;
    const self = unwrapExpression(path.node);
    switch (node.type) {
      case 'ExpressionStatement':
      case 'IfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        return;
      case 'UnaryExpression':
        if (node.operator === 'delete') throw new Refusal('result-mutated', 'a property is deleted');
        return;
      case 'AwaitExpression':
        return this.value(parent, shape);
      case 'ConditionalExpression':
        if (node.test === self) return;
        return this.value(parent, shape);
      case 'LogicalExpression':
        if (node.left === self && node.operator === '&&') return;
        return this.value(parent, shape);
      case 'BinaryExpression':
        if (node.operator === 'instanceof') throw new Refusal('result-used-as-document', 'checked with instanceof');
        if (shape === 'part' || /^[!=]==?$/.test(node.operator)) return;
        throw new Refusal('result-escapes', `used with the ${node.operator} operator`);
      case 'TemplateLiteral':
        if (shape === 'part') return;
        throw new Refusal('result-escapes', 'interpolated into a string (a document prints differently)');
      case 'VariableDeclarator':
        return this.declared(parent, shape);
      case 'AssignmentExpression':
        return this.assigned(parent, self, shape);
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        if (node.object !== self) throw new Refusal('result-escapes', 'used as a computed property key');
        return this.member(parent, shape);
      case 'ForOfStatement':
        return this.forOf(parent, shape);
      case 'CallExpression':
      case 'OptionalCallExpression':
      case 'NewExpression':
        if (node.callee === self) throw new Refusal('result-escapes', 'called as a function');
        return this.argument(parent, node.arguments.indexOf(self), shape);
      case 'ObjectProperty':
      case 'Property':
        if (node.value !== self) throw new Refusal('result-escapes', 'used as a computed key');
        return this.value(parent.parent, 'part');
      case 'ArrayExpression':
        return this.value(parent, shape === 'docs' ? 'part' : 'part');
      case 'SpreadElement':
        if (parent.parent.node.type === 'ArrayExpression' && shape === 'docs') return this.value(parent.parent, 'docs');
        if (shape === 'part') return this.value(parent.parent, 'part');
        throw new Refusal('result-used-as-document', 'spread into an object (a document spreads its internals)');
      case 'ReturnStatement':
        return this.returned(path, 'value', shape);
      case 'ArrowFunctionExpression':
        return this.returned(path, 'value', shape);
      case 'SequenceExpression':
        return;
      default:
        throw new Refusal('result-escapes', `used in a ${node.type}`);
    }
  }

  private declared(declarator: any, shape: Shape): void {
    const id = declarator.node.id;
    if (id.type === 'Identifier') return this.binding(declarator, id.name, (ref) => this.value(ref, shape));
    if (id.type === 'ArrayPattern') {
      id.elements.forEach((element: any, index: number) => {
        if (!element) return;
        if (element.type === 'Identifier') this.binding(declarator, element.name, (ref) => this.value(ref, shape === 'docs' ? 'doc' : 'part'));
        else if (element.type === 'RestElement' && element.argument.type === 'Identifier') this.binding(declarator, element.argument.name, (ref) => this.value(ref, shape));
        else throw new Refusal('result-escapes', `a nested pattern at position ${index}`);
      });
      return;
    }
    if (id.type === 'ObjectPattern') {
      for (const property of id.properties) {
        if (property.type === 'RestElement') throw new Refusal('result-used-as-document', 'rest-destructured (copies document internals)');
        const key = property.computed ? undefined : property.key.name ?? property.key.value;
        if (key === undefined) throw new Refusal('result-escapes', 'a computed key is destructured');
        if (shape !== 'docs') this.checkName(key);
        const target = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
        if (target.type !== 'Identifier') throw new Refusal('result-escapes', `\`${key}\` is destructured further`);
        this.binding(declarator, target.name, (ref) => this.value(ref, 'part'));
      }
      return;
    }
    throw new Refusal('result-escapes', `bound by a ${id.type}`);
  }

  private assigned(assignment: any, self: any, shape: Shape): void {
    const { left, right } = assignment.node;
    if (left === self) throw new Refusal('result-escapes', 'overwritten');
    if (right !== self && unwrapExpression(right) !== self) throw new Refusal('result-escapes', 'used in an assignment');
    if (left.type === 'Identifier') {
      const binding = resolveBinding(assignment, left.name);
      const fn = enclosingFunction(assignment);
      let declaredInside = false;
      for (let at = binding?.scope.path; at && fn; at = at.parent) if (at === fn || at.node === fn.node) declaredInside = true;
      if (binding?.kind === 'variable' && declaredInside) return this.binding(assignment, left.name, (ref) => this.value(ref, shape));
      throw new Refusal('result-escapes', `stored in \`${left.name}\`, declared outside the function`);
    }
    if (left.type === 'MemberExpression') {
      let object = unwrapExpression(left.object);
      while (object.type === 'MemberExpression') object = unwrapExpression(object.object);
      const fn = enclosingFunction(assignment);
      if (object.type === 'Identifier' && fn && (requestParam(fn) === object.name || /^req(uest)?$/.test(object.name))) {
        throw new Refusal('result-stored-on-req', `stored on \`${object.name}\`; every later middleware and handler sees it`);
      }
      throw new Refusal('result-escapes', 'stored in a property of another object');
    }
    throw new Refusal('result-escapes', 'assigned to a pattern');
  }

  private member(memberPath: any, shape: Shape): void {
    const node = memberPath.node;
    const name = node.computed ? (typeof node.property.value === 'string' ? node.property.value : undefined) : node.property.name;
    const parent = memberPath.parent.node;
    if ((parent.type === 'AssignmentExpression' && parent.left === node) || parent.type === 'UpdateExpression') {
      throw new Refusal('result-mutated', `\`${name ?? '[…]'}\` is assigned`);
    }
    const called = (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.callee === node;
    if (shape === 'docs') {
      if (name === undefined) return this.value(memberPath, 'doc');
      if (name === 'length') return;
      if (name === 'save') throw new Refusal('result-saved', '.save() on the result');
      if (called && name in ARRAY_CALLBACK_PARAM) this.callbackParam(memberPath.parent.get('arguments', 0), ARRAY_CALLBACK_PARAM[name]!, 'doc');
      if (called) {
        const result = ARRAY_RESULT[name];
        if (result) return this.value(memberPath.parent, result);
        if (['forEach', 'some', 'every', 'findIndex', 'findLastIndex', 'includes', 'indexOf', 'join', 'keys', 'entries'].includes(name)) return;
      }
      this.checkName(name);
      return this.value(memberPath, 'part');
    }
    if (name === undefined) return this.value(memberPath, 'part');
    this.checkName(name);
    if (called) {
      if (name in ARRAY_CALLBACK_PARAM) this.callbackParam(memberPath.parent.get('arguments', 0), ARRAY_CALLBACK_PARAM[name]!, 'part');
      const result = ARRAY_RESULT[name];
      if (result) return this.value(memberPath.parent, 'part');
      return;
    }
    return this.value(memberPath, 'part');
  }

  private checkName(name: string): void {
    if (name === 'save') throw new Refusal('result-saved', '.save() on the result');
    if (name === 'id') throw new Refusal('result-reads-id', '`.id` is a virtual that lean results lack');
    if (name.startsWith('$') || name === '_doc' || DOCUMENT_API.has(name)) throw new Refusal('result-used-as-document', `\`.${name}\``);
    if (this.ctx.schema.virtuals.has(name)) throw new Refusal('result-uses-schema-virtual', `\`.${name}\``);
    if (this.ctx.schema.methods.has(name)) throw new Refusal('result-uses-schema-method', `\`.${name}()\``);
  }

  private forOf(loop: any, shape: Shape): void {
    const left = loop.node.left;
    const id = left.type === 'VariableDeclaration' ? left.declarations[0].id : left;
    if (id.type !== 'Identifier') throw new Refusal('result-escapes', 'destructured in a for…of');
    const scopePath = left.type === 'VariableDeclaration' ? loop.get('body') : loop;
    this.binding(scopePath.get ? loop.get('left', 'declarations', 0) : loop, id.name, (ref) => this.value(ref, shape === 'docs' ? 'doc' : 'part'));
  }

  private argument(callPath: any, index: number, shape: Shape): void {
    const callee = callPath.node.callee;
    const text = calleeText(callee);
    if (SINK_METHODS.has(text.split('.').pop() ?? '') && /^(res|response|reply|ctx)\b/.test(text) || text === 'JSON.stringify') {
      if (this.ctx.schema.hidesFields) throw new Refusal('schema-hides-fields', `sent with ${text}(); the schema relies on documents to hide data: ${this.ctx.schema.hidesFields}`);
      if (this.ctx.schema.shapesOutput) throw new Refusal('schema-shapes-output', `sent with ${text}(); ${this.ctx.schema.shapesOutput}`);
      return;
    }
    if (/^console\./.test(text) || text === 'Array.isArray' || text === 'Boolean') return;
    // `new Set(values)` (deduplication): a container of the same values, followed like them
    if (callPath.node.type === 'NewExpression' && text === 'Set' && index === 0 && !resolveBinding(callPath, 'Set')) {
      return this.value(callPath, 'part');
    }
    if (callee.type === 'Identifier') {
      const binding = resolveBinding(callPath, callee.name);
      const fn = binding?.kind === 'function' ? binding.node : binding?.kind === 'variable' ? unwrapExpression(binding.declarator.init) : undefined;
      if (fn && isFunctionNode(fn) && index >= 0) {
        const fnPath = this.ctx.j(binding!.scope.path).find(this.ctx.j.Node).filter((p: any) => p.node === fn).paths()[0];
        if (fnPath) return this.param(fnPath, index, shape);
      }
    }
    throw new Refusal('result-escapes', `passed to ${text || 'a function'}()`);
  }

  private callbackParam(callbackPath: any, index: number, shape: Shape): void {
    const callback = unwrapExpression(callbackPath?.node);
    if (!callback) return;
    if (isFunctionNode(callback)) {
      let fnPath = callbackPath;
      while (fnPath.node !== callback) fnPath = fnPath.get('expression');
      return this.param(fnPath, index, shape);
    }
    if (callback.type === 'Identifier') return this.argument({ node: { callee: callback, arguments: [] }, scope: callbackPath.scope, parent: callbackPath.parent }, index, shape);
    throw new Refusal('result-escapes', 'handed to a callback harden cannot read');
  }

  private param(fnPath: any, index: number, shape: Shape): void {
    if (this.depth > 6) throw new Refusal('result-escapes', 'followed through too many functions');
    const param = fnPath.node.params[index];
    if (!param) return;
    const id = param.type === 'AssignmentPattern' ? param.left : param;
    if (id.type !== 'Identifier') throw new Refusal('result-escapes', 'a destructured parameter');
    this.depth += 1;
    try {
      for (const ref of referencesTo(this.ctx.j, fnPath.scope, id.name)) this.value(ref, shape);
    } finally {
      this.depth -= 1;
    }
  }

  private binding(at: any, name: string, use: (ref: any) => void): void {
    const binding = resolveBinding(at, name);
    if (!binding) throw new Refusal('result-escapes', `\`${name}\` could not be resolved`);
    for (const ref of referencesTo(this.ctx.j, binding.scope, name)) {
      const parent = ref.parent.node;
      if (parent.type === 'AssignmentExpression' && parent.left === ref.node) continue;
      use(ref);
    }
  }

  /** A function returns the value at `path`: follow it to the callers. */
  private returned(path: any, kind: 'query' | 'promise' | 'value', shape: Shape): void {
    const fnPath = enclosingFunction(path);
    if (!fnPath) throw new Refusal('result-escapes', 'returned from the module');
    const outer = valueParent(fnPath);
    // a callback of .then(): its return value is what the promise resolves to
    if (outer?.node.type === 'CallExpression' && outer.node.arguments.includes(fnPath.node)) {
      const callee = outer.node.callee;
      const method = callee.type === 'MemberExpression' && !callee.computed ? callee.property.name : '';
      if (method === 'then') return this.promise(outer, shape === 'docs' ? 'docs' : 'part');
      if (method in ARRAY_CALLBACK_PARAM || method in ARRAY_RESULT) return this.value(outer, 'part');
      throw new Refusal('returned-to-unresolved-caller', `returned from a callback passed to ${calleeText(callee)}()`);
    }
    if (this.depth > 6) throw new Refusal('returned-to-unresolved-caller', 'followed through too many callers');
    const callers = findCallers(this.ctx.j, this.ctx.root, this.ctx.filePath, this.ctx.project, fnPath);
    if ('unresolved' in callers) throw new Refusal('returned-to-unresolved-caller', callers.unresolved);
    const async = fnPath.node.async === true;
    this.depth += 1;
    try {
      for (const call of callers.calls) {
        if (kind === 'query' && !async) this.query(call, shape);
        else if (kind === 'value' && !async) this.value(call, shape);
        else this.promise(call, shape);
      }
    } finally {
      this.depth -= 1;
    }
  }
}

function isChild(child: any, parent: any, field: string): boolean {
  let current = child;
  while (current.parent && current.parent !== parent) current = current.parent;
  return current.name === field;
}

function isArrowBody(parent: any, path: any): boolean {
  return parent.node.type === 'ArrowFunctionExpression' && isChild(path, parent, 'body');
}

function isAsync(path: any): boolean {
  return enclosingFunction(path)?.node.async === true;
}

export function calleeText(node: any): string {
  if (!node) return '';
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'ThisExpression') return 'this';
  if (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') {
    const property = node.computed ? '[…]' : node.property.name;
    return `${calleeText(node.object)}.${property}`;
  }
  if (node.type === 'CallExpression') return `${calleeText(node.callee)}(…)`;
  return '';
}
