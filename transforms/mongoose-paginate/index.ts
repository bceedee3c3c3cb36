import { z } from 'zod';
import { findCallers } from '../../src/ast/callers.js';
import { enclosingFunction, requestParam } from '../../src/ast/functions.js';
import { mayQueryModels, ModelResolver } from '../../src/ast/mongoose/models.js';
import { compilerOption } from '../../src/ast/module-resolve.js';
import { routesOf } from '../../src/ast/routes.js';
import { chainedCall, referencesTo, resolveBinding, valueParent } from '../../src/ast/scope.js';
import { defineTransform } from '../../src/transform.js';
import { BUILDERS } from '../mongoose-lean/flow.js';
import { projectConvention } from './convention.js';
import { capTail, nextLinkStatement, pageTail, paginationStatements } from './edits.js';
import { ascendingHistory, boundedFilter, exportRefusal, rowsRefusal } from './uses.js';

export default defineTransform({
  id: 'mongoose-paginate',
  title: 'Paginate unbounded Mongoose list queries that serve requests',
  description:
    'A `find` without `.limit()` in an Express GET handler whose rows are only sent reads a bounded page and page size from req.query ' +
    '(in the project\'s own convention), applies skip/limit with a stable sort, and sets a `Link: <…>; rel="next"` header when the page is full. ' +
    'Anything that needs every row, or whose callers could not ask for more, is refused.',
  seed: { review: '000', finding: 'Missing Query Result Pagination' },
  skipReasons: {
    'not-serving-a-request':
      'the query is not in an Express handler (a script, a job, module level, a function that does not return the rows); bound it by hand or use the capOnly option',
    'not-a-get-route': 'the handler is registered for a method other than GET (a POST/PUT/DELETE acts on every matching row); pagination is for lists clients read',
    'route-method-unknown':
      'harden found no `.get(path, handler)` registration for the handler (or it is mounted with .all/.use), so it cannot prove the handler serves GET requests',
    'bounded-by-input': 'the filter names `_id` or a unique field (also through $in of the request\'s ids): the request already bounds the result, and a page would drop rows it asked for',
    'rows-used-as-lookup': 'the rows are searched or indexed (.find/.filter/.includes/.some, a Map or Set, $in of another query): a page would miss rows of later pages',
    'rows-counted-or-reduced': 'the rows are counted or totalled (.length, .reduce, an accumulating loop): a page would count only itself',
    'empty-result-side-effect': 'an empty result triggers a write (create a default, send): an empty later page would repeat it',
    'rows-passed-on': 'the rows are handed to a function, stored or returned where harden cannot see what needs them; paginate by hand if they are only formatted',
    'export-needs-every-row': 'the handler builds a download (export/CSV/PDF route or builder, Content-Disposition, res.attachment/res.download/res.csv): a page would truncate the file',
    'streamed-or-cursored': 'the query is streamed or iterated with a cursor, which already bounds memory',
    'cache-key': 'the query is cached with .cache(…): the cache key does not include the page, so every page would return the cached first one',
    'callback-style': 'the query runs with a callback (.exec(cb), find(filter, cb)); rewrite it with await first',
    'ascending-history': 'the rows are sorted by a time field ascending: page 1 would be the oldest rows where clients usually want the newest (chat, history); harden will not guess',
    'rows-not-named':
      'the rows are not stored in a variable (`res.json(await Model.find())`), so harden cannot tell the client when more exist; assign them to a const first',
    'page-convention-ambiguous': 'the project pages in more than one way (1-based and 0-based pages, offsets, several page-size names); harden will not pick one',
    'query-returned-unexecuted': 'the query object is returned or stored un-executed; whoever executes it chains .sort()/.limit(), so paginate there',
    'names-taken': '`page`, `limit`, `offset` or `nextUrl` is already declared in the function (or is a parameter); harden will not shadow it',
    'callers-do-not-forward-page':
      'a service function returns the rows to callers that do not pass a page: a page-size default would make those endpoints return the first page forever; paginate the handler that calls it',
    'unresolved-callers': 'the function returns the rows and not every caller can be found in the project',
    aggregation: 'an aggregation pipeline; add $skip/$limit stages by hand (their place in the pipeline matters)',
    'query-in-loop': 'the query runs inside a loop of the handler: each pass would get one page of its own rows',
  },
  needs: ['.find(', '.aggregate('],
  prefilter: mayQueryModels,
  scope: 'file',
  options: z.object({
    defaultLimit: z.number().int().positive().default(20).describe('Page size when the request gives none.'),
    maxLimit: z.number().int().positive().default(100).describe('Largest page size a request may ask for.'),
    maxPage: z.number().int().positive().default(10000).describe('Largest page number a request may ask for (bounds skip).'),
    capOnly: z.boolean().default(false).describe('Only add `.limit(maxLimit)` as a safety cap, without page parameters.'),
  }),
  apply({ j, root, file, options, sites, project }) {
    const models = new ModelResolver(j, project, file.path);
    const typescript = file.language !== 'js';
    const changedFunctions = new Set<any>();
    const queries = (node: any) => node.callee.type === 'MemberExpression' && !node.callee.computed && ['find', 'aggregate'].includes(node.callee.property.name);
    root.find(j.CallExpression, queries).forEach((path: any) => {
      const method = path.node.callee.property.name;
      const verdict = models.receiver(path);
      if (verdict?.kind !== 'model') return;
      if (method === 'aggregate') return sites.skipped(path.node, 'aggregation');
      if (path.node.arguments.some((a: any) => /Function/.test(a.type))) return sites.skipped(path.node, 'callback-style', 'find(filter, callback)');
      const chain = queryChain(path);
      if (!chain) return;
      if (chain.stop) return sites.skipped(path.node, chain.stop.reason, chain.stop.detail);
      const history = chain.sortArgs ? ascendingHistory(chain.sortArgs) : undefined;
      if (history) return sites.skipped(path.node, history.reason, history.detail);
      const fn = enclosingFunction(path);
      const fnName = fn ? functionName(fn) : '';
      const consumer = chainConsumer(chain.top);
      if (consumer?.callback) return sites.skipped(path.node, 'callback-style', '.exec(callback)');
      if (consumer?.unexecuted) {
        const streamed = laterStreamed(j, consumer.unexecuted);
        if (streamed) return sites.skipped(path.node, 'streamed-or-cursored', streamed);
        if (!options.capOnly) return sites.skipped(path.node, 'query-returned-unexecuted', `stored in \`${consumer.unexecuted.name}\``);
      }
      const req = fn ? requestParam(fn) : undefined;
      const res = fn && req ? secondParam(fn) : undefined;
      const rows = consumer?.rows;
      if (!options.capOnly) {
        if (!fn) return sites.skipped(path.node, 'not-serving-a-request', 'module level');
        const returnedRaw = valueParent(chain.top)?.node.type === 'ReturnStatement' || fn.node.body === chain.top.node;
        if (returnedRaw && !fn.node.async) return sites.skipped(path.node, 'query-returned-unexecuted', 'returned from a function that is not async');
        const named = !req ? exportRefusal(j, fn, undefined, fnName, []) : undefined;
        if (named) return sites.skipped(path.node, named.reason, named.detail);
        if (!req && !returnsRows(chain.top, fn)) return sites.skipped(path.node, 'not-serving-a-request', `${fnName || 'the function'}() does not return the rows`);
      }
      // a request handler serves GET only
      let routePaths: string[] = [];
      if (req && fn && !options.capOnly) {
        const routes = routesOf(j, file.path, project, fn);
        if ('unknown' in routes) return sites.skipped(path.node, 'route-method-unknown', routes.unknown);
        const where = (r: { method: string; path?: string; file: string; line?: number }) => `.${r.method}(${r.path === undefined ? '…' : `'${r.path}'`}) at ${r.file}:${r.line}`;
        const other = routes.routes.find((r) => r.method !== 'get');
        if (other) return sites.skipped(path.node, other.method === 'all' || other.method === 'use' ? 'route-method-unknown' : 'not-a-get-route', `registered with ${where(other)}`);
        routePaths = routes.routes.map((r) => r.path ?? '');
        const loop = loopBetween(path, fn);
        if (loop) return sites.skipped(path.node, 'query-in-loop', `${loop.type} at line ${loop.loc?.start.line}`);
      }
      const unique = verdict.model.schema?.unique ?? new Set<string>();
      const refusal =
        (fn ? exportRefusal(j, fn, res, fnName, routePaths) : undefined) ??
        boundedFilter(path.node.arguments[0], unique) ??
        (rows ? rowsRefusal(j, rows.path, rows.name, res) : undefined);
      // a service function hands its rows to its callers: who they are decides
      const serviceRows = !req && !options.capOnly && refusal?.reason === 'rows-passed-on';
      if (refusal && !serviceRows) return sites.skipped(path.node, refusal.reason, refusal.detail);
      if (options.capOnly) {
        if (!sites.changed(path.node, `capped at .limit(${options.maxLimit})`)) return;
        chain.top.replace(capTail(j, chain.top.node, options.maxLimit));
        return;
      }
      if (!req) return serviceRefusal(j, root, file.path, project, fn, fnName, path, sites);

      // rows named, the project's convention, free names
      if (!rows) return sites.skipped(path.node, 'rows-not-named', 'the result is not assigned with `const rows = await …` (used inline, in .then(…), or destructured)');
      if (!res) return sites.skipped(path.node, 'not-serving-a-request', 'the handler has no Express response parameter (`res`) to set the Link header on');
      const convention = projectConvention(j, project);
      if ('ambiguous' in convention) return sites.skipped(path.node, 'page-convention-ambiguous', convention.ambiguous);
      if (changedFunctions.has(fn.node)) return sites.skipped(path.node, 'names-taken', 'another query of this function is paginated already');
      const taken = ['page', 'limit', 'offset', 'nextUrl'].find((name) => fn.scope.declares(name) || fn.scope.lookup(name));
      if (taken) return sites.skipped(path.node, 'names-taken', `\`${taken}\``);
      const statement = enclosingStatement(path, fn);
      const rowsStatement = rows.path.parent;
      const rowsBlock = rowsStatement?.parent?.node;
      if (!statement || rowsStatement?.node.type !== 'VariableDeclaration' || !Array.isArray(rowsBlock?.body)) {
        return sites.skipped(path.node, 'rows-not-named', 'the rows are not declared in a block of the handler');
      }
      const bracketQuery = typescript && compilerOption(project, file.path, 'noPropertyAccessFromIndexSignature') === true;
      const names = { req, res, rows: rows.name, bracketQuery };
      const limits = { defaultLimit: options.defaultLimit, maxLimit: options.maxLimit, maxPage: options.maxPage };
      const pageText =
        convention.style === 'offset'
          ? `?${convention.pageParam} (max ${(options.maxPage - 1) * options.maxLimit})`
          : `?${convention.pageParam} (${convention.style === 'page0' ? '0' : '1'}-based, max ${convention.style === 'page0' ? options.maxPage - 1 : options.maxPage})`;
      const message =
        `paginated a GET handler: ${pageText} and ?${convention.limitParam} (default ${options.defaultLimit}, max ${options.maxLimit}) from ${req}.query` +
        `${convention.evidence ? `, following ${convention.evidence}` : ''}; a full page sets Link: <…>; rel="next" (the response body is unchanged, ` +
        'but it now holds the first page: clients that expected every row must follow the Link header)';
      if (!sites.changed(path.node, message)) return;
      chain.top.replace(pageTail(j, chain.top.node, !chain.sorted, convention, typescript));
      rowsBlock.body.splice(rowsBlock.body.indexOf(rowsStatement.node) + 1, 0, nextLinkStatement(convention, limits, names, typescript));
      const body = statement.parent.node.body as any[];
      body.splice(body.indexOf(statement.node), 0, ...paginationStatements(convention, limits, names, typescript));
      changedFunctions.add(fn.node);
    });
  },
});

