/**
 * What an expression or a key says literally: the text of a string literal, the dotted text of a
 * member chain, the name of an object key, the name of a type reference.
 */
import { unwrapExpression } from './scope.js';

/** The text of a string literal or of a template literal without expressions, else undefined. */
export function literalText(node: any): string | undefined {
  const value = unwrapExpression(node);
  if (value?.type === 'StringLiteral' || (value?.type === 'Literal' && typeof value.value === 'string')) return value.value;
  if (value?.type === 'TemplateLiteral' && value.expressions.length === 0) return value.quasis.map((q: any) => q.value.cooked ?? q.value.raw).join('');
  return undefined;
}

/** `this.a.b` -> 'this.a.b', `x` -> 'x'; undefined for computed members and other expressions. */
export function memberText(node: any): string | undefined {
  if (node?.type === 'Identifier') return node.name;
  if (node?.type === 'ThisExpression') return 'this';
  if (node?.type === 'MemberExpression' && !node.computed) {
    const object = memberText(node.object);
    return object ? `${object}.${node.property.name}` : undefined;
  }
  return undefined;
}

/** The key of a property or method (`a`, `'a'`), undefined when computed. */
export function keyName(node: any): string | undefined {
  if (!node || node.computed) return undefined;
  return node.key?.name ?? (typeof node.key?.value === 'string' ? node.key.value : undefined);
}

/** `Request`, `express.Request`: the name of a type reference's type ('' for anything else). */
export function typeName(node: any): string {
  if (!node) return '';
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'TSQualifiedName') return `${typeName(node.left)}.${node.right.name}`;
  if (node.type === 'TSTypeReference') return typeName(node.typeName);
  return '';
}
