/**
 * Reads of the environment: `process.env.X`, `process.env['X']`, with `process` the global. Used by
 * secret-fallbacks (literal fallbacks of secrets) and env-schema (the names a server reads).
 */
import { resolveBinding, unwrapExpression } from './scope.js';

/** `process.env.X` / `process.env['X']` (with `process` the global): X, else undefined. */
export function envName(path: any, node: any): string | undefined {
  const read = unwrapExpression(node);
  if (read?.type !== 'MemberExpression' && read?.type !== 'OptionalMemberExpression') return undefined;
  if (!isProcessEnv(path, read.object)) return undefined;
  if (!read.computed && read.property.type === 'Identifier') return read.property.name;
  const key = read.property;
  if (read.computed && (key.type === 'StringLiteral' || (key.type === 'Literal' && typeof key.value === 'string'))) return key.value;
  return undefined;
}

/** `process.env`, with `process` the global (not a local or an import named `process`). */
export function isProcessEnv(path: any, node: any): boolean {
  const object = unwrapExpression(node);
  return (
    (object?.type === 'MemberExpression' || object?.type === 'OptionalMemberExpression') &&
    !object.computed &&
    object.object.type === 'Identifier' &&
    object.object.name === 'process' &&
    object.property.type === 'Identifier' &&
    object.property.name === 'env' &&
    resolveBinding(path, 'process') === undefined
  );
}
