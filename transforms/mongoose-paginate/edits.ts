/** The code mongoose-paginate writes: validated page/limit from req.query, trailing parameters, the query tail. */

export interface Limits {
  defaultLimit: number;
  maxLimit: number;
}

/**
 * `const page = …; const limit = …;` reading (never writing) `req.query`, as positive integers with
 * a default and a maximum. Express 5's `req.query` is a getter: it is only read here.
 */
export function paginationStatements(j: any, req: string, limits: Limits): any[] {
  const read = (name: string, fallback: number) =>
    j.callExpression(j.memberExpression(j.identifier('Number'), j.identifier('parseInt')), [
      j.callExpression(j.identifier('String'), [
        j.logicalExpression('??', j.memberExpression(j.memberExpression(j.identifier(req), j.identifier('query')), j.identifier(name)), j.stringLiteral(String(fallback))),
      ]),
      j.numericLiteral(10),
    ]);
  const max = (a: any, b: any) => j.callExpression(j.memberExpression(j.identifier('Math'), j.identifier('max')), [a, b]);
  const min = (a: any, b: any) => j.callExpression(j.memberExpression(j.identifier('Math'), j.identifier('min')), [a, b]);
  const orDefault = (value: any, fallback: number) => j.logicalExpression('||', value, j.numericLiteral(fallback));
  const page = max(j.numericLiteral(1), orDefault(read('page', 1), 1));
  const limit = min(j.numericLiteral(limits.maxLimit), max(j.numericLiteral(1), orDefault(read('limit', limits.defaultLimit), limits.defaultLimit)));
  return [
    j.variableDeclaration('const', [j.variableDeclarator(j.identifier('page'), page)]),
    j.variableDeclaration('const', [j.variableDeclarator(j.identifier('limit'), limit)]),
  ];
}

/** `page = 1, limit = 20` (service functions). */
export function pageParams(j: any, limits: Limits): any[] {
  return [j.assignmentPattern(j.identifier('page'), j.numericLiteral(1)), j.assignmentPattern(j.identifier('limit'), j.numericLiteral(limits.defaultLimit))];
}

const call = (j: any, object: any, method: string, args: any[]) => j.callExpression(j.memberExpression(object, j.identifier(method)), args);

/** `<query>.sort('_id')?.skip((page - 1) * limit).limit(limit)` (`'_id'` is Mongoose's string form of `{ _id: 1 }`). */
export function pageTail(j: any, query: any, needsSort: boolean): any {
  let node = query;
  if (needsSort) node = call(j, node, 'sort', [j.stringLiteral('_id')]);
  const skip = j.binaryExpression('*', j.binaryExpression('-', j.identifier('page'), j.numericLiteral(1)), j.identifier('limit'));
  node = call(j, node, 'skip', [skip]);
  return call(j, node, 'limit', [j.identifier('limit')]);
}

export function capTail(j: any, query: any, max: number): any {
  return call(j, query, 'limit', [j.numericLiteral(max)]);
}
