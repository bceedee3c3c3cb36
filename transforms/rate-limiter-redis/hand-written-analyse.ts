/**
 * Case 1, recognition: a middleware `(req, res, next)` that counts requests per key in a
 * module-level Map (or object) and answers 429. The analysis proves a fixed-window counter and
 * extracts what the rewrite needs (window, limit, key, 429 block); anything else is a refusal.
 */
import recast from 'recast';
import type { Reason } from './shared.js';

export interface Limiter {
  fn: any;
  windowMs: any;
  /** The limit expression and how far the original's comparison shifts it (-1, 0, +1). */
  max: any;
  shift: number;
  /** Statements computing the key (in order) and the key expression. */
  keyDeclarations: any[];
  key: any;
  /** The entry variable, its count field, its time field and whether it holds a reset time or a start. */
  entry: string | undefined;
  countField: string;
  timeField: string;
  timeIsStart: boolean;
  nowName: string | undefined;
  block: any;
  legacyHeaders: boolean;
}

export type Analysis = { ok: true; limiter: Limiter } | { ok: false; reason: Reason; detail?: string };

const fail = (reason: Reason, detail?: string): Analysis => ({ ok: false, reason, detail });

/** Names declared by a statement list (const/let/var and function declarations). */
function declared(statements: any[]): Set<string> {
  const names = new Set<string>();
  for (const s of statements) {
    if (s.type === 'VariableDeclaration') for (const d of s.declarations) if (d.id.type === 'Identifier') names.add(d.id.name);
  }
  return names;
}

/** Free identifier names read by a node (a cheap over-approximation: every non-property identifier). */
export function identifiersIn(j: any, node: any): Set<string> {
  const names = new Set<string>();
  j(node).find(j.Identifier).forEach((path: any) => {
    const parent = path.parent?.node;
    if (parent && parent.type === 'MemberExpression' && parent.property === path.node && !parent.computed) return;
    if (parent && /Property$/.test(parent.type) && parent.key === path.node && !parent.computed && !parent.shorthand) return;
    names.add(path.node.name);
  });
  if (node.type === 'Identifier') names.add(node.name);
  return names;
}

const isNum = (node: any, value: number) => (node?.type === 'NumericLiteral' || node?.type === 'Literal') && node.value === value;
const isDateNow = (node: any) =>
  node?.type === 'CallExpression' && node.callee.type === 'MemberExpression' && node.callee.object.name === 'Date' && node.callee.property.name === 'now';
export const is429Call = (node: any) =>
  node?.type === 'CallExpression' &&
  node.callee.type === 'MemberExpression' &&
  ['status', 'sendStatus'].includes(node.callee.property.name) &&
  isNum(node.arguments[0], 429);

