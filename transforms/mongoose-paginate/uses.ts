/**
 * Why a page of rows would be wrong where a whole list is used: what the handler does with the
 * rows (a lookup, a count, a total, a side effect on an empty result, an export) and what the
 * query asks for (a filter bounded by the request, a cache key, the oldest history first).
 */
import { referencesTo, resolveBinding, unwrapExpression, valueParent } from '../../src/ast/scope.js';

export type Refusal = { reason: RowReason; detail: string };
export type RowReason =
  | 'rows-used-as-lookup'
  | 'rows-counted-or-reduced'
  | 'empty-result-side-effect'
  | 'rows-passed-on'
  | 'export-needs-every-row'
  | 'bounded-by-input'
  | 'ascending-history';

const LOOKUP = new Set(['find', 'findLast', 'filter', 'some', 'every', 'includes', 'indexOf', 'lastIndexOf', 'findIndex', 'findLastIndex']);
const REDUCE = new Set(['reduce', 'reduceRight']);
/** Array methods whose result is still "the rows" (the walk goes on from their result). */
const PASS_THROUGH = new Set(['map', 'slice', 'sort', 'concat', 'flatMap', 'flat', 'reverse', 'toSorted', 'toReversed']);
const SIDE_EFFECT = /^(create|insert|insertMany|save|add|update|upsert|findOneAndUpdate|updateOne|updateMany|send|enqueue)/i;
const EXPORT_CALL = /csv|pdf|xlsx|excel|spreadsheet|archive|zip|export|report|download|backup|dump/i;
/** Calls that only serialise the rows into the response (or a log). */
const SAFE_CALLEES = /^(JSON\.stringify|Array\.isArray|console\.\w+|logger\.\w+|log\.\w+|Promise\.resolve)$/;

const line = (node: any) => (node?.loc ? `line ${node.loc.start.line}` : 'the handler');

function calleeText(node: any): string {
  const callee = unwrapExpression(node);
  if (callee?.type === 'Identifier') return callee.name;
  if (callee?.type === 'MemberExpression' && !callee.computed) return `${calleeText(callee.object)}.${callee.property.name}`;
  if (callee?.type === 'CallExpression') return `${calleeText(callee.callee)}()`;
  if (callee?.type === 'ThisExpression') return 'this';
  return '…';
}

/** The root identifier of `res.status(200).json` and the like. */
function rootName(node: any): string | undefined {
  let current = unwrapExpression(node);
  while (current) {
    if (current.type === 'Identifier') return current.name;
    if (current.type === 'MemberExpression') current = unwrapExpression(current.object);
    else if (current.type === 'CallExpression') current = unwrapExpression(current.callee);
    else return undefined;
  }
  return undefined;
}

/** What the code after `const <name> = await <query>` does with the rows, when that needs every row. */
export function rowsRefusal(j: any, declarator: any, name: string, res: string | undefined, depth = 0): Refusal | undefined {
  const binding = resolveBinding(declarator, name);
  if (!binding || depth > 3) return { reason: 'rows-passed-on', detail: `\`${name}\` could not be followed` };
  for (const ref of referencesTo(j, binding.scope, name)) {
    const refusal = useRefusal(j, ref, name, res, depth);
    if (refusal) return refusal;
  }
  return undefined;
}

