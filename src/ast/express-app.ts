/**
 * Express apps: which module a callee comes from (`express` of `express()`, `express.Router()`,
 * `Router()`, `require('express').Router()`), and the calls of a file that create an app.
 */
import { requiredModule } from './imports.js';
import { resolveBinding, unwrapExpression } from './scope.js';

/** Module a callee comes from: `express` of `express()`, `express.Router()`, `Router()`, `require('express').Router()`. */
export function calleeModule(path: any, callee: any): string | undefined {
  const node = unwrapExpression(callee);
  const direct = requiredModule(node);
  if (direct) return direct;
  if (node?.type === 'MemberExpression') return calleeModule(path, node.object);
  if (node?.type === 'CallExpression') return calleeModule(path, node.callee);
  if (node?.type !== 'Identifier') return undefined;
  const binding = resolveBinding(path, node.name);
  if (binding?.kind === 'import') return binding.source;
  if (binding?.kind === 'variable' && !binding.destructured) {
    const init = unwrapExpression(binding.declarator.init);
    return init && init !== node ? calleeModule(path, init) : undefined;
  }
  return undefined;
}

/**
 * `express()` (the module's default export called; also `require('express')()`): the app, not
 * `express.Router()`, `express.json()` or a destructured `Router()`.
 */
export function isAppCreation(path: any): boolean {
  const callee = unwrapExpression(path.node.callee);
  if (callee.type === 'CallExpression') return callee.callee.type === 'Identifier' && callee.callee.name === 'require';
  if (callee.type !== 'Identifier') return false;
  const binding = resolveBinding(path, callee.name);
  return binding?.kind !== 'import' || binding.imported === 'default' || binding.imported === '*';
}

/** The paths of the file's `express()` calls (also `require('express')()`), in source order. */
export function expressAppCreations(j: any, root: any): any[] {
  return root
    .find(j.CallExpression)
    .filter((path: any) => calleeModule(path, path.node.callee) === 'express' && isAppCreation(path))
    .paths();
}
