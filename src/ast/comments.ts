/**
 * Keeping comments when a statement is removed: recast prints `node.comments`, so a removed
 * statement's comments move to a neighbour (leading ones to the next statement, trailing ones to
 * the previous) instead of vanishing with it.
 */

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
