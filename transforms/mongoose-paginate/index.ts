import { z } from 'zod';
import { findCallers } from '../../src/ast/callers.js';
import { enclosingFunction, requestParam } from '../../src/ast/functions.js';
import { ModelResolver } from '../../src/ast/mongoose-models.js';
import { referencesTo, resolveBinding, valueParent } from '../../src/ast/scope.js';
import { defineTransform } from '../../src/transform.js';
import { BUILDERS } from '../mongoose-lean/flow.js';
import { capTail, pageParams, pageTail, paginationStatements } from './edits.js';

const EXPORT_NAME = /export|csv|report|download|backup|dump/i;

export default defineTransform({
  id: 'mongoose-paginate',
  title: 'Paginate unbounded Mongoose list queries that serve requests',
  description:
    'A `find` without `.limit()` in an Express handler reads validated `page`/`limit` from req.query and applies skip/limit ' +
    'with a stable sort; in a service function it gains trailing `page = 1, limit = 20` parameters when every caller still compiles.',
  seed: { review: '000', finding: 'Missing Query Result Pagination' },
  skipReasons: {
    'not-serving-a-request':
      'the query is not in an Express handler nor in a function whose callers are all in the project (a script, a job, module level); bound it by hand or use the capOnly option',
    'needs-every-row':
      'the rows feed something that needs all of them (an export/CSV/report, a .reduce total, a quota check); pagination would silently truncate it',
    'query-returned-unexecuted': 'the query is returned un-executed; callers chain their own .sort()/.limit(), so paginate there',
    'names-taken': '`page` or `limit` is already declared in the function (or is a parameter); harden will not shadow it',
    'callers-incompatible':
      'a caller passes more arguments than the function declares, or the function has a rest/destructured parameter, so trailing page/limit parameters could change its meaning',
    'unresolved-callers': 'the function returns the rows and not every caller can be found in the project, so changing its result size is unsafe',
    aggregation: 'an aggregation pipeline; add $skip/$limit stages by hand (their place in the pipeline matters)',
  },
  needs: ['.find(', '.aggregate('],
  scope: 'file',
  options: z.object({
    defaultLimit: z.number().int().positive().default(20).describe('Page size when the request gives none.'),
    maxLimit: z.number().int().positive().default(100).describe('Largest page size a request may ask for.'),
    capOnly: z.boolean().default(false).describe('Only add `.limit(maxLimit)` as a safety cap, without page parameters.'),
  }),
  apply({ j, root, file, options, sites, project }) {
    const models = new ModelResolver(j, project, file.path);
    const changedFunctions = new Set<any>();
    root.find(j.CallExpression).forEach((path: any) => {
      const callee = path.node.callee;
      if (callee.type !== 'MemberExpression' || callee.computed) return;
      const method = callee.property.name;
      if (method !== 'find' && method !== 'aggregate') return;
      const verdict = models.receiver(path);
      if (verdict?.kind !== 'model') return;
      if (method === 'aggregate') return sites.skipped(path.node, 'aggregation');
      if (path.node.arguments.some((a: any) => /Function/.test(a.type))) return;
      const chain = queryChain(path);
      if (!chain) return;
      const fn = enclosingFunction(path);
      const fnName = fn ? functionName(fn) : '';
      const rows = chainConsumer(chain.top);
      if (EXPORT_NAME.test(fnName) || (rows && needsAll(j, rows))) return sites.skipped(path.node, 'needs-every-row', fnName ? `in ${fnName}()` : undefined);
      if (options.capOnly) {
        if (!sites.changed(path.node, `capped at .limit(${options.maxLimit})`)) return;
        chain.top.replace(capTail(j, chain.top.node, options.maxLimit));
        return;
      }
      if (!fn) return sites.skipped(path.node, 'not-serving-a-request', 'module level');
      const returnedRaw = valueParent(chain.top)?.node.type === 'ReturnStatement' || fn.node.body === chain.top.node;
      if (returnedRaw && !fn.node.async) return sites.skipped(path.node, 'query-returned-unexecuted');
      const taken = ['page', 'limit'].some((name) => fn.scope.declares('page') || fn.scope.declares(name) || fn.scope.lookup(name));
      if (changedFunctions.has(fn.node)) return sites.skipped(path.node, 'names-taken', 'another query of this function is paginated already');
      const req = requestParam(fn);
      if (req) {
        if (taken) return sites.skipped(path.node, 'names-taken');
        const statement = enclosingStatement(path, fn);
        if (!statement) return sites.skipped(path.node, 'not-serving-a-request', 'the handler body is an expression');
        if (!sites.changed(path.node, `paginated with page/limit from ${req}.query (default ${options.defaultLimit}, max ${options.maxLimit})`)) return;
        const body = statement.parent.node.body as any[];
        body.splice(body.indexOf(statement.node), 0, ...paginationStatements(j, req, options));
        chain.top.replace(pageTail(j, chain.top.node, !chain.sorted));
        changedFunctions.add(fn.node);
        return;
      }
      // a service function that returns the rows: trailing optional parameters, when every caller still compiles
      if (!returnsRows(chain.top, fn)) return sites.skipped(path.node, 'not-serving-a-request', `${fnName || 'the function'}() does not return the rows`);
      const callers = findCallers(j, root, file.path, project, fn);
      if ('unresolved' in callers) return sites.skipped(path.node, callers.unresolved.includes('exported but nothing') ? 'not-serving-a-request' : 'unresolved-callers', callers.unresolved);
      if (callers.calls.length === 0) return sites.skipped(path.node, 'not-serving-a-request', 'nothing calls the function');
      if (taken) return sites.skipped(path.node, 'names-taken');
      const params = fn.node.params as any[];
      if (params.some((p) => p.type !== 'Identifier' && p.type !== 'AssignmentPattern')) return sites.skipped(path.node, 'callers-incompatible', 'rest or destructured parameter');
      const tooMany = callers.calls.find((call: any) => call.node.arguments.length > params.length || call.node.arguments.some((a: any) => a.type === 'SpreadElement'));
      if (tooMany) return sites.skipped(path.node, 'callers-incompatible', `a caller at line ${tooMany.node.loc?.start.line} passes ${tooMany.node.arguments.length} arguments`);
      if (!sites.changed(path.node, `paginated: added trailing parameters page = 1, limit = ${options.defaultLimit} to ${fnName || 'the function'}()`)) return;
      fn.node.params = [...params, ...pageParams(j, options)];
      chain.top.replace(pageTail(j, chain.top.node, !chain.sorted));
      changedFunctions.add(fn.node);
    });
  },
});

