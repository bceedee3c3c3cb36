/**
 * Keeping comments when a statement is removed: recast prints `node.comments`, so a removed
 * statement's comments move to a neighbour (leading ones to the next statement, trailing ones to
 * the previous) instead of vanishing with it.
 */
import { fromString } from 'recast/lib/lines.js';

interface Commented {
  comments?: Array<{ leading?: boolean; trailing?: boolean }> | null;
}

/** Removes `body[index]`, handing its comments to its neighbours. */
export function removeStatementKeepingComments(body: Commented[], index: number): void {
  const [removed] = body.splice(index, 1);
  const comments = removed?.comments ?? [];
  if (comments.length === 0) return;
  const next = body[index];
  const previous = body[index - 1];
  for (const comment of comments) {
    const target = (comment.trailing && previous) || next || previous;
    if (!target) continue;
    const moved = { ...comment, leading: target === next, trailing: target !== next };
    target.comments = target === next ? [moved, ...(target.comments ?? [])] : [...(target.comments ?? []), moved];
  }
}

interface Node extends Commented {
  type?: string;
}

/** A comment as recast holds it on a node. */
export interface AttachedComment {
  type?: string;
  value: string;
  leading?: boolean;
  trailing?: boolean;
}

const NOT_CHILDREN = new Set(['loc', 'start', 'end', 'range', 'extra', 'tokens', 'comments', 'original', 'leadingComments', 'trailingComments', 'innerComments']);

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

/**
 * Pairs every node of `from` with the node at the same place in `to` (same key, same index, same
 * type), for two pieces of code written alike: `pairs` maps each node of `from` to its twin.
 */
export function pairNodes(from: Node, to: Node, pairs: Map<Node, Node>): void {
  pairs.set(from, to);
  for (const key of Object.keys(from)) {
    if (NOT_CHILDREN.has(key)) continue;
    const a = (from as Record<string, unknown>)[key];
    const b = (to as Record<string, unknown>)[key];
    if (Array.isArray(a) && Array.isArray(b)) {
      a.forEach((child, index) => {
        if (isNode(child) && isNode(b[index]) && child.type === b[index].type) pairNodes(child, b[index], pairs);
      });
    } else if (isNode(a) && isNode(b) && a.type === b.type) pairNodes(a, b, pairs);
  }
}

/**
 * The comments written inside `removed` (not its own leading and trailing ones), each with the
 * node it is attached to. Nodes in `skip` (and what they hold) are left out: they move whole.
 */
export function commentsInside(removed: Node, skip: ReadonlySet<Node> = new Set()): Array<{ node: Node; comment: AttachedComment }> {
  const found: Array<{ node: Node; comment: AttachedComment }> = [];
  const visit = (node: Node) => {
    if (skip.has(node)) return;
    if (node !== removed) for (const comment of (node.comments ?? []) as AttachedComment[]) found.push({ node, comment });
    for (const key of Object.keys(node)) {
      if (NOT_CHILDREN.has(key)) continue;
      const value = (node as Record<string, unknown>)[key];
      if (Array.isArray(value)) value.forEach((child) => isNode(child) && visit(child));
      else if (isNode(value)) visit(value);
    }
  };
  visit(removed);
  return found;
}

/**
 * Hands each comment to the node of the kept code that stands where its node stood, on the same
 * side (a comment before the removed duplicate's module string goes before the kept one's).
 */
export function carryComments(moves: ReadonlyArray<{ comment: AttachedComment; to: Node }>): void {
  for (const { comment, to } of moves) {
    const moved = { ...comment };
    to.comments = moved.leading ? [...(to.comments ?? []).filter((c: any) => c.leading), moved, ...(to.comments ?? []).filter((c: any) => !c.leading)] : [...(to.comments ?? []), moved];
  }
}

/**
 * The comment as a trailing comment printed one space after its node (`…; // note`): recast
 * copies the whitespace a trailing comment had before it in the original text (a line break, or
 * nothing in `{//y`), which is wrong once it has moved.
 */
export function atLineEnd(comment: AttachedComment): AttachedComment {
  const text = comment.type === 'CommentLine' ? `//${comment.value}` : `/*${comment.value}*/`;
  const lines = fromString(` ${text}`);
  return { ...comment, leading: false, trailing: true, loc: { lines, start: { line: 1, column: 1 }, end: { line: 1, column: 1 + text.length } } } as AttachedComment;
}
