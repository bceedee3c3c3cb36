import type { ImportDeclaration, VariableDeclaration } from 'jscodeshift';
import recast from 'recast';
import { z } from 'zod';
import { atLineEnd, carryComments, commentsInside, pairNodes, removeStatementKeepingComments, type AttachedComment } from '../../src/ast/comments.js';
import { builtinModules } from 'node:module';
import { requiredModule } from '../../src/ast/imports.js';
import { bindingNames, isReassigned, unwrapExpression } from '../../src/ast/scope.js';
import { defineTransform, type ProjectView, type Sites } from '../../src/transform.js';
import { importClosure, moduleSpecifiers, resolveModule } from '../../src/ast/module-resolve.js';
import { canHost, importGroupKey, isSameSpecifier, specifierBinding } from './specifiers.js';
import { loadsSomeModuleTwiceInOneBlock } from './blocks.js';

export default defineTransform({
  id: 'dedupe-imports',
  title: 'Merge repeated imports of the same module',
  description:
    'Imports of one module that are repeated are merged into one declaration, and exact duplicates are removed. ' +
    'Identical `require` declarations repeated in the same scope are removed, and `const { a } = require(\'m\')` followed by `const { b } = require(\'m\')` becomes one destructuring. Which names are bound never changes.',
  seed: { review: '003', finding: 'Duplicate Import Statements in OpenAI Integration Service' },
  skipReasons: {
    'conflicting-binding': 'one name is bound to different imports of this module; merging cannot keep both',
    'second-default': 'a second default import under another name; one declaration cannot hold two defaults',
    'type-default-and-named':
      'TypeScript rejects `import type A, { B }`; the default and the named type imports stay apart',
    'require-reassigned': 'the variable is reassigned between the two requires; removing one would change its value',
    'comment-would-be-lost':
      'a comment inside the declaration to remove cannot move to the kept one unchanged: two `//` comments for its one line, a line that already ends with a comment, or no place like its own; move it out of the declaration first',
    'code-between':
      'other code runs between the two `const { … } = require(…)` (a statement executes, a package loads, or a project module that loads the module or this file, or whose loads harden cannot follow): the second destructuring reads the module\'s exports after it, a merged one would read them before',
    'multi-line-pattern':
      'the destructuring the names would join is written over several lines; harden merges only into one written on one line (move the names by hand)',
    'under-directive':
      'a directive comment would cover other code: a next-line directive (`// eslint-disable-next-line`, `// @ts-expect-error`, `// @ts-ignore`) above the import to remove or the one that would take its names, or a directive written inside or at the end of the import to remove',
  },
  needs: ['import', 'require('],
  // (a module named twice, then named twice in one block: what dedupeRequires and mergeImports compare)
  prefilter: (source) => importsSomeModuleTwice(source) && (loadsSomeModuleTwiceInOneBlock(source) ?? true),
  scope: 'file',
  risk: 'low',
  // a repeated import is a repeated import wherever it stands; only generated files are left to their generator
  roles: ['source', 'test', 'config', 'script', 'front-end'],
  options: z.object({
    commonjs: z
      .boolean()
      .default(true)
      .describe('Also remove identical repeated `require` declarations and merge `const` destructurings of one `require`d module.'),
  }),
  apply({ j, root, sites, options, file, project }) {
    const program = root.get().node.program as { body: any[] };
    const text = fileText(file.source, root.get().node.tokens ?? []);
    mergeImports(program.body, sites, text);
    if (options.commonjs) {
      const loads = loadsWithout(project, file.path);
      root.find(j.Program).forEach((path) => dedupeRequires(j, path.node.body as any[], root, sites, text, file.source, loads));
      // blocks with two requires at least (a NodePath for those only)
      const twoRequires = (node: any) => (node.body as any[]).filter((statement) => requiredBy(statement) !== undefined).length >= 2;
      root.find(j.BlockStatement, twoRequires).forEach((path) => dedupeRequires(j, path.node.body as any[], root, sites, text, file.source, loads));
    }
  },
});

type SiteApi = Sites<string>;

/**
 * What the decisions read from the text. By line and column, never by offset: recast parses the
 * text with its line ends made `\n`, so the offsets of a CRLF file's nodes are not offsets of its text.
 */