type Stop = { reason: 'streamed-or-cursored' | 'cache-key' | 'callback-style'; detail: string };

/** The last builder (or lean) call of the query at `path`; undefined when it is already limited or not a list. */
function queryChain(path: any): { top: any; sorted: boolean; sortArgs?: any[]; stop?: Stop } | undefined {
  let top = path;
  let sorted = false;
  let sortArgs: any[] | undefined;
  for (let link = chainedCall(top); link; link = chainedCall(top)) {
    const { name, call } = link;
    if (name === 'limit' || name === 'countDocuments' || name === 'distinct' || name === 'count' || name === 'estimatedDocumentCount') return undefined;
    if (name === 'cursor' || name === 'stream' || name === 'eachAsync') return { top, sorted, stop: { reason: 'streamed-or-cursored', detail: `.${name}()` } };
    if (name === 'cache') return { top, sorted, stop: { reason: 'cache-key', detail: '.cache(…) in the query chain' } };
    if (name === 'exec' && call.node.arguments.some((a: any) => /Function/.test(a.type) || a.type === 'Identifier')) {
      return { top, sorted, stop: { reason: 'callback-style', detail: '.exec(callback)' } };
    }
    if (name === 'sort') {
      sorted = true;
      sortArgs ??= call.node.arguments;
    }
    if (!BUILDERS.has(name) && name !== 'lean') break;
    top = call;
  }
  return { top, sorted, sortArgs };
}

