/**
 * Small text helpers for emission: edits by offset, line ranges, `this.x` rewrites inside a
 * node, the style (quotes, semicolons, indent) of the original file.
 */
import { posix } from 'node:path';
import type { ClassDeclaration } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits (any order) to `text`, whose first character is at `offset`. */
export function applyEdits(text: string, edits: readonly Edit[], offset = 0): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, edit.start - offset) + edit.text + out.slice(edit.end - offset);
  }
  return out;
}

export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The offset after the newline ending the line that holds `pos`. */
export function lineEnd(text: string, pos: number): number {
  const index = text.indexOf('\n', pos);
  return index === -1 ? text.length : index + 1;
}

/**
 * Where a member's text starts: its JSDoc and the comments directly above it (no blank line
 * between) included; a section comment set apart by a blank line stays where it is.
 */
export function docStart(node: Node): number {
  const docs = Node.isJSDocable(node) ? node.getJsDocs() : [];
  let start = docs.length ? docs[0]!.getStart() : node.getStart();
  const text = node.getSourceFile().getFullText();
  for (const comment of [...node.getLeadingCommentRanges()].reverse()) {
    if (comment.getPos() >= start) continue;
    const between = text.slice(comment.getEnd(), start);
    if (!/^[ \t]*\n?[ \t]*$/.test(between)) break;
    start = comment.getPos();
  }
  return start;
}

/** The lines of a member, JSDoc included, as [start of first line, after last newline). */
export function memberLines(node: Node): [number, number] {
  const text = node.getSourceFile().getFullText();
  return [lineStart(text, docStart(node)), lineEnd(text, node.getEnd())];
}

/** `this.<name>` accesses inside `node` whose `this` is the class instance. */
export function thisAccesses(node: Node, cls: ClassDeclaration): { name: string; thisNode: Node; access: Node }[] {
  const found: { name: string; thisNode: Node; access: Node }[] = [];
  const visit = (current: Node, inOwnFunction: boolean) => {
    for (const child of current.getChildren()) {
      if (Node.isFunctionDeclaration(child) || Node.isFunctionExpression(child) || Node.isClassDeclaration(child) || Node.isClassExpression(child)) {
        if (child !== cls) continue;
      }
      if (child.getKind() === SyntaxKind.ThisKeyword && !inOwnFunction) {
        const parent = child.getParent();
        if (Node.isPropertyAccessExpression(parent) && parent.getExpression() === child) {
          found.push({ name: parent.getName(), thisNode: child, access: parent });
        }
      }
      visit(child, inOwnFunction);
    }
  };
  visit(node, false);
  return found;
}

export interface Style {
  quote: string;
  semi: string;
  indent: string;
  jsExtensions: boolean;
}

export function detectStyle(text: string, cls: ClassDeclaration): Style {
  const specifier = /(?:from\s+|require\()(['"])/.exec(text);
  const firstImport = /^(import .*|const .*require\(.*\).*)$/m.exec(text)?.[1] ?? ';';
  const member = cls.getMembers()[0];
  const memberText = cls.getSourceFile().getFullText();
  const indent = member ? memberText.slice(lineStart(memberText, member.getStart()), member.getStart()) : '  ';
  const relative = [...text.matchAll(/(?:from\s+|require\()['"](\.[^'"]*)['"]/g)].map((m) => m[1]!);
  return {
    quote: specifier?.[1] ?? "'",
    semi: firstImport.trimEnd().endsWith(';') ? ';' : '',
    indent: /^[ \t]+$/.test(indent) ? indent : '  ',
    jsExtensions: relative.length > 0 && relative.every((s) => /\.(c|m)?js$/.test(s)),
  };
}

/** A relative module specifier from a file in `fromDir` to the file at `target` (both root-relative). */
export function specifierTo(fromDir: string, target: string, jsExtensions: boolean): string {
  let rel = posix.relative(fromDir, target).replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  if (!jsExtensions) return rel;
  return rel + (/\.(mts|mjs)$/.test(target) ? '.mjs' : /\.(cts|cjs)$/.test(target) ? '.cjs' : '.js');
}

/** Re-points a relative specifier written in `fromFile` so it works from `toDir`. */
export function repoint(specifier: string, fromFile: string, toDir: string): string {
  if (!specifier.startsWith('.')) return specifier;
  let rel = posix.relative(toDir, posix.join(posix.dirname(fromFile), specifier));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** Collapses runs of blank lines and drops blank lines right after `{` / before `}` of a class body. */
export function tidyClassBody(text: string): string {
  return text
    .replace(/\n(?:[ \t]*\n){2,}/g, '\n\n')
    .replace(/\{\n(?:[ \t]*\n)+/, '{\n')
    .replace(/\n(?:[ \t]*\n)+(\}\s*)$/, '\n$1');
}

export function kebab(words: string[]): string {
  return words.join('-');
}

export function pascal(words: string[]): string {
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

export function camel(words: string[]): string {
  const p = pascal(words);
  return p.charAt(0).toLowerCase() + p.slice(1);
}
