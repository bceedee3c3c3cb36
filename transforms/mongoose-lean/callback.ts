/**
 * Callback-style queries (`Model.find(filter, (err, docs) => …)`, Mongoose ≤ 6) have run by the
 * time the call returns, so `.lean()` cannot be appended: lean goes into the options argument.
 */
import { unwrapExpression } from '../../src/ast/scope.js';

/** Index of the options argument per method (filter/id, projection|update, options, callback). */
export const OPTIONS_INDEX: Record<string, number> = {
  find: 2, findOne: 2, findById: 2,
  findOneAndUpdate: 2, findByIdAndUpdate: 2, findOneAndReplace: 2,
  findOneAndDelete: 1, findByIdAndDelete: 1, findOneAndRemove: 1, findByIdAndRemove: 1,
};

/** An edit that adds `lean: true`, 'already' when the options have `lean`, undefined when harden cannot merge. */
export function callbackLean(j: any, path: any, method: string): (() => void) | 'already' | undefined {
  const args = path.node.arguments as any[];
  const before = args.slice(0, -1);
  const index = OPTIONS_INDEX[method];
  if (index === undefined || before.length === 0) return undefined;
  if (before.length > index) {
    const options = unwrapExpression(before[index]);
    if (options?.type !== 'ObjectExpression' || options.properties.some((p: any) => p.type !== 'ObjectProperty' || p.computed)) return undefined;
    if (options.properties.some((p: any) => (p.key.name ?? p.key.value) === 'lean')) return 'already';
    return () => options.properties.push(j.objectProperty(j.identifier('lean'), j.booleanLiteral(true)));
  }
  // pad the projection (find*) with null; an update argument must be there already
  if (before.length < index && index === 2 && !['find', 'findOne', 'findById'].includes(method)) return undefined;
  return () => {
    const fill = [];
    for (let i = before.length; i < index; i += 1) fill.push(j.nullLiteral());
    // parsed from text, so the printer keeps `{ lean: true }` on one line
    const leanOptions = j('f({ lean: true });').get().node.program.body[0].expression.arguments[0];
    args.splice(before.length, 0, ...fill, leanOptions);
  };
}
