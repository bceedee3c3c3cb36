/**
 * What a Mongoose schema declares that documents rely on and lean results lack: virtuals, instance
 * methods, toJSON/toObject transforms and options, getters, plugins. (`select: false` fields are
 * not among them: that is a projection the query applies to lean and hydrated results alike.)
 * Read from the schema's constructor call and the statements of its module that touch it.
 */
import { resolveBinding, unwrapExpression } from '../scope.js';

export interface SchemaFacts {
  /** Virtual names (`schema.virtual('x')`, `virtuals: { x }` in the options). */
  virtuals: Set<string>;
  /** Instance method names (`schema.methods.x =`, `schema.method('x', …)`, `methods: {…}`, `loadClass`). */
  methods: Set<string>;
  /** Why documents hide data on serialisation (toJSON/toObject transform, a plugin), if they do. */
  hidesFields?: string;
  /** Why serialised documents differ from plain objects (toJSON virtuals/getters, field getters), if they do. */
  shapesOutput?: string;
  /** Top-level fields declared `unique: true` (a filter on one matches at most one document). */
  unique?: Set<string>;
  /** Top-level fields declared as a String, Number, Boolean or Date, or an ObjectId without `ref` (never a subdocument or a populated document). */
  scalars?: Set<string>;
  /**
   * Top-level fields of a scalar type that name a `ref` (`{ type: ObjectId, ref: 'User' }`): the stored id, a scalar
   * too, unless the query populates them.
   */
  refScalars?: Set<string>;
  /**
   * Dotted paths of `Mixed` fields (`Schema.Types.Mixed`, `Object`, `{}`), at the top level or inside nested objects
   * (`content: { data: Mixed }`, also a nested definition bound to a variable of the file): a document returns the
   * stored value itself, as a lean result does.
   */
  plain?: Set<string>;
  /** Why a query of this schema may populate by itself (a plugin such as autopopulate, a `find…` query hook), if it may. */
  populatesItself?: string;
}

const SCALAR_TYPES = new Set(['String', 'Number', 'Boolean', 'Date']);

/**
 * Whether a field's definition (`String`, `{ type: Date }`, `Schema.Types.ObjectId` without ref) is a scalar type;
 * with `ref` allowed, also one that names a model to populate from (`{ type: ObjectId, ref: 'User' }`).
 */
function scalarField(value: any, ref = false): boolean {
  const typeName = (node: any): string | undefined => {
    const type = unwrapExpression(node);
    if (type?.type === 'Identifier') return type.name;
    if (typeof type?.value === 'string') return type.value;
    if (type?.type === 'MemberExpression' && !type.computed) return type.property.name;
    return undefined;
  };
  const direct = typeName(value);
  if (direct) return SCALAR_TYPES.has(direct);
  if (value?.type !== 'ObjectExpression') return false;
  const refused = ref ? ['get', 'set', 'alias'] : ['ref', 'refPath', 'get', 'set', 'alias'];
  if (value.properties.some((p: any) => p.type === 'SpreadElement' || refused.includes(keyOf(p) ?? ''))) return false;
  if (ref && !value.properties.some((p: any) => ['ref', 'refPath'].includes(keyOf(p) ?? ''))) return false;
  const type = value.properties.find((p: any) => keyOf(p) === 'type');
  const name = type ? typeName(type.value) : undefined;
  return name !== undefined && (SCALAR_TYPES.has(name) || name === 'ObjectId');
}

const MIXED_TYPES = new Set(['Mixed', 'Object']);

/**
 * The `Mixed` paths of a definition, through nested objects (inline, or a variable of the file bound to an object
 * literal, whose getters are then scanned like inline ones). Not through arrays or subschemas: their elements are
 * subdocuments.
 */