function useRefusal(j: any, ref: any, name: string, res: string | undefined, depth: number): Refusal | undefined {
  let current = ref;
  for (let depth = 0; depth < 12; depth++) {
    const parent = valueParent(current);
    const node = parent?.node;
    if (!node) return undefined;
    if (node.type === 'MemberExpression' && node.object === unwrapExpression(current.node) && !node.computed) {
      const prop = node.property.name;
      if (prop === 'length') return lengthRefusal(j, parent, name);
      if (LOOKUP.has(prop)) return { reason: 'rows-used-as-lookup', detail: `\`${name}.${prop}(…)\` at ${line(node)} searches the rows; on a page it misses rows of later pages` };
      if (REDUCE.has(prop)) return { reason: 'rows-counted-or-reduced', detail: `\`${name}.${prop}(…)\` at ${line(node)} totals every row` };
      const call = valueParent(parent);
      if (prop === 'forEach' && call?.node.type === 'CallExpression') return loopRefusal(j, call.node.arguments[0], name, node);
      if (PASS_THROUGH.has(prop) && call?.node.type === 'CallExpression' && call.node.callee === node) {
        current = call;
        continue;
      }
      return undefined;
    }
    if (node.type === 'NewExpression' && /^(Map|Set|WeakMap|WeakSet)$/.test(calleeText(node.callee))) {
      return { reason: 'rows-used-as-lookup', detail: `\`new ${calleeText(node.callee)}(${name}…)\` at ${line(node)} indexes the rows for look-ups` };
    }
    if ((node.type === 'ObjectProperty' || node.type === 'Property') && node.value === unwrapExpression(current.node)) {
      const key = node.key?.name ?? node.key?.value;
      if (key === '$in' || key === '$nin' || key === '$all') return { reason: 'rows-used-as-lookup', detail: `the rows feed \`${key}\` of another query at ${line(node)}` };
      current = parent.parent; // the object literal
      continue;
    }
    if (['ArrayExpression', 'SpreadElement', 'ConditionalExpression', 'LogicalExpression', 'AwaitExpression', 'TemplateLiteral'].includes(node.type)) {
      current = parent;
      continue;
    }
    if (node.type === 'ForOfStatement' && node.right === unwrapExpression(current.node)) return loopRefusal(j, node, name, node);
    if (node.type === 'CallExpression' && node.arguments.includes(unwrapExpression(current.node))) {
      const callee = calleeText(node.callee);
      if (res && rootName(node.callee) === res) return undefined;
      if (SAFE_CALLEES.test(callee)) return undefined;
      if (EXPORT_CALL.test(callee)) return { reason: 'export-needs-every-row', detail: `the rows go to ${callee}() at ${line(node)}` };
      return { reason: 'rows-passed-on', detail: `the rows are handed to ${callee}() at ${line(node)}, which harden does not follow; paginate by hand if it only formats them` };
    }
    if (node.type === 'VariableDeclarator' && node.init === unwrapExpression(current.node) && node.id.type === 'Identifier') {
      // `const ids = rows.map(…)`: what is done with the derived list counts too
      return rowsRefusal(j, parent, node.id.name, res, depth + 1);
    }
    if (node.type === 'AssignmentExpression' && node.right === unwrapExpression(current.node)) {
      return { reason: 'rows-passed-on', detail: `the rows are stored in \`${calleeText(node.left)}\` at ${line(node)}` };
    }
    if (node.type === 'ReturnStatement' || node.type === 'ArrowFunctionExpression') {
      return { reason: 'rows-passed-on', detail: `the rows are returned at ${line(node)} to whatever calls the handler` };
    }
    return undefined;
  }
  return undefined;
}

/** `rows.length` at `member`: a side effect on an empty result, a decision, or a count. */
function lengthRefusal(j: any, member: any, name: string): Refusal {
  let at = member;
  while (at && !/Statement$|Declaration$/.test(at.node.type)) {
    const parent = at.parent;
    if ((parent?.node.type === 'IfStatement' || parent?.node.type === 'ConditionalExpression') && parent.node.test === at.node) {
      const effect = sideEffect(j, parent.node.consequent) ?? sideEffect(j, parent.node.alternate);
      if (effect) return { reason: 'empty-result-side-effect', detail: `\`${name}.length\` at ${line(member.node)} decides whether to ${effect}(); an empty later page would repeat it` };
      return { reason: 'rows-counted-or-reduced', detail: `a decision on \`${name}.length\` at ${line(member.node)} (a quota, an existence check) needs the whole count` };
    }
    at = parent;
  }
  return { reason: 'rows-counted-or-reduced', detail: `\`${name}.length\` at ${line(member.node)} counts every row; on a page it would count only the page` };
}

function sideEffect(j: any, node: any): string | undefined {
  if (!node) return undefined;
  let found: string | undefined;
  j(node).find(j.CallExpression).forEach((path: any) => {
    const callee = path.node.callee;
    const method = callee.type === 'MemberExpression' && !callee.computed ? callee.property.name : callee.type === 'Identifier' ? callee.name : '';
    if (!found && SIDE_EFFECT.test(method)) found = method;
  });
  if (!found && j(node).find(j.NewExpression).size() > 0) found = 'new';
  return found;
}

function loopRefusal(j: any, loop: any, name: string, at: any): Refusal | undefined {
  if (!loop) return undefined;
  const body = loop.type === 'ForOfStatement' ? loop.body : loop.body;
  if (!body) return undefined;
  const scan = j(body);
  if (scan.find(j.UpdateExpression).size() > 0 || scan.find(j.AssignmentExpression).filter((p: any) => p.node.operator !== '=').size() > 0) {
    return { reason: 'rows-counted-or-reduced', detail: `the loop over \`${name}\` at ${line(at)} accumulates a total` };
  }
  const indexes = scan.find(j.CallExpression).filter((p: any) => p.node.callee.type === 'MemberExpression' && ['set', 'add'].includes(p.node.callee.property.name)).size();
  if (indexes > 0 || scan.find(j.BreakStatement).size() > 0 || scan.find(j.ReturnStatement).size() > 0) {
    return { reason: 'rows-used-as-lookup', detail: `the loop over \`${name}\` at ${line(at)} indexes or searches the rows` };
  }
  return undefined;
}