export function analyse(j: any, fn: any, store: string): Analysis {
  if (fn.body.type !== 'BlockStatement') return fail('unrecognised-limiter', 'the middleware has no statement body');
  const params = fn.params.map((p: any) => p.name);
  const [reqName, resName] = params;
  const body: any[] = fn.body.body;
  const locals = declared(body);
  const isNow = (node: any, nowName?: string) => isDateNow(node) || (nowName !== undefined && node?.type === 'Identifier' && node.name === nowName);
  const member = (node: any, object: string | undefined) =>
    node?.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && node.object.name === object ? node.property.name : undefined;

  if (j(fn).find(j.CallExpression).filter((p: any) => ['push', 'filter', 'shift', 'splice'].includes(p.node.callee.property?.name)).size() > 0) {
    return fail('sliding-window');
  }

  let nowName: string | undefined;
  let entry: string | undefined;
  let key: any;
  const keyDeclarations: any[] = [];
  let check: any;
  let checkIndex = -1;
  let incrementIndex = -1;
  let countField: string | undefined;
  let legacyHeaders = false;
  let resetObject: any;
  let resetIndex = -1;
  let resetReturns = false;
  let createdByFallback = false;
  let fallbackIndex = -1;
  let inPlace: InPlaceReset | undefined;
  let inPlaceIndex = -1;

  for (const [index, s] of body.entries()) {
    const single = s.type === 'VariableDeclaration' && s.declarations.length === 1 ? s.declarations[0] : undefined;
    if (single && isDateNow(single.init)) nowName = single.id.name;
    else if (single && storeGet(single.init, store)) {
      entry = single.id.name;
      key = storeGet(single.init, store);
    } else if (single && !entry && storeGetOrCreate(single.init, store)) {
      // `const entry = store.get(key) || { count: 0, resetAt: now + W }`: the fallback creates it.
      entry = single.id.name;
      key = storeGet(single.init.left, store);
      resetObject = single.init.right;
      resetIndex = index;
      fallbackIndex = index;
      createdByFallback = true;
    } else if (single && !entry) keyDeclarations.push(s);
    else if (s.type === 'IfStatement' && j(s.consequent).find(j.CallExpression).filter((p: any) => is429Call(p.node)).size() > 0) {
      if (check) return fail('unrecognised-limiter', 'two 429 answers');
      check = s;
      checkIndex = index;
    } else if (s.type === 'IfStatement' && entry && identifiersIn(j, s.test).has(entry)) {
      const assigned = j(s.consequent).find(j.ObjectExpression).nodes()[0];
      if (assigned) {
        resetObject = assigned;
        resetIndex = index;
        resetReturns = j(s.consequent).find(j.ReturnStatement).size() > 0;
        continue;
      }
      const reset = inPlaceReset(j, s, entry, params[2], store, isNow, nowName);
      if (!reset) return fail('unrecognised-limiter', `line ${s.loc?.start.line}: a branch on the entry that does not reset it`);
      if (inPlace) return fail('unrecognised-limiter', `line ${s.loc?.start.line}: a second in-place reset`);
      inPlace = reset;
      inPlaceIndex = index;
      if (reset.countsOtherwise) {
        if (incrementIndex !== -1) return fail('unrecognised-limiter', 'the count is incremented twice');
        incrementIndex = index;
        countField = reset.countField;
      }
    } else if (s.type === 'ExpressionStatement' && isIncrement(s.expression, entry)) {
      if (inPlace?.countsOtherwise) return fail('unrecognised-limiter', 'the count is incremented twice');
      incrementIndex = index;
      countField = member(s.expression.argument ?? s.expression.left, entry);
    } else if (s.type === 'ExpressionStatement' && isHeader(s.expression, resName)) {
      legacyHeaders = true;
    } else if (s.type === 'ExpressionStatement' && isStoreSet(s.expression, store)) {
      continue;
    } else if (isNextCall(s, params[2])) {
      continue;
    } else {
      return fail('unrecognised-limiter', `line ${s.loc?.start.line}: a statement with no Redis equivalent`);
    }
  }
  if (!check || !entry || !key) return fail('unrecognised-limiter', 'no store.get(key) followed by a count check');
  if (!resetObject) return fail(inPlace ? 'unrecognised-limiter' : 'no-window', inPlace ? 'the entry is reset in place but never created' : 'the entry is never reset');
  const resetOnlyAtCreation = createdByFallback && resetIndex === fallbackIndex && !inPlace;
  if (resetOnlyAtCreation) {
    return fail('no-window', 'the entry is created with a window but never reset');
  }
  if (createdByFallback && j(fn).find(j.Node).filter((p: any) => isStoreSet(p.node, store)).size() === 0) {
    return fail('unrecognised-limiter', 'the entry created by the fallback is never stored');
  }
  if (inPlace && inPlaceIndex < resetIndex) return fail('unrecognised-limiter', 'the entry is reset in place before it is created');

  // The comparison: entry.count OP max (or max OP entry.count).
  const test = check.test;
  if (test.type !== 'BinaryExpression') return fail('unrecognised-limiter', 'the 429 condition is not a comparison');
  const flipped: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
  let op = test.operator;
  let counted = member(test.left, entry);
  let max = test.right;
  if (!counted) {
    counted = member(test.right, entry);
    max = test.left;
    op = flipped[op] ?? op;
  }
  if (!counted || !['>', '>='].includes(op)) return fail('unrecognised-limiter', 'the 429 condition is not `count > max` or `count >= max`');
  countField ??= counted;
  if (countField !== counted) return fail('unrecognised-limiter', 'the incremented field is not the compared one');
  if (incrementIndex === -1) return fail('unrecognised-limiter', 'the count is never incremented');
  // Requests counted before the check: `count > max` lets max through; after it, `count >= max` does.
  const before = incrementIndex < checkIndex;
  const initial = resetObject.properties.find((p: any) => (p.key.name ?? p.key.value) === countField)?.value;
  if (!(isNum(initial, 0) && !resetReturns) && !(isNum(initial, 1) && resetReturns)) {
    return fail('unrecognised-limiter', 'a reset that neither starts at 0 nor counts the first request and returns');
  }
  const shift = before ? (op === '>' ? 0 : -1) : op === '>=' ? 0 : 1;
  if (inPlace) {
    // Resetting in place must start the same window the creation starts: the same fields, the
    // same first count, the same `now + W` (or the same start `now`).
    const initialInPlace = inPlace.assigned.get(counted);
    const counts =
      (isNum(initialInPlace, 0) && !inPlace.returns && !inPlace.countsOtherwise) ||
      (isNum(initialInPlace, 1) && (inPlace.returns || inPlace.countsOtherwise));
    if (!counts) return fail('unrecognised-limiter', 'an in-place reset that neither starts at 0 nor counts the first request');
    for (const property of resetObject.properties) {
      const name = property.key?.name ?? property.key?.value;
      if (name === countField) continue;
      const value = inPlace.assigned.get(name);
      if (!value || printed(value) !== printed(property.value)) {
        return fail('unrecognised-limiter', `the in-place reset does not set \`${name}\` as the entry is created`);
      }
    }
    if (inPlace.assigned.size !== resetObject.properties.length) return fail('unrecognised-limiter', 'the in-place reset sets other fields');
  }

  // The window: a reset time `now + W`, or a start `now` checked as `now - entry.start > W`.
  let windowMs: any;
  let timeField: string | undefined;
  let timeIsStart = false;
  for (const property of resetObject.properties) {
    const value = property.value;
    if (value?.type === 'BinaryExpression' && value.operator === '+' && isNow(value.left, nowName)) {
      windowMs = value.right;
      timeField = property.key.name ?? property.key.value;
    }
  }
  if (!windowMs) {
    const start = resetObject.properties.find((p: any) => isNow(p.value, nowName));
    const name = start && (start.key.name ?? start.key.value);
    j(fn)
      .find(j.BinaryExpression, { operator: '-' })
      .filter((p: any) => isNow(p.node.left, nowName) && member(p.node.right, entry) === name)
      .forEach((p: any) => {
        const parent = p.parent.node;
        if (parent.type === 'BinaryExpression' && ['>', '>='].includes(parent.operator) && parent.left === p.node) windowMs = parent.right;
      });
    if (windowMs) {
      timeField = name;
      timeIsStart = true;
    }
  }
  if (!windowMs || !timeField) return fail('no-window');

  for (const expression of [windowMs, max]) {
    const used = identifiersIn(j, expression);
    const local = [...used].find((name) => locals.has(name) || params.includes(name));
    if (local) return fail('limits-not-static', `\`${local}\` is computed inside the middleware`);
  }
  const keyNames = declared(keyDeclarations);
  for (const declaration of keyDeclarations) {
    for (const name of identifiersIn(j, declaration.declarations[0].init)) {
      if ((locals.has(name) && !keyNames.has(name)) || (params.includes(name) && name !== reqName)) {
        return fail('key-not-static', `the key uses \`${name}\``);
      }
    }
  }
  for (const name of identifiersIn(j, key)) {
    if ((locals.has(name) && !keyNames.has(name)) || (params.includes(name) && name !== reqName)) return fail('key-not-static', `the key uses \`${name}\``);
  }
  const allowed = new Set([...keyNames, entry, ...(nowName ? [nowName] : [])]);
  const blockLocals = declared(check.consequent.type === 'BlockStatement' ? check.consequent.body : []);
  for (const name of identifiersIn(j, check.consequent)) {
    if (locals.has(name) && !allowed.has(name) && !blockLocals.has(name)) return fail('response-uses-locals', `the 429 response uses \`${name}\``);
  }
  j(check.consequent)
    .find(j.MemberExpression, { object: { type: 'Identifier', name: entry } })
    .forEach((p: any) => {
      if (![countField, timeField].includes(String(p.node.property.name))) throw new UnsupportedField(p.node.property.name);
    });

  return {
    ok: true,
    limiter: { fn, windowMs, max, shift, keyDeclarations, key, entry, countField: countField!, timeField, timeIsStart, nowName, block: check.consequent, legacyHeaders },
  };
}

