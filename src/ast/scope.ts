/**
 * Small scope questions transforms ask: which names a pattern binds, whether a name is assigned
 * after its declaration.
 */

/** The identifiers a declaration pattern binds (`a`, `{ a, b: c }`, `[d, ...e]`). */
export function bindingNames(pattern: any): string[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p: any) => bindingNames(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e: any) => bindingNames(e));
    case 'RestElement':
      return bindingNames(pattern.argument);
    case 'AssignmentPattern':
      return bindingNames(pattern.left);
    default:
      return [];
  }
}

/**
 * True when `name` is the target of an assignment or update anywhere in the file other than
 * `declaration` itself (conservative: any scope counts).
 */
export function isReassigned(j: any, root: any, name: string, declaration: unknown): boolean {
  const assigned = root.find(j.AssignmentExpression).filter((path: any) => bindingNames(path.node.left).includes(name)).size();
  const updated = root.find(j.UpdateExpression, { argument: { type: 'Identifier', name } }).size();
  const redeclared = root
    .find(j.VariableDeclarator)
    .filter((path: any) => path.parent.node !== declaration && bindingNames(path.node.id).includes(name)
      && !(path.node.init?.type === 'CallExpression' && path.node.init.callee.name === 'require'))
    .size();
  return assigned + updated + redeclared > 0;
}
