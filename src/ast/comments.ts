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

/** A comment that applies to the line below it: above a new statement, it would apply there instead. */
const NEXT_LINE_DIRECTIVE =
  /^\s*(?:@ts-(?:expect-error|ignore)\b|eslint-disable-next-line\b|tslint:disable-next-line\b|istanbul\s+ignore\b|[cv]8\s+ignore\b|prettier-ignore\b|biome-ignore\b|deno-lint-ignore\b|jscs:|NOSONAR\b|noinspection\b|@vite-ignore\b|webpack[A-Z])/;
/** TypeScript's directives apply to the next line of code, past blank lines and other comments. */
const TS_DIRECTIVE = /^\s*@ts-(?:expect-error|ignore)\b/;
/** Tags that describe the whole file, not the statement below them. */
const FILE_TAG = /@(?:license|preserve|file|fileoverview|overview|module|copyright|author|flow|noflow|format|jsx\w*|generated|ts-nocheck|ts-check)\b/;
/** Pragmas that only work in the comments heading the file. */
const FILE_PRAGMA = /^\s*(?:@ts-(?:nocheck|check)\b|@flow\b|@noflow\b|eslint-disable\s|eslint-disable$|eslint-env\b|global\s|globals\s|jshint\s|@jsx)/;

/**
 * A comment that only works at the top of the file: a `///` line (a `/// <reference …/>`, or the
 * shebang, read as a comment while recast holds the text), a pragma, a block with a file tag
 * (`@license`, a Flow docblock).
 */
function isFilePragma(comment: AttachedComment): boolean {
  if (comment.type === 'CommentLine' && comment.value.startsWith('/')) return true;
  return FILE_PRAGMA.test(comment.value) || (comment.type === 'CommentBlock' && FILE_TAG.test(comment.value));
}

function bindsNextStatement(comment: AttachedComment): boolean {
  if (isFilePragma(comment)) return false;
  if (NEXT_LINE_DIRECTIVE.test(comment.value)) return true;
  // a JSDoc block with a tag starting one of its lines (`@type`, `@param`, `@satisfies`): it types
  // the statement (an address in a licence, `<jane@example.com>`, is no tag)
  return comment.type === 'CommentBlock' && comment.value.startsWith('*') && /(?:^|\n)\s*\*?\s*@[a-z]/i.test(comment.value);
}

/**
 * The leading comments of a file's first statement that head the file (a licence, a description,
 * file-wide pragmas such as `// @ts-nocheck`, `/// <reference …/>`, a shebang), to keep on top when
 * a new statement is put first. The comments written right above the statement (no blank line
 * between) stay with it when one of them belongs to that statement alone — a `// @ts-expect-error`,
 * `// eslint-disable-next-line`, `/* istanbul ignore next *\/` or JSDoc `@type` moved above a new
 * statement would apply to the new statement, and the user's would lose it (a TypeScript build can
 * then fail) — and so do all from the first TypeScript directive on (it reaches past blank lines).
 * File pragmas among them still go on top.
 */
export function headingComments(statement: Node & { loc?: { start: { line: number } } | null }): AttachedComment[] {
  const leading = ((statement.comments ?? []) as Array<AttachedComment & { loc?: { start: { line: number }; end: { line: number } } }>).filter(
    (comment) => comment.leading,
  );
  let start = leading.length;
  let line = statement.loc?.start.line;
  while (start > 0 && line !== undefined) {
    const comment = leading[start - 1]!;
    if (!comment.loc || comment.loc.end.line < line - 1) break;
    line = comment.loc.start.line;
    start -= 1;
  }
  const directive = leading.findIndex((comment) => TS_DIRECTIVE.test(comment.value));
  if (directive !== -1 && directive < start) start = directive;
  if (!leading.slice(start).some(bindsNextStatement)) return leading;
  return leading.filter((comment, index) => index < start || isFilePragma(comment));
}

/**
 * Where a `//` comment (or a `#!` line) starting at `index` ends: at the next line terminator
 * JavaScript knows (`\n`, `\r`, U+2028, U+2029), or the end of the text. For text scans that skip
 * comments without a parse.
 */
export function lineCommentEnd(text: string, index: number): number {
  const end = text.slice(index).search(/[\r\n\u2028\u2029]/);
  return end < 0 ? text.length : index + end;
}

/**
 * Whether `pattern` (a global regular expression) matches somewhere in `text` that may be code:
 * for prefilters looking for a word only code makes relevant. A match is passed over only when
 * its line starts (after blanks) with `//` and nothing from there to the end of the match could
 * end a comment, a string, a template's or JSX text and go back to code (a quote, a backtick, a
 * brace, `<`, the end of a block comment, a line terminator): wherever such a line stands (code, a block comment, a
 * template's text, a string continued over lines, JSX text), the match is not code.
 */
export function matchesOutsideLineComments(text: string, pattern: RegExp): boolean {
  if (!pattern.global) throw new Error('matchesOutsideLineComments needs a global pattern');
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (!inLineComment(text, match.index, match.index + match[0].length)) {
      pattern.lastIndex = 0;
      return true;
    }
    if (match[0].length === 0) pattern.lastIndex += 1;
  }
  return false;
}

/** The text from `start` to `end` is on a line that starts with `//`, with nothing between that could leave the comment (see above). */
function inLineComment(text: string, start: number, end: number): boolean {
  const afterLf = start === 0 ? 0 : text.lastIndexOf('\n', start - 1) + 1;
  const cr = text.slice(afterLf, start).lastIndexOf('\r');
  let at = cr === -1 ? afterLf : afterLf + cr + 1;
  while (text[at] === ' ' || text[at] === '\t') at += 1;
  if (!text.startsWith('//', at) || at + 2 > start) return false;
  return !/[`'"{}<\r\n\u2028\u2029]|\*\//.test(text.slice(at + 2, end));
}