interface InPlaceReset {
  /** Field -> value assigned by the reset. */
  assigned: Map<string, any>;
  countField: string | undefined;
  /** `return next()` after the reset (the request counted as the first of the window). */
  returns: boolean;
  /** An `else { entry.count++ }`: the count is incremented when the window has not expired. */
  countsOtherwise: boolean;
}

/**
 * `if (now > entry.resetAt) { entry.count = 0; entry.resetAt = now + W; }` (also `>=`, flipped,
 * `entry.count = 1` with `return next()` or with `else { entry.count++ }`, and the start form
 * `if (now - entry.start > W) { entry.count = 0; entry.start = now; }`): the window's expiry test
 * on a time field the branch re-arms, and nothing else.
 */
function inPlaceReset(j: any, statement: any, entry: string, next: string | undefined, store: string, isNow: (node: any, nowName?: string) => boolean, nowName: string | undefined): InPlaceReset | undefined {
  const field = (node: any) => (node?.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && node.object.name === entry ? node.property.name : undefined);
  const test = statement.test;
  if (test?.type !== 'BinaryExpression' || !['>', '>=', '<', '<='].includes(test.operator)) return undefined;
  const [later, earlier] = test.operator.startsWith('>') ? [test.left, test.right] : [test.right, test.left];
  let timeField: string | undefined;
  let isStart = false;
  if (isNow(later, nowName) && field(earlier)) timeField = field(earlier);
  else if (later.type === 'BinaryExpression' && later.operator === '-' && isNow(later.left, nowName) && field(later.right)) {
    timeField = field(later.right);
    isStart = true;
  }
  if (!timeField) return undefined;

  const statements = statement.consequent.type === 'BlockStatement' ? [...statement.consequent.body] : [statement.consequent];
  let returns = false;
  const last = statements[statements.length - 1];
  if (last && isNextCall(last, next) && last.type === 'ReturnStatement') {
    returns = true;
    statements.pop();
  }
  const assigned = new Map<string, any>();
  for (const s of statements) {
    if (s.type === 'ExpressionStatement' && isStoreSet(s.expression, store)) continue;
    const assignment = s.type === 'ExpressionStatement' ? s.expression : undefined;
    const name = assignment?.type === 'AssignmentExpression' && assignment.operator === '=' ? field(assignment.left) : undefined;
    if (!name || assigned.has(name)) return undefined;
    assigned.set(name, assignment.right);
  }
  const time = assigned.get(timeField);
  const rearmed = isStart
    ? isNow(time, nowName)
    : time?.type === 'BinaryExpression' && time.operator === '+' && isNow(time.left, nowName);
  if (!rearmed || assigned.size !== 2) return undefined;
  const countField = [...assigned.keys()].find((name) => name !== timeField);

  let countsOtherwise = false;
  if (statement.alternate) {
    const alternate = statement.alternate.type === 'BlockStatement' ? statement.alternate.body : [statement.alternate];
    const [only] = alternate;
    if (alternate.length !== 1 || only.type !== 'ExpressionStatement' || !isIncrement(only.expression, entry)) return undefined;
    if (field(only.expression.argument ?? only.expression.left) !== countField) return undefined;
    countsOtherwise = true;
  }
  if (returns && countsOtherwise) return undefined;
  return { assigned, countField, returns, countsOtherwise };
}

