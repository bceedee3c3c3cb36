/**
 * Building new code from source text: parse a snippet with Babel and strip every location, so
 * recast prints it as new code in the file's own style (quotes, indentation) instead of trying to
 * reuse text from the snippet. Numeric literals keep their spelling (`15_000`); string literals
 * take the file's quote style.
 */
import { parse, type ParserPlugin } from '@babel/parser';

function strip(node: any): any {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  delete node.loc;
  delete node.start;
  delete node.end;
  delete node.range;
  delete node.tokens;
  delete node.leadingComments;
  delete node.trailingComments;
  delete node.innerComments;
  if (node.extra && node.type !== 'NumericLiteral') node.extra = node.extra.parenthesized ? { parenthesized: true } : undefined;
  for (const key of Object.keys(node)) if (key !== 'type') strip(node[key]);
  return node;
}

function pluginsFor(typescript: boolean): ParserPlugin[] {
  return typescript ? ['typescript'] : ['jsx'];
}

/** Statements parsed from `code` (a module body), without locations. */
export function buildStatements(code: string, typescript: boolean): any[] {
  const file = parse(code, { sourceType: 'module', plugins: pluginsFor(typescript), allowReturnOutsideFunction: true });
  return strip(file.program.body);
}

/** One expression parsed from `code`, without locations. */
export function buildExpression(code: string, typescript: boolean): any {
  const [statement] = buildStatements(`(${code});`, typescript);
  if (statement?.type !== 'ExpressionStatement') throw new Error(`not an expression: ${code}`);
  const expression = statement.expression;
  if (expression.extra) delete expression.extra.parenthesized;
  return expression;
}

/** A JavaScript string literal for `value` (quotes are chosen by the printer). */
export function stringLiteralCode(value: string): string {
  return JSON.stringify(value);
}