function plainPaths(j: any, root: any, definition: any, facts: SchemaFacts, prefix = '', depth = 0): Set<string> {
  const paths = new Set<string>();
  if (depth > 4) return paths;
  const objectOf = (node: any): any => {
    const value = unwrapExpression(node);
    if (value?.type !== 'Identifier') return value;
    const declarators = root.find(j.VariableDeclarator, { id: { type: 'Identifier', name: value.name } });
    const init = declarators.size() === 1 ? unwrapExpression(declarators.get().node.init) : undefined;
    const assigned = root.find(j.AssignmentExpression, { left: { type: 'Identifier', name: value.name } }).size() > 0;
    if (init?.type !== 'ObjectExpression' || assigned) return value;
    scanDefinition(init, facts);
    return init;
  };
  const typeName = (node: any): string | undefined => {
    const type = unwrapExpression(node);
    if (type?.type === 'Identifier') return type.name;
    if (type?.type === 'MemberExpression' && !type.computed) return type.property.name;
    if (type?.type === 'ObjectExpression' && type.properties.length === 0) return 'Mixed';
    return undefined;
  };
  for (const property of definition.properties) {
    const key = keyOf(property);
    if (!key || property.type !== 'ObjectProperty' || property.computed) continue;
    const value = objectOf(property.value);
    const path = prefix + key;
    if (MIXED_TYPES.has(typeName(value) ?? '')) paths.add(path);
    else if (value?.type === 'ObjectExpression') {
      if (value.properties.some((p: any) => p.type !== 'ObjectProperty' || ['get', 'set', 'alias'].includes(keyOf(p) ?? ''))) continue;
      const type = value.properties.find((p: any) => keyOf(p) === 'type');
      if (type) {
        if (MIXED_TYPES.has(typeName(type.value) ?? '')) paths.add(path);
      } else {
        for (const nested of plainPaths(j, root, value, facts, `${path}.`, depth + 1)) paths.add(nested);
      }
    }
  }
  return paths;
}

const keyOf = (property: any): string | undefined =>
  property?.key?.type === 'Identifier' ? property.key.name : typeof property?.key?.value === 'string' ? property.key.value : undefined;

/**
 * Whether a file's text can hold what `isMongoose` recognises: the string `'mongoose'` (an import
 * or require of it) or a `.mongoose` property (`keystone.mongoose`). A text prefilter's test.
 */