interface Consumer {
  /** `const rows = await q` / `await q.exec()`. */
  rows?: { path: any; name: string };
  /** `const q = Model.find()` kept un-executed. */
  unexecuted?: { path: any; name: string };
  callback?: boolean;
}

function chainConsumer(top: any): Consumer | undefined {
  let at = valueParent(top);
  if (at?.node.type === 'MemberExpression' && at.node.property.name === 'exec') {
    const call = valueParent(at);
    if (call?.node.arguments?.length) return { callback: true };
    at = valueParent(call);
  } else if (at?.node.type === 'VariableDeclarator' && at.node.id.type === 'Identifier') {
    return { unexecuted: { path: at, name: at.node.id.name } };
  }
  if (at?.node.type === 'AwaitExpression') at = valueParent(at);
  if (at?.node.type === 'VariableDeclarator' && at.node.id.type === 'Identifier') return { rows: { path: at, name: at.node.id.name } };
  return undefined;
}

/** `q.cursor()`, `q.stream()`, `q.eachAsync()` later on a stored query. */
function laterStreamed(j: any, query: { path: any; name: string }): string | undefined {
  const binding = resolveBinding(query.path, query.name);
  if (!binding) return undefined;
  for (const ref of referencesTo(j, binding.scope, query.name)) {
    const parent = valueParent(ref)?.node;
    if (parent?.type === 'MemberExpression' && ['cursor', 'stream', 'eachAsync'].includes(parent.property?.name)) return `\`${query.name}.${parent.property.name}()\` at line ${parent.loc?.start.line}`;
  }
  return undefined;
}

