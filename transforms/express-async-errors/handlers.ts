/**
 * What one handler function does with errors: whether it can reject at all (an async function, or
 * one that returns a promise chain), whether it already catches everything itself, and whether it
 * hands `next` on somewhere a wrapper's `next(err)` could follow.
 */
import { isFunctionNode } from '../../src/ast/functions.js';
import { isReferencePath } from '../../src/ast/scope.js';

export type Verdict =
  | { kind: 'cannot-reject' }
  | { kind: 'can-reject'; how: string }
  | { kind: 'refuse'; reason: 'already-catching' | 'promise-not-returned' | 'next-then-continues' | 'error-middleware'; detail?: string };

/** Walks `node` without entering nested functions; `visit` returns false to stop descending. */
function walk(node: any, visit: (node: any) => boolean | void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (typeof node.type !== 'string' || isFunctionNode(node)) return;
  if (visit(node) === false) return;
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'comments' || key === 'leadingComments' || key === 'trailingComments' || key === 'original' || key === 'tokens') continue;
    const child = node[key];
    if (child && typeof child === 'object') {
      if (isFunctionNode(child) || child.type === 'ClassBody') continue;
      walk(child, visit);
    }
  }
}

function contains(node: any, test: (node: any) => boolean): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (test(n)) found = true;
    return !found;
  });
  return found;
}

const paramName = (param: any): string | undefined =>
  param?.type === 'Identifier' ? param.name : param?.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left.name : undefined;

/** A call of `.then/.catch/.finally` at the outside of `node`: a promise chain, and whether it ends in `.catch`. */
function promiseChain(node: any): 'caught' | 'uncaught' | undefined {
  let current = node;
  while (current?.type === 'AwaitExpression' || current?.type === 'ParenthesizedExpression' || current?.type === 'TSAsExpression') current = current.argument ?? current.expression;
  if (current?.type !== 'CallExpression' || current.callee.type !== 'MemberExpression' || current.callee.computed) return undefined;
  const method = current.callee.property.name;
  if (method === 'catch') return 'caught';
  if (method === 'then' && current.arguments.length >= 2) return 'caught';
  if (method === 'then' || method === 'finally') return 'uncaught';
  return undefined;
}

/**
 * A statement that leaves no promise behind: no `await`, no `throw`, no `return` of a call. (A
 * synchronous throw of an async handler rejects it too, but a statement such as
 * `allowOrigin(res)` before a try/catch is not where handlers fail; harden does not wrap for it.)
 */
function isQuiet(statement: any): boolean {
  return !contains(statement, (node) => node.type === 'AwaitExpression' || node.type === 'ThrowStatement' || (node.type === 'ReturnStatement' && node.argument && node.argument.type !== 'Identifier' && !/Literal$/.test(node.argument.type) && !isResponseCall(node.argument)));
}

/** `res.json(…)`, `res.status(400).send(…)`, `next(err)`: what handlers return to stop early. */
function isResponseCall(node: any): boolean {
  let callee = node?.type === 'CallExpression' ? node.callee : undefined;
  while (callee?.type === 'MemberExpression' || callee?.type === 'CallExpression') callee = callee.type === 'MemberExpression' ? callee.object : callee.callee;
  return callee?.type === 'Identifier' && /^(res|response|next|reply)$/.test(callee.name);
}

/** A try statement whose catch handles the error: it neither throws nor awaits again, and no finally block does. */
function catchesAll(statement: any): boolean {
  if (statement.type !== 'TryStatement' || !statement.handler) return false;
  const escapes = (node: any) => node && contains(node, (n) => n.type === 'ThrowStatement' || n.type === 'AwaitExpression');
  return !escapes(statement.handler.body) && !escapes(statement.finalizer);
}

