/**
 * The calls that open a MongoDB pool — `mongoose.connect`, `mongoose.createConnection`,
 * `new MongoClient` — and where their options object lives, or why harden cannot merge into it.
 */
import { enclosingFunction, requestParam } from '../../src/ast/functions.js';
import { isReassigned, referencesTo, resolveBinding, unwrapExpression, valueParent } from '../../src/ast/scope.js';

export type Refusal = {
  reason:
    | 'options-from-parameter'
    | 'options-imported'
    | 'options-unknown-spread'
    | 'options-not-literal'
    | 'options-mutated'
    | 'client-per-request'
    | 'pool-in-connection-string';
  detail?: string;
};

export type Target =
  | { kind: 'object'; object: any; variable?: string }
  | { kind: 'missing'; insertAt: number };

export interface Candidate {
  kind: 'mongoose' | 'mongodb';
  call: any;
  target: Target;
  refusal?: Refusal;
}

const POOL_IN_URI = /[?&](maxPoolSize|minPoolSize|poolSize|maxIdleTimeMS)=/i;

export function findCandidates(j: any, root: any): Candidate[] {
  const found: Candidate[] = [];
  root.find(j.CallExpression).forEach((path: any) => {
    const method = mongooseMethod(path);
    if (method) found.push(classify(j, root, path, 'mongoose', method === 'createConnection'));
  });
  root.find(j.NewExpression).forEach((path: any) => {
    if (isMongoClient(path)) found.push(classify(j, root, path, 'mongodb', true));
  });
  return found.sort((a, b) => a.call.start - b.call.start);
}

/** 'connect' / 'createConnection' when `path` calls them on (or imports them from) mongoose. */
function mongooseMethod(path: any): string | undefined {
  const callee = path.node.callee;
  if (path.node.arguments.length === 0) return undefined;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier') {
    const name = callee.property.name;
    if (name !== 'connect' && name !== 'createConnection') return undefined;
    const binding = resolveBinding(path, callee.object.name);
    return binding?.kind === 'import' && binding.source === 'mongoose' && ['default', '*'].includes(binding.imported) ? name : undefined;
  }
  if (callee.type === 'Identifier') {
    const binding = resolveBinding(path, callee.name);
    if (binding?.kind === 'import' && binding.source === 'mongoose' && ['connect', 'createConnection'].includes(binding.imported)) {
      return binding.imported;
    }
  }
  return undefined;
}

function isMongoClient(path: any): boolean {
  const callee = path.node.callee;
  if (callee.type === 'Identifier') {
    const binding = resolveBinding(path, callee.name);
    return binding?.kind === 'import' && binding.source === 'mongodb' && binding.imported === 'MongoClient';
  }
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'MongoClient' && callee.object.type === 'Identifier') {
    const binding = resolveBinding(path, callee.object.name);
    return binding?.kind === 'import' && binding.source === 'mongodb' && ['default', '*'].includes(binding.imported);
  }
  return false;
}

function classify(j: any, root: any, path: any, kind: Candidate['kind'], opensOwnPool: boolean): Candidate {
  const call = path.node;
  const refuse = (refusal: Refusal): Candidate => ({ kind, call, target: { kind: 'missing', insertAt: 1 }, refusal });
  if (opensOwnPool) {
    const perRequest = perRequestReason(j, path);
    if (perRequest) return refuse({ reason: 'client-per-request', detail: perRequest });
  }
  if (uriSetsPool(path, call.arguments[0])) return refuse({ reason: 'pool-in-connection-string' });

  const second = call.arguments[1];
  if (!second || /Function/.test(second.type)) return { kind, call, target: { kind: 'missing', insertAt: 1 } };
  const options = unwrapExpression(second);
  if (options.type === 'ObjectExpression') {
    const unknown = unknownKeys(options);
    return unknown ? refuse(unknown) : { kind, call, target: { kind: 'object', object: options } };
  }
  if (options.type === 'Identifier') return fromVariable(j, root, path, options.name, kind, call);
  if (options.type === 'MemberExpression') {
    let object = options;
    while (object.type === 'MemberExpression') object = object.object;
    const binding = object.type === 'Identifier' ? resolveBinding(path, object.name) : undefined;
    if (binding?.kind === 'import') return refuse({ reason: 'options-imported', detail: `from '${binding.source}'` });
    if (binding?.kind === 'parameter') return refuse({ reason: 'options-from-parameter' });
  }
  return refuse({ reason: 'options-not-literal' });
}