interface FileText {
  /** The line above `node` is a next-line directive comment (lint or type-check suppression). */
  underDirective(node: any): boolean;
  /** A comment follows `node` on its last line (other than in `except`). */
  commentAfter(node: any, except: any): boolean;
  /** A comment is written inside `node` (or, unless `inside`, after it on its last line). */
  commentIn(node: any, inside?: boolean): boolean;
}

function fileText(source: string, tokens: any[]): FileText {
  const lines = source.split(/\r\n|\r|\n/);
  const comments = tokens.filter((token) => token.type === 'CommentLine' || token.type === 'CommentBlock');
  const inside = (comment: any, node: any) => typeof node?.start === 'number' && comment.start >= node.start && comment.end <= node.end;
  return {
    underDirective(node) {
      const line: number | undefined = node?.loc?.start.line;
      return line !== undefined && line > 1 && NEXT_LINE_DIRECTIVE.test(lines[line - 2] ?? '');
    },
    commentAfter(node, except) {
      const end = node?.loc?.end;
      return end !== undefined && comments.some((c) => c.loc.start.line === end.line && c.loc.start.column >= end.column && !inside(c, except));
    },
    commentIn(node, insideOnly = false) {
      const { start, end } = node?.loc ?? {};
      if (!start || !end) return false;
      const at = (line: number, column: number) => line * 1e6 + column;
      return comments.some(
        (c) => at(c.loc.start.line, c.loc.start.column) >= at(start.line, start.column) && (at(c.loc.end.line, c.loc.end.column) <= at(end.line, end.column) || (!insideOnly && c.loc.start.line === end.line)),
      );
    },
  };
}

const NEXT_LINE_DIRECTIVE = /(\/\/|\/\*)\s*([\w-]*disable-next-line|@ts-expect-error|@ts-ignore|[\w-]+-ignore-next-line)\b/;

/** A comment that tells a tool about a line (the next one, or its own): moving it changes what it covers. */
const DIRECTIVE = /disable-(?:next-)?line\b|@ts-(?:expect-error|ignore)\b|\b[\w-]+-ignore\b|\bignore\s+next\b/;

interface Move {
  comment: AttachedComment;
  to: any;
  /** Where the comment is now, when it must leave (a name that moves into a one-line import takes its other comments along). */
  from?: { holder: any; comment: AttachedComment };
}
type CommentPlan = { moves: Move[] } | { refused: 'comment-would-be-lost' | 'under-directive' };

/**
 * Where the comments written inside a declaration to remove go: each to the node of the kept
 * declaration that stands where its own node stood (`twins`), on the same side — next to the same
 * name, the same module string, inside the same `require( … )`; comments on names that move into
 * the kept declaration (`moving`) go with them. A `//` comment ends its line, so inside a kept
 * declaration written on one line it goes to the end of that line instead (`… from './m'; // note`).
 * Refused: a directive comment (`// eslint-disable-line`, `// @ts-ignore`, …), which would cover
 * another line; a comment whose node has no twin; two `//` comments, or one where the kept line
 * already ends with a comment (they would run together).
 */
function planComments(removed: any, kept: any, text: FileText, twins: Map<any, any>, moving: ReadonlySet<any> = new Set()): CommentPlan {
  // its own comments move to its neighbours (removeStatementKeepingComments): a directive on one of its lines would cover another
  const lines = [removed.loc?.start.line, removed.loc?.end.line];
  const onItsLines = (comment: any) => comment.loc && comment.loc.start.line <= lines[1] && comment.loc.end.line >= lines[0];
  if (((removed.comments ?? []) as AttachedComment[]).some((comment) => DIRECTIVE.test(comment.value) && onItsLines(comment))) {
    return { refused: 'under-directive' };
  }
  const oneLine = kept.loc?.start.line === kept.loc?.end.line;
  const moves: Move[] = [];
  for (const { node, comment } of commentsInside(removed, moving)) {
    if (DIRECTIVE.test(comment.value)) return { refused: 'under-directive' };
    const to = twins.get(node);
    if (!to || (!comment.leading && !comment.trailing)) return { refused: 'comment-would-be-lost' };
    moves.push(oneLine && comment.type === 'CommentLine' ? { comment: atLineEnd(comment), to: kept } : { comment, to });
  }
  if (oneLine) {
    for (const node of moving) {
      for (const { node: holder, comment } of commentsInside({ type: 'Holder', node } as any)) {
        if (comment.type !== 'CommentLine') continue;
        if (DIRECTIVE.test(comment.value)) return { refused: 'under-directive' };
        moves.push({ comment: atLineEnd(comment), to: kept, from: { holder, comment } });
      }
    }
    const atEnd = moves.filter((move) => move.to === kept).length;
    if (atEnd > 1 || (atEnd === 1 && text.commentAfter(kept, removed))) return { refused: 'comment-would-be-lost' };
  }
  return { moves };
}