/** Is the statement at `path` the last thing its function does (a `return`, or last in every enclosing block)? */
function isInTail(path: any, fnNode: any): boolean {
  let current = path;
  while (current && current.node !== fnNode.body) {
    const node = current.node;
    const parent = current.parent?.node;
    if (!parent) return false;
    if (node.type === 'ReturnStatement') return true;
    if (Array.isArray(parent.body) && (parent.type === 'BlockStatement' || parent.type === 'Program')) {
      const body = parent.body;
      const rest = body.slice(body.indexOf(node) + 1).filter((s: any) => s.type !== 'EmptyStatement');
      // `next(); return;` ends the function too
      if (rest.length > 0 && !(rest.length === 1 && rest[0].type === 'ReturnStatement' && !rest[0].argument)) return false;
      if (rest.length === 1) return true;
    } else if (['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement'].includes(parent.type)) {
      return false;
    } else if (parent.type === 'TryStatement' && parent.finalizer) {
      return false;
    } else if (parent.type === 'SwitchCase') {
      return false;
    }
    current = current.parent;
  }
  return true;
}

/**
 * The innermost statement of the handler itself (not of a nested function) that holds `path`: for
 * a use inside a callback, the statement that creates the callback.
 */
function ownStatement(path: any, fnNode: any): any {
  let statement: any;
  for (let current = path; current && current.node !== fnNode; current = current.parent) {
    if (isFunctionNode(current.node)) statement = undefined;
    else if (!statement && /Statement$|Declaration$/.test(current.node.type) && current.node.type !== 'BlockStatement') statement = current;
  }
  return statement;
}

/**
 * Decides for one handler function (`fnPath`, a path in its own file's tree; `j` for searching it).
 */
export function analyseHandler(j: any, fnPath: any): Verdict {
  const fn = fnPath.node;
  if (fn.generator) return { kind: 'cannot-reject' };
  const params: any[] = fn.params ?? [];
  const names = params.map(paramName);
  const body = fn.body;

  let how: string;
  if (fn.async) {
    how = 'async handler';
    if (body.type === 'BlockStatement') {
      const statements = body.body.filter((s: any) => s.type !== 'EmptyStatement');
      const tries = statements.filter((s: any) => s.type === 'TryStatement');
      const guarded = statements.every((s: any) => catchesAll(s) || (s.type !== 'TryStatement' && isQuiet(s)));
      if (guarded && tries.length > 0) return refuseIfCandidate(params, { kind: 'refuse', reason: 'already-catching' });
      if (guarded) return { kind: 'cannot-reject' };
    } else if (promiseChain(body) === 'caught') {
      return refuseIfCandidate(params, { kind: 'refuse', reason: 'already-catching', detail: 'the returned chain ends in .catch()' });
    }
  } else {
    // a plain function rejects only through a promise it returns
    const returned: any[] = [];
    if (body.type !== 'BlockStatement') returned.push(body);
    else walk(body, (node) => void (node.type === 'ReturnStatement' && node.argument && returned.push(node.argument)));
    const chains = returned.map(promiseChain);
    if (chains.includes('uncaught')) how = 'handler returning a promise chain';
    else {
      if (body.type === 'BlockStatement' && params.length < 4) {
        const dropped = body.body.find((s: any) => s.type === 'ExpressionStatement' && promiseChain(s.expression) === 'uncaught');
        if (dropped) return { kind: 'refuse', reason: 'promise-not-returned', detail: `line ${dropped.loc?.start.line ?? '?'}` };
      }
      return { kind: 'cannot-reject' };
    }
  }
  if (params.length === 4) return { kind: 'refuse', reason: 'error-middleware' };

  // `next` (the third parameter) must be the last thing the handler reaches for: a rejection after
  // it was called or handed on would call it a second time, through the wrapper
  const next = names[2];
  if (next) {
    const late = j(fnPath)
      .find(j.Identifier, { name: next })
      .filter((p: any) => p.node !== params[2] && isReferencePath(p) && p.scope?.lookup(next)?.node === fn)
      .paths()
      .find((p: any) => {
        const statement = ownStatement(p, fn);
        return !statement || !isInTail(statement, fn);
      });
    if (late) return { kind: 'refuse', reason: 'next-then-continues', detail: `\`${next}\` on line ${late.node.loc?.start.line ?? '?'} is followed by code that can still reject` };
  }
  return { kind: 'can-reject', how };
}

function refuseIfCandidate(params: any[], verdict: Verdict): Verdict {
  // an error middleware that catches everything needs nothing
  return params.length === 4 ? { kind: 'cannot-reject' } : verdict;
}