/** A non-handler function that returns the rows: refused, naming the caller that cannot ask for a page. */
function serviceRefusal(j: any, root: any, filePath: string, project: any, fn: any, fnName: string, path: any, sites: any): void {
  const label = `${fnName || 'the function'}()`;
  const callers = findCallers(j, root, filePath, project, fn);
  if ('unresolved' in callers) return sites.skipped(path.node, callers.unresolved.includes('exported but nothing') ? 'not-serving-a-request' : 'unresolved-callers', callers.unresolved);
  if (callers.calls.length === 0) return sites.skipped(path.node, 'not-serving-a-request', 'nothing calls the function');
  const first = callers.calls[0];
  const file = callerFile(first, root, filePath, project, fnName);
  const more = callers.calls.length > 1 ? ` (and ${callers.calls.length - 1} more caller${callers.calls.length > 2 ? 's' : ''})` : '';
  sites.skipped(
    path.node,
    'callers-do-not-forward-page',
    `${label} is called at ${file}:${first.node.loc?.start.line}${more} without a page; harden does not rewrite callers in other files, so it leaves the function whole`,
  );
}

/** The project file a caller's path belongs to. */
function callerFile(call: any, root: any, filePath: string, project: any, fnName: string): string {
  let top = call;
  while (top.parent) top = top.parent;
  if (top.node === root.get().node) return filePath;
  return project.fileOf(top.node) ?? 'another file';
}

/** The Express response parameter: named `res`/`response` or typed `Response` (not Koa's `next`, not Fastify's `reply`). */
function secondParam(fn: any): string | undefined {
  const second = fn.node.params?.[1];
  if (second?.type !== 'Identifier') return undefined;
  const annotation = second.typeAnnotation?.typeAnnotation;
  const typed = annotation?.type === 'TSTypeReference' && /(^|\.)Response$/.test(typeText(annotation.typeName));
  return /^res(ponse)?$/i.test(second.name) || typed ? second.name : undefined;
}

function typeText(node: any): string {
  if (node?.type === 'Identifier') return node.name;
  if (node?.type === 'TSQualifiedName') return `${typeText(node.left)}.${node.right.name}`;
  return '';
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

/** A loop statement between the query and its function, if any. */
function loopBetween(path: any, fn: any): any {
  for (let current = path.parent; current && current.node !== fn.node; current = current.parent) {
    if (/^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(current.node.type)) return current.node;
  }
  return undefined;
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