/** Carries out a plan: each comment leaves the node it was on for its new place. */
function moveComments(plan: { moves: Move[] }): void {
  for (const { from } of plan.moves) if (from) from.holder.comments = (from.holder.comments ?? []).filter((c: AttachedComment) => c !== from.comment);
  carryComments(plan.moves);
}

/** The nodes of an import to remove paired with the kept one's: the module string, and each name both import. */
function importTwins(declaration: ImportDeclaration, host: ImportDeclaration): { twins: Map<any, any>; moving: Set<any> } {
  const twins = new Map<any, any>();
  const moving = new Set<any>();
  pairNodes(declaration.source as any, host.source as any, twins);
  for (const specifier of declaration.specifiers ?? []) {
    const existing = (host.specifiers ?? []).find((candidate) => isSameSpecifier(candidate, specifier));
    if (existing) pairNodes(specifier as any, existing as any, twins);
    else moving.add(specifier);
  }
  return { twins, moving };
}

function mergeImports(body: any[], sites: SiteApi, text: FileText): void {
  const groups = new Map<string, ImportDeclaration[]>();
  for (const statement of body) {
    if (statement.type !== 'ImportDeclaration') continue;
    const key = importGroupKey(statement);
    groups.set(key, [...(groups.get(key) ?? []), statement]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    if (hasConflictingBindings(group)) {
      for (const declaration of group.slice(1)) sites.skipped(declaration, 'conflicting-binding');
      continue;
    }
    const hosts: ImportDeclaration[] = [];
    for (const declaration of group) {
      const host = hosts.find((candidate) => canHost(candidate, declaration).ok);
      if (!host) {
        const refusal = hosts.map((candidate) => canHost(candidate, declaration)).find((r) => !r.ok && r.reason);
        if (refusal && !refusal.ok && refusal.reason) sites.skipped(declaration, refusal.reason);
        hosts.push(declaration);
        continue;
      }
      const module = String(declaration.source.value);
      const line = host.loc?.start.line;
      const adds = (declaration.specifiers ?? []).some(
        (specifier) => !(host.specifiers ?? []).some((existing) => isSameSpecifier(existing, specifier)),
      );
      if (text.underDirective(declaration) || (adds && text.underDirective(host))) {
        sites.skipped(declaration, 'under-directive');
        hosts.push(declaration);
        continue;
      }
      const { twins, moving } = importTwins(declaration, host);
      const plan = planComments(declaration, host, text, twins, moving);
      if ('refused' in plan) {
        sites.skipped(declaration, plan.refused);
        hosts.push(declaration);
        continue;
      }
      const message = adds
        ? `merged repeated import of '${module}' into the one on line ${line}`
        : `removed duplicate import of '${module}' (already imported on line ${line})`;
      if (!sites.changed(declaration, message)) {
        hosts.push(declaration);
        continue;
      }
      for (const specifier of declaration.specifiers ?? []) {
        const present = (host.specifiers ?? []).some((existing) => isSameSpecifier(existing, specifier));
        if (present) continue;
        if (specifier.type === 'ImportDefaultSpecifier') host.specifiers = [specifier, ...(host.specifiers ?? [])];
        else host.specifiers = [...(host.specifiers ?? []), specifier];
      }
      moveComments(plan);
      removeStatementKeepingComments(body, body.indexOf(declaration));
    }
  }
}

/** True when one local name is bound to two different imports of the group's module. */
function hasConflictingBindings(group: readonly ImportDeclaration[]): boolean {
  const bound = new Map<string, string>();
  for (const declaration of group) {
    for (const specifier of declaration.specifiers ?? []) {
      const { local, imported } = specifierBinding(specifier);
      const known = bound.get(local);
      if (known !== undefined && known !== imported) return true;
      bound.set(local, imported);
    }
  }
  return false;
}

/** `const x = require('m')` and its identical repeats in one statement list. */
function dedupeRequires(
  j: any,
  body: any[],
  root: any,
  sites: SiteApi,
  text: FileText,
  source: string,
  loads: LoadsWithout,
): void {
  const seen = new Map<string, VariableDeclaration>();
  const destructured = new Map<string, VariableDeclaration>();
  for (const statement of [...body]) {
    const key = requireKey(statement);
    if (!key) continue;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, statement);
      const module = simpleDestructuring(statement);
      if (module === undefined) continue;
      const kept = destructured.get(module);
      if (!kept) destructured.set(module, statement);
      else mergeDestructuring(j, body, kept, statement, module, sites, text, source, loads);
      continue;
    }
    const names = bindingNames(statement.declarations[0].id);
    if (statement.kind === 'var' && names.some((name) => isReassigned(j, root, name, statement))) {
      sites.skipped(statement, 'require-reassigned');
      continue;
    }
    if (text.underDirective(statement)) {
      sites.skipped(statement, 'under-directive');
      continue;
    }
    const twins = new Map<any, any>();
    pairNodes(statement, first, twins);
    const plan = planComments(statement, first, text, twins);
    if ('refused' in plan) {
      sites.skipped(statement, plan.refused);
      continue;
    }
    const module = statement.declarations[0].init.arguments[0].value;
    if (!sites.changed(statement, `removed repeated require of '${module}' (first on line ${first.loc?.start.line})`)) continue;
    moveComments(plan);
    removeStatementKeepingComments(body, body.indexOf(statement));
  }
}

