import type { ImportDeclaration, VariableDeclaration } from 'jscodeshift';
import recast from 'recast';
import { z } from 'zod';
import { removeStatementKeepingComments } from '../../src/ast/comments.js';
import { bindingNames, isReassigned } from '../../src/ast/scope.js';
import { defineTransform, type Sites } from '../../src/transform.js';
import { canHost, importGroupKey, isSameSpecifier, specifierBinding } from './specifiers.js';

export default defineTransform({
  id: 'dedupe-imports',
  title: 'Merge repeated imports of the same module',
  description:
    'Imports of one module that are repeated are merged into one declaration, and exact duplicates are removed. ' +
    'Identical `require` declarations repeated in the same scope are removed. Which names are bound never changes.',
  seed: { review: '003', finding: 'Duplicate Import Statements in OpenAI Integration Service' },
  skipReasons: {
    'conflicting-binding': 'one name is bound to different imports of this module; merging cannot keep both',
    'second-default': 'a second default import under another name; one declaration cannot hold two defaults',
    'type-default-and-named':
      'TypeScript rejects `import type A, { B }`; the default and the named type imports stay apart',
    'require-reassigned': 'the variable is reassigned between the two requires; removing one would change its value',
    'comment-would-be-lost':
      'a comment inside the declaration to remove (next to `from`, the module string, `require(...)`, or anywhere in a duplicate whose names are all imported already) has nowhere to go; move it out of the declaration first',
    'under-directive':
      'a next-line directive (`// eslint-disable-next-line`, `// @ts-expect-error`, `// @ts-ignore`) covers the import to remove or the one that would take its names; moving names in or out of its line would change what it covers',
  },
  needs: ['import', 'require('],
  prefilter: importsSomeModuleTwice,
  scope: 'file',
  risk: 'low',
  // a repeated import is a repeated import wherever it stands; only generated files are left to their generator
  roles: ['source', 'test', 'config', 'script', 'front-end'],
  options: z.object({
    commonjs: z.boolean().default(true).describe('Also remove identical repeated `require` declarations.'),
  }),
  apply({ j, root, sites, options, file }) {
    const program = root.get().node.program as { body: any[] };
    const directive = (node: any) => underDirective(file.source, node);
    const strandedComment = (node: any, keepsSpecifiers: boolean) => commentWouldBeLost(file.source, node, keepsSpecifiers);
    mergeImports(program.body, sites, directive, strandedComment);
    if (options.commonjs) {
      root.find(j.Program).forEach((path) => dedupeRequires(j, path.node.body as any[], root, sites, directive, strandedComment));
      root.find(j.BlockStatement).forEach((path) => dedupeRequires(j, path.node.body as any[], root, sites, directive, strandedComment));
    }
  },
});

type SiteApi = Sites<string>;

/** The line above `node` is a next-line directive comment (lint or type-check suppression). */
function underDirective(source: string, node: any): boolean {
  const start = typeof node?.start === 'number' ? node.start : undefined;
  if (start === undefined) return false;
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const previousStart = source.lastIndexOf('\n', lineStart - 2) + 1;
  const previous = lineStart === 0 ? '' : source.slice(previousStart, lineStart);
  return /(\/\/|\/\*)\s*(eslint-disable-next-line|@ts-expect-error|@ts-ignore)\b/.test(previous);
}

/**
 * Whether removing `node` would drop a comment written inside it. A removed declaration's leading
 * and trailing comments move to its neighbours, and comments among the specifiers of a merge move
 * with the specifiers; but a comment outside the braces (`from /* c *\/ './foo'`, in `require( … )`)
 * — or any comment of a duplicate whose names are all imported already (nothing of it moves) —
 * would vanish. Read from the text, so both passes decide alike.
 */
function commentWouldBeLost(source: string, node: any, keepsSpecifiers: boolean): boolean {
  if (typeof node?.start !== 'number' || typeof node?.end !== 'number') return false;
  const text = source.slice(node.start, node.end);
  const open = keepsSpecifiers ? text.indexOf('{') : -1;
  const close = keepsSpecifiers ? text.lastIndexOf('}') : -1;
  for (const comment of commentsIn(text)) {
    if (open !== -1 && close !== -1 && comment > open && comment < close) continue;
    return true;
  }
  return false;
}

/** Offsets of the comments in a piece of code (strings skipped). */
function commentsIn(text: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i += 1; i < text.length && text[i] !== c; i += 1) if (text[i] === '\\') i += 1;
    } else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      found.push(i);
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2) + 1;
      i = end <= 0 ? text.length : end;
    }
  }
  return found;
}

function mergeImports(body: any[], sites: SiteApi, directive: (node: any) => boolean, stranded: (node: any, keepsSpecifiers: boolean) => boolean): void {
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
      if (directive(declaration) || (adds && directive(host))) {
        sites.skipped(declaration, 'under-directive');
        hosts.push(declaration);
        continue;
      }
      if (stranded(declaration, adds)) {
        sites.skipped(declaration, 'comment-would-be-lost');
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
  directive: (node: any) => boolean,
  stranded: (node: any, keepsSpecifiers: boolean) => boolean,
): void {
  const seen = new Map<string, VariableDeclaration>();
  for (const statement of [...body]) {
    const key = requireKey(statement);
    if (!key) continue;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, statement);
      continue;
    }
    const names = bindingNames(statement.declarations[0].id);
    if (statement.kind === 'var' && names.some((name) => isReassigned(j, root, name, statement))) {
      sites.skipped(statement, 'require-reassigned');
      continue;
    }
    if (directive(statement)) {
      sites.skipped(statement, 'under-directive');
      continue;
    }
    if (stranded(statement, false)) {
      sites.skipped(statement, 'comment-would-be-lost');
      continue;
    }
    const module = statement.declarations[0].init.arguments[0].value;
    if (!sites.changed(statement, `removed repeated require of '${module}' (first on line ${first.loc?.start.line})`)) continue;
    removeStatementKeepingComments(body, body.indexOf(statement));
  }
}

function requireKey(statement: any): string | undefined {
  if (statement?.type !== 'VariableDeclaration' || statement.declarations.length !== 1) return undefined;
  const [declarator] = statement.declarations;
  const init = declarator.init;
  if (
    init?.type !== 'CallExpression' ||
    init.callee.type !== 'Identifier' ||
    init.callee.name !== 'require' ||
    init.arguments.length !== 1 ||
    !['StringLiteral', 'Literal'].includes(init.arguments[0].type) ||
    typeof init.arguments[0].value !== 'string'
  ) {
    return undefined;
  }
  return `${statement.kind} ${recast.prettyPrint(declarator.id).code} = require(${JSON.stringify(init.arguments[0].value)})`;
}

/**
 * True when some module specifier follows `from`, `import` or `require(` twice: a file without
 * that cannot hold a repeated import. Comments between the keyword and the string are allowed.
 */
export function importsSomeModuleTwice(source: string): boolean {
  const seen = new Set<string>();
  const pattern = /(?:\bfrom|\bimport|\brequire\s*\()\s*(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)*(['"`])([^'"`\n]+)\1/g;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[2]!;
    if (seen.has(specifier)) return true;
    seen.add(specifier);
  }
  return false;
}
