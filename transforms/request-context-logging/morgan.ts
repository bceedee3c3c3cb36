/**
 * morgan beside the request logger: the `app.use(morgan(...))` mounts of the app, and their
 * removal (option `replaceMorgan`), with morgan's import once nothing else uses it.
 */
import { requiredModule } from '../../src/ast/imports.js';
import { isReferencePath, resolveBinding } from '../../src/ast/scope.js';

export interface MorganMount {
  /** The `app.use(…)` call. */
  call: any;
  /** The local name morgan is bound to. */
  local: string;
  /** A plain `app.use(morgan(…));` statement in the app's own statement list, which can go. */
  removable: boolean;
}

/** `app.use(morgan(…))` calls on the app created at `app` (an `express()` call path held in `appName`). */
export function morganMounts(j: any, root: any, app: any, appName: string): MorganMount[] {
  const declarator = app.parent.node;
  // the block (or program) the app's declaration stands in, through an `export` around it
  const around = app.parent.parent.parent;
  const appBlock = around.node.type === 'ExportNamedDeclaration' ? around.parent.node : around.node;
  const found: MorganMount[] = [];
  root.find(j.CallExpression, { callee: { type: 'MemberExpression', object: { type: 'Identifier', name: appName }, property: { name: 'use' } } }).forEach((call: any) => {
    const binding = resolveBinding(call, appName);
    if (binding?.kind !== 'variable' || binding.declarator !== declarator) return;
    const morgan = call.node.arguments.find((argument: any) => argument.type === 'CallExpression' && argument.callee.type === 'Identifier' && isMorgan(call, argument.callee.name));
    if (!morgan) return;
    const statement = call.parent;
    const removable =
      call.node.arguments.length === 1 &&
      statement.node.type === 'ExpressionStatement' &&
      statement.node.expression === call.node &&
      statement.parent.node === appBlock;
    found.push({ call, local: morgan.callee.name, removable });
  });
  return found;
}

function isMorgan(at: any, name: string): boolean {
  const binding = resolveBinding(at, name);
  return binding?.kind === 'import' && binding.source === 'morgan' && (binding.imported === 'default' || binding.imported === '*');
}

/** Removes the mount's statement, then morgan's import when it was its last use and binds nothing else. */
export function removeMorgan(j: any, root: any, mount: MorganMount): void {
  const statement = mount.call.parent;
  const list = statement.parent.node.body ?? statement.parent.node.consequent;
  list.splice(list.indexOf(statement.node), 1);
  const used = root.find(j.Identifier, { name: mount.local }).filter((path: any) => isReferencePath(path)).size() > 0;
  if (used) return;
  const body = root.get().node.program.body as any[];
  const index = body.findIndex(
    (node) =>
      (node.type === 'ImportDeclaration' && node.source.value === 'morgan' && node.specifiers?.length === 1) ||
      (node.type === 'VariableDeclaration' && node.declarations.length === 1 && node.declarations[0].id.type === 'Identifier' && node.declarations[0].id.name === mount.local && requiredModule(node.declarations[0].init) === 'morgan'),
  );
  if (index >= 0) body.splice(index, 1);
}