/**
 * `const { a, b: c } = require('m')` (plain names, no defaults, rest or computed keys, no type
 * annotation): its module, else undefined.
 */
function simpleDestructuring(statement: any): string | undefined {
  const [declarator] = statement.declarations;
  const pattern = declarator.id;
  if (statement.kind !== 'const' || pattern.type !== 'ObjectPattern' || pattern.typeAnnotation) return undefined;
  const simple = pattern.properties.every(
    (p: any) => (p.type === 'ObjectProperty' || p.type === 'Property') && !p.computed && ['Identifier', 'StringLiteral'].includes(p.key.type) && p.value.type === 'Identifier',
  );
  return simple ? requiredBy(statement) : undefined;
}

/** A destructured property as code: `a`, `a: b`, `'a-b': c`. */
function propertyText(property: any): string {
  const key = property.key.type === 'Identifier' ? property.key.name : `'${String(property.key.value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return property.key.type === 'Identifier' && property.key.name === property.value.name ? key : `${key}: ${property.value.name}`;
}

/** Whether loading `specifier` (from the file) provably leaves the exports of the project module `module` alone. */
type LoadsWithout = (specifier: string, module: string) => boolean;

/**
 * A project module loaded between two destructurings of the project module `module` cannot change
 * its exports when nothing it loads, itself included, is `module` or the file being rewritten (a
 * cycle), every file of that closure parses and requires only string literals, and every relative
 * specifier in it resolves. Packages are not followed: they do not require a project's own files.
 * A package between two destructurings of a package may extend it (plugins): never proven.
 */
function loadsWithout(project: ProjectView, filePath: string): LoadsWithout {
  return (specifier, module) => {
    if (!specifier.startsWith('.') || !module.startsWith('.')) return false;
    const target = project.resolveImport(filePath, module);
    const loaded = project.resolveImport(filePath, specifier);
    if (!target || !loaded) return false;
    const closure = new Set([loaded, ...importClosure(project, loaded)]);
    if (closure.has(target) || closure.has(filePath)) return false;
    for (const path of closure) {
      const text = project.readFile(path);
      if (text === undefined || !project.parse(path)) return false;
      // a require or import() of a computed path could be the module
      if (/\b(?:require|import)\s*\(\s*(?:[^'"`\s)]|`[^`]*\$\{)/.test(text)) return false;
      // the closure follows relative specifiers only: one that leads nowhere, or an alias to a project file, could be the module
      for (const named of moduleSpecifiers(text)) {
        if (named.startsWith('.') ? !project.resolveImport(path, named) : resolveModule(project, path, named) !== undefined) return false;
      }
    }
    return true;
  };
}

