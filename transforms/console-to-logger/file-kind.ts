/**
 * Console output that is not backend logging inside a server file. (Whole files — tests, scripts,
 * front-end code — are the engine's file roles, src/engine/roles.ts.)
 */

/**
 * The rule for `console.log` that prints a program's output rather than logging: it sits in a
 * function whose name says it prints (print*, show*, display*, render*, output*, dump*, usage,
 * help*), or it prints `JSON.stringify(...)` (machine-readable output for another program).
 */
export function isProgramOutput(path: any): boolean {
  const args = path.node.arguments;
  const stringify = (node: any) =>
    node?.type === 'CallExpression' &&
    node.callee.type === 'MemberExpression' &&
    node.callee.object.name === 'JSON' &&
    node.callee.property.name === 'stringify';
  if (args.length === 1 && stringify(args[0])) return true;
  for (let current = path.parent; current; current = current.parent) {
    const name = functionName(current);
    if (name) return /^(print|show|display|render|output|dump|usage|help)([A-Z_]|$)/.test(name);
  }
  return false;
}

function functionName(path: any): string | undefined {
  const node = path.node;
  if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
    if (node.id?.name) return node.id.name;
    const parent = path.parent?.node;
    if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    if ((parent?.type === 'ObjectProperty' || parent?.type === 'Property') && parent.key.type === 'Identifier') return parent.key.name;
    return '';
  }
  if (node.type === 'ClassMethod' || node.type === 'ObjectMethod' || node.type === 'ClassPrivateMethod') {
    return node.key.type === 'Identifier' ? node.key.name : '';
  }
  return undefined;
}