/** Source text of an expression, for comparing two of them. */
function printed(node: any): string {
  return recast.print(node).code.replace(/\s+/g, ' ');
}

/** `store.get(key) || { ... }` (or `??`). */
function storeGetOrCreate(node: any, store: string): boolean {
  return node?.type === 'LogicalExpression' && ['||', '??'].includes(node.operator) && storeGet(node.left, store) !== undefined && node.right.type === 'ObjectExpression';
}

/** `store.get(key)` or `store[key]`: the key. */
function storeGet(node: any, store: string): any {
  if (node?.type === 'CallExpression' && node.callee.object?.name === store && node.callee.property?.name === 'get') return node.arguments[0];
  if (node?.type === 'MemberExpression' && node.computed && node.object.name === store) return node.property;
  return undefined;
}

function isStoreSet(node: any, store: string): boolean {
  if (node.type === 'CallExpression' && node.callee.object?.name === store && node.callee.property?.name === 'set') return true;
  return node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression' && node.left.computed && node.left.object.name === store;
}

export class UnsupportedField extends Error {}

function isIncrement(expression: any, entry: string | undefined): boolean {
  const target = expression.type === 'UpdateExpression' ? expression.argument : expression.type === 'AssignmentExpression' ? expression.left : undefined;
  if (!target || target.type !== 'MemberExpression' || target.object.name !== entry) return false;
  if (expression.type === 'UpdateExpression') return expression.operator === '++';
  if (expression.operator === '+=') return isNum(expression.right, 1);
  return false;
}

export function isHeader(expression: any, res: string): boolean {
  return (
    expression.type === 'CallExpression' &&
    expression.callee.type === 'MemberExpression' &&
    expression.callee.object.name === res &&
    ['setHeader', 'set', 'header'].includes(expression.callee.property.name) &&
    /^x-ratelimit-/i.test(String(expression.arguments[0]?.value ?? ''))
  );
}

function isNextCall(statement: any, next: string | undefined): boolean {
  const expression = statement.type === 'ReturnStatement' ? statement.argument : statement.type === 'ExpressionStatement' ? statement.expression : undefined;
  return expression?.type === 'CallExpression' && expression.callee.type === 'Identifier' && expression.callee.name === next && expression.arguments.length === 0;
}

/** The statements of a 429 block, without a bare `return;` at its end. */
export function blockStatements(block: any): any[] {
  const statements = block.type === 'BlockStatement' ? [...block.body] : [block];
  const last = statements[statements.length - 1];
  if (last?.type === 'ReturnStatement' && !last.argument) statements.pop();
  return statements;
}