/** Node's own modules: loading one runs no project code and changes no other module's exports. */
const BUILTIN = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Moves the names of `second` (`const { b } = require('m')`) into `first` (`const { a } = require('m')` above it). */
function mergeDestructuring(j: any, body: any[], first: any, second: any, module: string, sites: SiteApi, text: FileText, source: string, loads: LoadsWithout): void {
  // the second reads the exports where it stands: what loads in between must not be able to reach them
  const between = body.slice(body.indexOf(first) + 1, body.indexOf(second));
  const runs = between.find((statement) => {
    const required = statement.type === 'VariableDeclaration' && statement.declarations.length === 1 ? requiredModule(unwrapExpression(statement.declarations[0].init)) : undefined;
    return required === undefined || !(BUILTIN.has(required) || loads(required, module));
  });
  if (runs) return sites.skipped(second, 'code-between', `line ${runs.loc?.start.line ?? '?'}`);
  const kept = first.declarations[0].id.properties as any[];
  const keyOf = (p: any) => String(p.key.name ?? p.key.value);
  const moving: any[] = [];
  for (const property of second.declarations[0].id.properties as any[]) {
    const same = kept.find((k) => k.value.name === property.value.name);
    if (!same) moving.push(property);
    else if (keyOf(same) !== keyOf(property)) return sites.skipped(second, 'conflicting-binding', property.value.name);
  }
  if (text.underDirective(second) || text.underDirective(first)) return sites.skipped(second, 'under-directive');
  // the kept pattern is written anew: no comment may be inside it, nor anywhere in the one that goes
  if (text.commentIn(second) || text.commentIn(first.declarations[0].id, true)) return sites.skipped(second, 'comment-would-be-lost');
  // the kept pattern is written anew, on one line with the file's brace spacing (recast would print
  // a new one a name per line); one written over several lines is left to the author
  const pattern = first.declarations[0].id;
  if (!pattern.loc || pattern.loc.start.line !== pattern.loc.end.line) return sites.skipped(second, 'multi-line-pattern', `line ${first.loc?.start.line ?? '?'}`);
  if (!sites.changed(second, `merged into the destructuring of require('${module}') on line ${first.loc?.start.line}`)) return;
  const written: string = pattern.loc.lines ? pattern.loc.lines.slice(pattern.loc.start, pattern.loc.end).toString() : source.slice(pattern.start, pattern.end);
  const names = [...kept, ...moving].map(propertyText).join(', ');
  const code = /^\{\s/.test(written) ? `{ ${names} }` : `{${names}}`;
  first.declarations[0].id = j(`const ${code} = x;`).get().node.program.body[0].declarations[0].id;
  removeStatementKeepingComments(body, body.indexOf(second));
}

/** The module of `const … = require('m')` (one declarator, the call itself as its value), else undefined. */
function requiredBy(statement: any): string | undefined {
  if (statement?.type !== 'VariableDeclaration' || statement.declarations.length !== 1) return undefined;
  return requiredModule(statement.declarations[0].init);
}

function requireKey(statement: any): string | undefined {
  const module = requiredBy(statement);
  if (module === undefined) return undefined;
  return `${statement.kind} ${recast.prettyPrint(statement.declarations[0].id).code} = require(${JSON.stringify(module)})`;
}

/**
 * True when some module specifier follows `from`, `import` or `require(` twice: a file without
 * that cannot hold a repeated import. Comments between the keyword and the string are allowed.
 */
export function importsSomeModuleTwice(source: string): boolean {
  const seen = new Set<string>();
  for (const specifier of moduleSpecifiers(source)) {
    if (seen.has(specifier)) return true;
    seen.add(specifier);
  }
  return false;
}