/** The last builder (or lean) call of the query at `path`; undefined when it is already limited or not a list. */
function queryChain(path: any): { top: any; sorted: boolean } | undefined {
  let top = path;
  let sorted = false;
  for (;;) {
    const member = top.parent;
    const call = member?.parent;
    if (member?.node.type !== 'MemberExpression' || member.node.object !== top.node || member.node.computed) break;
    if (call?.node.type !== 'CallExpression' || call.node.callee !== member.node) break;
    const name = member.node.property.name;
    if (name === 'limit' || name === 'cursor' || name === 'stream' || name === 'countDocuments' || name === 'distinct' || name === 'count') return undefined;
    if (name === 'sort') sorted = true;
    if (!BUILDERS.has(name) && name !== 'lean') break;
    top = call;
  }
  return { top, sorted };
}

/** The variable that receives the rows (`const rows = await q`), if any. */
function chainConsumer(top: any): { path: any; name: string } | undefined {
  let at = valueParent(top);
  if (at?.node.type === 'MemberExpression' && at.node.property.name === 'exec') at = valueParent(at.parent);
  if (at?.node.type === 'AwaitExpression') at = valueParent(at);
  if (at?.node.type === 'VariableDeclarator' && at.node.id.type === 'Identifier') return { path: at, name: at.node.id.name };
  return undefined;
}

/** The rows are reduced or handed to an export/CSV/report helper. */
function needsAll(j: any, rows: { path: any; name: string }): boolean {
  const binding = resolveBinding(rows.path, rows.name);
  if (!binding) return false;
  return referencesTo(j, binding.scope, rows.name).some((ref: any) => {
    const parent = valueParent(ref)?.node;
    if (parent?.type === 'MemberExpression' && ['reduce', 'reduceRight'].includes(parent.property.name)) return true;
    if (parent?.type === 'CallExpression' && parent.arguments.includes(ref.node)) {
      const callee = parent.callee.type === 'Identifier' ? parent.callee.name : parent.callee.property?.name ?? '';
      return /csv|export|report|download|archive|total|sum/i.test(callee);
    }
    return false;
  });
}

function functionName(fn: any): string {
  const node = fn.node;
  if (node.id?.name) return node.id.name;
  if (node.key && !node.computed) return node.key.name ?? node.key.value ?? '';
  const parent = fn.parent?.node;
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent?.type === 'ObjectProperty' && !parent.computed) return parent.key.name ?? '';
  return '';
}

/** The statement of `fn`'s block body that contains `path`. */
function enclosingStatement(path: any, fn: any): any {
  let current = path;
  while (current.parent && current.parent.node !== fn.node) {
    if (current.parent.node.type === 'BlockStatement' && current.parent.parent?.node === fn.node) return current;
    current = current.parent;
  }
  return undefined;
}

/** `return await q`, `return q` in an async function, or `const rows = await q; … return rows`. */
function returnsRows(top: any, fn: any): boolean {
  let at = valueParent(top);
  if (at?.node.type === 'MemberExpression' && at.node.property.name === 'exec') at = valueParent(at.parent);
  if (at?.node.type === 'AwaitExpression') at = valueParent(at);
  if (at?.node.type === 'ReturnStatement' || (at?.node === fn.node && fn.node.body !== undefined)) return true;
  if (at?.node.type === 'VariableDeclarator' && at.node.id.type === 'Identifier') {
    const name = at.node.id.name;
    let found = false;
    fn.get('body').node.body?.forEach?.((statement: any) => {
      if (statement.type === 'ReturnStatement' && statement.argument?.type === 'Identifier' && statement.argument.name === name) found = true;
    });
    return found;
  }
  return false;
}
