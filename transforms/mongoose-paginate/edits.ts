/**
 * The code mongoose-paginate writes in a GET handler: a bounded page (or offset) and page size read
 * (never written) from `req.query`, the query tail, and a `Link: <…>; rel="next"` header when the
 * page is full, so clients can discover that more rows exist without a change to the response body.
 * Built from snippets whose identifiers are renamed on the AST to the handler's own names.
 */
import { buildExpression, buildStatements, stringLiteralCode } from '../../src/ast/build.js';
import type { Convention } from './convention.js';

export interface Limits {
  defaultLimit: number;
  maxLimit: number;
  maxPage: number;
}

export interface Names {
  req: string;
  res: string;
  rows: string;
  /** Write `req.query['page']` (tsconfig `noPropertyAccessFromIndexSignature`: `req.query.page` is TS4111). */
  bracketQuery?: boolean;
}

/** Renames the placeholder identifiers `$req`, `$res`, `$rows` of built nodes to the handler's names. */
function rename(node: any, names: Names): any {
  if (Array.isArray(node)) return node.map((n) => rename(n, names));
  if (!node || typeof node !== 'object') return node;
  if (node.type === 'Identifier') {
    if (node.name === '$req') node.name = names.req;
    else if (node.name === '$res') node.name = names.res;
    else if (node.name === '$rows') node.name = names.rows;
  }
  for (const key of Object.keys(node)) if (key !== 'type') rename(node[key], names);
  return node;
}

/** The largest value of the page (or offset) parameter. */
function upper(convention: Convention, limits: Limits): number {
  if (convention.style === 'page1') return limits.maxPage;
  if (convention.style === 'page0') return limits.maxPage - 1;
  return (limits.maxPage - 1) * limits.maxLimit;
}

/** `const page = …; const limit = …;` (or `const offset = …`), bounded and defaulted. */
export function paginationStatements(convention: Convention, limits: Limits, names: Names, typescript: boolean): any[] {
  const lowest = convention.style === 'page1' ? 1 : 0;
  const position = convention.style === 'offset' ? 'offset' : 'page';
  const access = (param: string) => (names.bracketQuery ? `$req.query[${stringLiteralCode(param)}]` : `$req.query.${param}`);
  const read = (param: string, fallback: number) => `Number.parseInt(String(${access(param)} ?? ${stringLiteralCode(String(fallback))}), 10) || ${fallback}`;
  const code = [
    `const ${position} = Math.min(${upper(convention, limits)}, Math.max(${lowest}, ${read(convention.pageParam, lowest)}));`,
    `const limit = Math.min(${limits.maxLimit}, Math.max(1, ${read(convention.limitParam, limits.defaultLimit)}));`,
  ].join('\n');
  return rename(buildStatements(code, typescript), names);
}

/** `<query>.sort('_id').skip(…).limit(limit)`; `'_id'` is Mongoose's string form of `{ _id: 1 }`. */
export function pageTail(j: any, query: any, needsSort: boolean, convention: Convention, typescript: boolean): any {
  let node = query;
  if (needsSort) node = call(j, node, 'sort', [j.stringLiteral('_id')]);
  const skip = convention.style === 'page1' ? '(page - 1) * limit' : convention.style === 'page0' ? 'page * limit' : 'offset';
  node = call(j, node, 'skip', [buildExpression(skip, typescript)]);
  return call(j, node, 'limit', [j.identifier('limit')]);
}

/**
 * When the page is full, `Link: <this URL with the next page>; rel="next"` (RFC 8288) through
 * `res.append` (other Link values stay); every other query parameter of the request is kept.
 */
export function nextLinkStatement(convention: Convention, limits: Limits, names: Names, typescript: boolean): any {
  const position = convention.style === 'offset' ? 'offset' : 'page';
  const next = convention.style === 'offset' ? 'offset + limit' : 'page + 1';
  const code = [
    `if ($rows.length === limit && ${position} < ${upper(convention, limits)}) {`,
    `  const nextUrl = new URL($req.originalUrl, 'http://localhost');`,
    `  nextUrl.searchParams.set(${stringLiteralCode(convention.pageParam)}, String(${next}));`,
    `  nextUrl.searchParams.set(${stringLiteralCode(convention.limitParam)}, String(limit));`,
    '  $res.append(\'Link\', `<${nextUrl.pathname}${nextUrl.search}>; rel="next"`);',
    `}`,
  ].join('\n');
  return rename(buildStatements(code, typescript), names)[0];
}

const call = (j: any, object: any, method: string, args: any[]) => j.callExpression(j.memberExpression(object, j.identifier(method)), args);

export function capTail(j: any, query: any, max: number): any {
  return call(j, query, 'limit', [j.numericLiteral(max)]);
}