function fromVariable(j: any, root: any, path: any, name: string, kind: Candidate['kind'], call: any): Candidate {
  const refuse = (refusal: Refusal): Candidate => ({ kind, call, target: { kind: 'missing', insertAt: 1 }, refusal });
  const binding = resolveBinding(path, name);
  if (binding?.kind === 'parameter') return refuse({ reason: 'options-from-parameter', detail: `\`${name}\`` });
  if (binding?.kind === 'import') return refuse({ reason: 'options-imported', detail: `\`${name}\` from '${binding.source}'` });
  if (binding?.kind !== 'variable' || binding.destructured) return refuse({ reason: 'options-not-literal', detail: `\`${name}\`` });
  const init = unwrapExpression(binding.declarator.init);
  if (init?.type !== 'ObjectExpression') return refuse({ reason: 'options-not-literal', detail: `\`${name}\`` });
  const written =
    isReassigned(j, root, name, binding.declaration) ||
    referencesTo(j, binding.scope, name).some((ref: any) => {
      const parent = valueParent(ref);
      if (parent?.node.type !== 'MemberExpression' || parent.node.object !== unwrapExpression(ref.node) && parent.node.object !== ref.node) return false;
      const grand = parent.parent?.node;
      return (grand?.type === 'AssignmentExpression' && grand.left === parent.node) || (grand?.type === 'UnaryExpression' && grand.operator === 'delete');
    });
  if (written) return refuse({ reason: 'options-mutated', detail: `\`${name}\`` });
  const unknown = unknownKeys(init);
  if (unknown) return refuse(unknown);
  return { kind, call, target: { kind: 'object', object: init, variable: name } };
}

function unknownKeys(object: any): Refusal | undefined {
  for (const property of object.properties) {
    if (property.type === 'SpreadElement' || property.type === 'SpreadProperty') return { reason: 'options-unknown-spread', detail: 'a spread' };
    if (property.computed) return { reason: 'options-unknown-spread', detail: 'a computed key' };
  }
  return undefined;
}

/** A literal (or a const holding one) whose query string sets pool options. */
function uriSetsPool(path: any, uri: any): boolean {
  const node = unwrapExpression(uri);
  const text = (value: any): string | undefined => {
    if (!value) return undefined;
    if (value.type === 'StringLiteral' || value.type === 'Literal') return String(value.value);
    if (value.type === 'TemplateLiteral') return value.quasis.map((q: any) => q.value.raw).join('');
    return undefined;
  };
  let literal = text(node);
  if (literal === undefined && node?.type === 'Identifier') {
    const binding = resolveBinding(path, node.name);
    if (binding?.kind === 'variable' && !binding.destructured) literal = text(unwrapExpression(binding.declarator.init));
  }
  return literal !== undefined && POOL_IN_URI.test(literal);
}

/** Why a client opened here lives for one call only, if it does. */
function perRequestReason(j: any, path: any): string | undefined {
  const fn = enclosingFunction(path);
  if (!fn) return undefined;
  if (requestParam(fn)) return 'created inside a request handler';
  // climb `createConnection(uri).asPromise()` / `await ...` to the variable that holds the client
  let current = path;
  let holder = valueParent(current);
  while (holder) {
    if (holder.node.type === 'AwaitExpression') current = holder;
    else if (holder.node.type === 'MemberExpression' && holder.parent?.node.type === 'CallExpression' && holder.parent.node.callee === holder.node) current = holder.parent;
    else break;
    holder = valueParent(current);
  }
  const name =
    holder?.node.type === 'VariableDeclarator' && holder.node.id.type === 'Identifier'
      ? holder.node.id.name
      : holder?.node.type === 'AssignmentExpression' && holder.node.left.type === 'Identifier'
        ? holder.node.left.name
        : undefined;
  if (!name) return undefined;
  const closes = j(fn)
    .find(j.CallExpression, { callee: { type: 'MemberExpression', object: { name }, property: { name: 'close' } } })
    .size();
  return closes > 0 ? `\`${name}.close()\` is called in the same function` : undefined;
}