/** The handler builds a download: `res.attachment`, `Content-Disposition`, `res.csv`, a CSV/PDF builder, an export-named route. */
export function exportRefusal(j: any, fn: any, res: string | undefined, fnName: string, routePaths: string[]): Refusal | undefined {
  if (EXPORT_CALL.test(fnName)) return { reason: 'export-needs-every-row', detail: `${fnName}() is an export; a page would truncate the file` };
  const exportPath = routePaths.find((path) => /export|csv|download|pdf|xlsx|backup|dump/i.test(path));
  if (exportPath) return { reason: 'export-needs-every-row', detail: `the route '${exportPath}' is a download; a page would truncate the file` };
  let found: Refusal | undefined;
  j(fn.node.body).find(j.Node).forEach((path: any) => {
    if (found) return;
    const node = path.node;
    if (node.type === 'StringLiteral' && /^content-disposition$/i.test(node.value)) found = { reason: 'export-needs-every-row', detail: `the response sets Content-Disposition at ${line(node)} (a download)` };
    if (node.type === 'StringLiteral' && /^(text\/csv|application\/pdf|csv|pdf)$/i.test(node.value)) found = { reason: 'export-needs-every-row', detail: `the response is ${node.value} at ${line(node)} (a download)` };
    if (node.type === 'CallExpression' || node.type === 'NewExpression') {
      const callee = calleeText(node.callee);
      const method = callee.split('.').pop() ?? '';
      if (res && rootName(node.callee) === res && ['attachment', 'download', 'csv', 'sendFile'].includes(method)) {
        found = { reason: 'export-needs-every-row', detail: `${callee}() at ${line(node)} sends a file` };
      } else if (/csv|pdf|xlsx|excel|spreadsheet|archive|zip/i.test(callee)) {
        found = { reason: 'export-needs-every-row', detail: `${node.type === 'NewExpression' ? 'new ' : ''}${callee}() at ${line(node)} builds a file` };
      }
    }
  });
  return found;
}

const TIME_FIELD = /(^|_)(created|updated|sent|posted|received)(_?at)?$|At$|_at$|date$|time(stamp)?$|^ts$/i;

/** `.sort({ createdAt: 1 })`, `.sort('createdAt')`: the oldest rows first, where the newest matter (history, chat). */
export function ascendingHistory(sortArgs: any[]): Refusal | undefined {
  const arg = unwrapExpression(sortArgs[0]);
  const ascending: string[] = [];
  if (arg?.type === 'StringLiteral') {
    const first = arg.value.trim().split(/\s+/)[0] ?? '';
    if (first && !first.startsWith('-') && TIME_FIELD.test(first)) ascending.push(first);
  } else if (arg?.type === 'ObjectExpression') {
    const property = arg.properties[0];
    const key = property?.key?.name ?? property?.key?.value;
    const value = unwrapExpression(property?.value);
    const up = value?.type === 'NumericLiteral' ? value.value > 0 : value?.type === 'StringLiteral' ? /^asc/i.test(value.value) : false;
    if (key && up && TIME_FIELD.test(String(key))) ascending.push(String(key));
  }
  if (ascending.length === 0) return undefined;
  return {
    reason: 'ascending-history',
    detail: `sorted by ${ascending[0]} ascending: page 1 would hold the oldest rows; if clients want the newest, sort descending and paginate by hand`,
  };
}

/** The filter names `_id` or a unique field, so the request bounds the result. */
export function boundedFilter(filter: any, unique: ReadonlySet<string>): Refusal | undefined {
  const value = unwrapExpression(filter);
  if (value?.type !== 'ObjectExpression') return undefined;
  for (const property of value.properties) {
    const key = property.key?.name ?? property.key?.value;
    if (key === '_id' || key === 'id' || unique.has(String(key))) {
      const inner = unwrapExpression(property.value);
      const list = inner?.type === 'ObjectExpression' && inner.properties.some((p: any) => ['$in', '$all'].includes(p.key?.name ?? p.key?.value));
      return {
        reason: 'bounded-by-input',
        detail: `the filter on ${key === '_id' || key === 'id' ? '`_id`' : `the unique field \`${key}\``} ${list ? 'with $in returns at most the requested ids' : 'returns at most one row per value'}; a page would drop requested rows`,
      };
    }
  }
  for (const property of value.properties) {
    const key = property.key?.name ?? property.key?.value;
    const inner = unwrapExpression(property.value);
    if (inner?.type !== 'ObjectExpression') continue;
    const listed = inner.properties.find((p: any) => ['$in', '$all'].includes(p.key?.name ?? p.key?.value) && unwrapExpression(p.value)?.type !== 'ArrayExpression');
    if (listed) {
      const operator = listed.key?.name ?? listed.key?.value;
      return {
        reason: 'bounded-by-input',
        detail: `\`${key}: { ${operator}: … }\` at ${line(listed)} selects the rows of a list the request (or another query) supplies; a page would drop some of them`,
      };
    }
  }
  return undefined;
}