export function namesMongoose(text: string): boolean {
  return text.includes('mongoose') && /(['"`])mongoose\1|\.\s*mongoose\b/.test(text);
}

/**
 * Whether `node` (seen from `path`) is the Mongoose module or instance: `mongoose` imported or
 * required from 'mongoose', `require('mongoose')` itself, or a `mongoose` property of another
 * object (`keystone.mongoose`, `const mongoose = app.mongoose`: projects that hand their instance around).
 */
export function isMongoose(path: any, node: any): boolean {
  const value = unwrapExpression(node);
  if (value?.type === 'CallExpression') return value.callee.type === 'Identifier' && value.callee.name === 'require' && value.arguments[0]?.value === 'mongoose';
  if (value?.type === 'MemberExpression' && !value.computed) return value.property.name === 'mongoose';
  if (value?.type !== 'Identifier') return false;
  const binding = resolveBinding(path, value.name);
  if (binding?.kind === 'import') return binding.source === 'mongoose' && ['default', '*'].includes(binding.imported);
  if (binding?.kind === 'variable' && !binding.destructured) {
    const init = unwrapExpression(binding.declarator.init);
    return init?.type === 'MemberExpression' && !init.computed && init.property.name === 'mongoose' && value.name === 'mongoose';
  }
  return false;
}

/**
 * Whether `callee` is Mongoose's Schema constructor: `mongoose.Schema`, `Schema` imported or
 * required from 'mongoose' (`require('mongoose').Schema` too), or a variable bound to one of those
 * (`const Schema = mongoose.Schema`, `var Schema = mongoose.Schema`, `const { Schema } = mongoose`).
 */
export function isSchemaConstructor(path: any, callee: any, depth = 0): boolean {
  const node = unwrapExpression(callee);
  if (node?.type === 'MemberExpression' && !node.computed && node.property.name === 'Schema') return isMongoose(path, node.object);
  if (node?.type !== 'Identifier' || depth > 3) return false;
  const binding = resolveBinding(path, node.name);
  if (binding?.kind === 'import') return binding.source === 'mongoose' && binding.imported === 'Schema';
  if (binding?.kind !== 'variable') return false;
  const init = unwrapExpression(binding.declarator.init);
  if (!binding.destructured) return isSchemaConstructor(path, init, depth + 1);
  const property = binding.declarator.id.type === 'ObjectPattern'
    ? binding.declarator.id.properties.find((p: any) => (p.value?.type === 'AssignmentPattern' ? p.value.left : p.value)?.name === node.name)
    : undefined;
  return (property?.key?.name ?? property?.key?.value) === 'Schema' && isMongoose(path, init);
}

/** `node` when it builds a schema: `new Schema(…)` or `Schema(…)` (Mongoose allows the call without `new`) of Mongoose's constructor. */
export function schemaBuild(path: any, node: any): any {
  const value = unwrapExpression(node);
  if ((value?.type === 'NewExpression' || value?.type === 'CallExpression') && isSchemaConstructor(path, value.callee)) return value;
  return undefined;
}

/** Facts of the schema built by `newSchema` (a `new Schema(definition, options)` or `Schema(…)` node) and bound to `name` in `root`. */
export function schemaFacts(j: any, root: any, newSchema: any, name: string | undefined): SchemaFacts {
  const facts: SchemaFacts = { virtuals: new Set(), methods: new Set() };
  const [definition, options] = newSchema.arguments.map(unwrapExpression);
  if (definition?.type === 'ObjectExpression') {
    scanDefinition(definition, facts);
    facts.unique = uniqueFields(definition);
    facts.plain = plainPaths(j, root, definition, facts);
    facts.scalars = new Set();
    facts.refScalars = new Set();
    for (const property of definition.properties) {
      const key = keyOf(property);
      if (!key || property.type === 'SpreadElement' || property.type === 'ObjectMethod') continue;
      if (scalarField(unwrapExpression(property.value))) facts.scalars.add(key);
      else if (scalarField(unwrapExpression(property.value), true)) facts.refScalars.add(key);
    }
  }
  if (options?.type === 'ObjectExpression') scanOptions(options, facts);
  if (!name) return facts;
  root.find(j.CallExpression, { callee: { type: 'MemberExpression', object: { type: 'Identifier', name } } }).forEach((path: any) => {
    const call = path.node;
    const method = call.callee.property.name;
    const first = unwrapExpression(call.arguments[0]);
    const firstName = typeof first?.value === 'string' ? first.value : undefined;
    if (method === 'virtual' && firstName) facts.virtuals.add(firstName);
    else if (method === 'method') {
      if (firstName) facts.methods.add(firstName);
      else if (first?.type === 'ObjectExpression') for (const p of first.properties) addKey(facts.methods, p);
    } else if (method === 'set' && (firstName === 'toJSON' || firstName === 'toObject')) {
      const value = unwrapExpression(call.arguments[1]);
      if (value?.type === 'ObjectExpression') scanSerialisation(firstName, value, facts);
      else facts.hidesFields ??= `schema.set('${firstName}', …) with options harden cannot read`;
    } else if (method === 'plugin') {
      facts.hidesFields ??= 'a schema plugin (plugins may add toJSON transforms, virtuals and methods)';
      facts.populatesItself ??= 'a schema plugin (a plugin such as mongoose-autopopulate populates documents only)';
    } else if ((method === 'pre' || method === 'post') && !(typeof firstName === 'string' && !firstName.startsWith('find'))) {
      facts.populatesItself ??= `a ${method}() hook on ${firstName ? `'${firstName}'` : 'queries harden cannot name'} (it may populate)`;
    } else if (method === 'loadClass') facts.hidesFields ??= 'loadClass (class getters and methods become virtuals and methods)';
  });
  root.find(j.AssignmentExpression).forEach((path: any) => {
    const left = path.node.left;
    if (left.type !== 'MemberExpression') return;
    const chain = memberChain(left);
    if (chain[0] !== name) return;
    if (chain[1] === 'methods' && chain[2]) facts.methods.add(chain[2]);
    if (chain[1] === 'methods' && chain.length === 2 && path.node.right.type === 'ObjectExpression') for (const p of path.node.right.properties) addKey(facts.methods, p);
    if (chain[1] === 'options' && (chain[2] === 'toJSON' || chain[2] === 'toObject')) facts.hidesFields ??= `${name}.options.${chain[2]} is assigned`;
  });
  return facts;
}

function addKey(set: Set<string>, property: any): void {
  const key = keyOf(property);
  if (key) set.add(key);
}

function memberChain(node: any): string[] {
  if (node.type === 'Identifier') return [node.name];
  if (node.type === 'MemberExpression' && !node.computed) return [...memberChain(node.object), node.property.name];
  if (node.type === 'MemberExpression' && typeof node.property.value === 'string') return [...memberChain(node.object), node.property.value];
  return ['?'];
}

function scanDefinition(node: any, facts: SchemaFacts): void {
  for (const property of node.properties ?? []) {
    const key = keyOf(property);
    const value = unwrapExpression(property.value);
    // `select: false` is not recorded: it is a projection the query applies, lean or not.
    if (key === 'get' && property.type !== 'SpreadElement') facts.shapesOutput ??= 'a field getter (lean results skip getters)';
    if (property.type === 'ObjectMethod' && key === 'get') facts.shapesOutput ??= 'a field getter (lean results skip getters)';
    if (value?.type === 'ObjectExpression') scanDefinition(value, facts);
    if (value?.type === 'ArrayExpression') for (const element of value.elements) if (element?.type === 'ObjectExpression') scanDefinition(element, facts);
  }
}

function uniqueFields(definition: any): Set<string> {
  const fields = new Set<string>();
  for (const property of definition.properties ?? []) {
    const value = unwrapExpression(property.value);
    const key = keyOf(property);
    if (!key || value?.type !== 'ObjectExpression') continue;
    const unique = value.properties.find((p: any) => keyOf(p) === 'unique');
    if (unique && unwrapExpression(unique.value)?.value === true) fields.add(key);
  }
  return fields;
}

function scanOptions(node: any, facts: SchemaFacts): void {
  for (const property of node.properties) {
    const key = keyOf(property);
    const value = unwrapExpression(property.value);
    if ((key === 'toJSON' || key === 'toObject') && value?.type === 'ObjectExpression') scanSerialisation(key, value, facts);
    else if (key === 'toJSON' || key === 'toObject') facts.hidesFields ??= `${key} options harden cannot read`;
    if (key === 'methods' && value?.type === 'ObjectExpression') for (const p of value.properties) addKey(facts.methods, p);
    if (key === 'virtuals' && value?.type === 'ObjectExpression') for (const p of value.properties) addKey(facts.virtuals, p);
    if (property.type === 'SpreadElement') facts.hidesFields ??= 'schema options spread from an object harden cannot read';
  }
}

function scanSerialisation(kind: string, node: any, facts: SchemaFacts): void {
  for (const property of node.properties) {
    const key = keyOf(property);
    const value = unwrapExpression(property.value);
    if (key === 'transform' || property.type === 'SpreadElement') facts.hidesFields ??= `a ${kind} transform`;
    if ((key === 'virtuals' || key === 'getters') && !(value?.type === 'BooleanLiteral' && value.value === false)) {
      facts.shapesOutput ??= `${kind} { ${key}: … } (lean results have no virtuals or getters)`;
    }
  }
}
