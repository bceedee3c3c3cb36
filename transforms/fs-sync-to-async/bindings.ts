/**
 * Which calls are synchronous `fs` calls: `fs.readFileSync(...)` through a module object bound by
 * `import fs from 'fs'`, `import * as fs from 'node:fs'` or `const fs = require('fs')` (at the top
 * or inside a function), and `readFileSync(...)` bound by `import { readFileSync } from 'fs'` or
 * `const { readFileSync } = require('node:fs')`. Each call is resolved through the scope of the
 * name it uses, so a shadowing local of the same name is never mistaken for fs.
 */
import { removeStatementKeepingComments } from '../../src/ast/comments.js';
import { requiredModule } from '../../src/ast/imports.js';

/** The sync functions converted, and their `node:fs/promises` counterparts (existsSync: see index). */
export const PROMISE_EQUIVALENT: Record<string, string> = {
  readFileSync: 'readFile',
  writeFileSync: 'writeFile',
  appendFileSync: 'appendFile',
  existsSync: 'access',
  mkdirSync: 'mkdir',
  readdirSync: 'readdir',
  statSync: 'stat',
  unlinkSync: 'unlink',
  renameSync: 'rename',
  copyFileSync: 'copyFile',
  rmSync: 'rm',
};

const FS_MODULES = new Set(['fs', 'node:fs']);

export interface SyncCall {
  /** The CallExpression path. */
  path: any;
  /** e.g. 'readFileSync'. */
  method: string;
}

/** What an identifier is bound to, if it is the fs module object or one of its sync functions. */
function fsBinding(identifierPath: any, name: string): 'module' | string | undefined {
  const scope = identifierPath.scope?.lookup(name);
  const declared = scope?.getBindings()[name]?.[0];
  if (!declared) return undefined;
  let current = declared.parent;
  let property: string | undefined;
  while (current && current.node.type !== 'VariableDeclarator' && current.node.type !== 'ImportDeclaration') {
    const node = current.node;
    if (node.type === 'ObjectProperty' || node.type === 'Property') property = node.key.name ?? node.key.value;
    if (node.type === 'ImportSpecifier') property = node.imported.name ?? node.imported.value;
    if (node.type === 'ImportDefaultSpecifier' || node.type === 'ImportNamespaceSpecifier') property = undefined;
    if (!['ObjectProperty', 'Property', 'ObjectPattern', 'ImportSpecifier', 'ImportDefaultSpecifier', 'ImportNamespaceSpecifier'].includes(node.type)) {
      return undefined;
    }
    current = current.parent;
  }
  if (!current) return undefined;
  const module = current.node.type === 'ImportDeclaration' ? String(current.node.source.value) : requiredModule(current.node.init);
  if (!module || !FS_MODULES.has(module)) return undefined;
  if (current.node.type === 'ImportDeclaration' && current.node.importKind === 'type') return undefined;
  return property ?? 'module';
}

/** The fs function a call invokes (`fs.x(...)` or a bound `x(...)`), any fs function, if it is one. */
export function fsCallMethod(path: any): string | undefined {
  const callee = path.node.callee;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.property.type === 'Identifier') {
    return fsBinding(path.get('callee', 'object'), callee.object.name) === 'module' ? callee.property.name : undefined;
  }
  if (callee.type === 'Identifier') {
    const imported = fsBinding(path.get('callee'), callee.name);
    return imported && imported !== 'module' ? imported : undefined;
  }
  return undefined;
}

/**
 * Every name an fs import or `require('fs')` declaration of the file binds (anywhere, type-only
 * imports included): a superset of the names `fsBinding` can resolve to fs, read without a scope.
 */
function fsBoundNames(j: any, root: any): Set<string> {
  const names = new Set<string>();
  root.find(j.ImportDeclaration, (node: any) => FS_MODULES.has(String(node.source.value))).forEach((path: any) => {
    for (const specifier of path.node.specifiers ?? []) if (specifier.local?.name) names.add(specifier.local.name);
  });
  root.find(j.VariableDeclarator, (node: any) => FS_MODULES.has(requiredModule(node.init) ?? '')).forEach((path: any) => {
    j(path.get('id')).find(j.Identifier).forEach((name: any) => void names.add(name.node.name));
    if (path.node.id.type === 'Identifier') names.add(path.node.id.name);
  });
  return names;
}

/** Every call of a listed sync function through an fs binding, in source order. */
export function findSyncCalls(j: any, root: any): SyncCall[] {
  const calls: SyncCall[] = [];
  // (a call through a name no fs declaration binds is not one: no scope lookup for it)
  const bound = fsBoundNames(j, root);
  if (bound.size === 0) return calls;
  const candidate = (node: any) =>
    node.callee.type === 'MemberExpression'
      ? Boolean(PROMISE_EQUIVALENT[node.callee.property?.name]) && node.callee.object.type === 'Identifier' && bound.has(node.callee.object.name)
      : node.callee.type === 'Identifier' && bound.has(node.callee.name);
  root.find(j.CallExpression, candidate).forEach((path: any) => {
    const method = fsCallMethod(path);
    if (method && PROMISE_EQUIVALENT[method]) calls.push({ path, method });
  });
  return calls;
}

interface FsDeclaration {
  /** The statement (ImportDeclaration or VariableDeclaration) and the container it sits in. */
  statementPath: any;
  /** Local names it binds, with the node to remove for each (specifier or pattern property). */
  locals: Array<{ name: string; node: any }>;
}

/** Top-level and function-local declarations binding `fs` / `node:fs`. */
function fsDeclarations(j: any, root: any): FsDeclaration[] {
  const found: FsDeclaration[] = [];
  root.find(j.ImportDeclaration).forEach((path: any) => {
    if (!FS_MODULES.has(String(path.node.source.value)) || path.node.importKind === 'type') return;
    found.push({ statementPath: path, locals: (path.node.specifiers ?? []).map((s: any) => ({ name: s.local.name, node: s })) });
  });
  root.find(j.VariableDeclaration).forEach((path: any) => {
    if (path.node.declarations.length !== 1) return;
    const [declarator] = path.node.declarations;
    const module = requiredModule(declarator.init);
    if (!module || !FS_MODULES.has(module)) return;
    const id = declarator.id;
    if (id.type === 'Identifier') found.push({ statementPath: path, locals: [{ name: id.name, node: id }] });
    else if (id.type === 'ObjectPattern' && id.properties.every((p: any) => p.value?.type === 'Identifier')) {
      found.push({ statementPath: path, locals: id.properties.map((p: any) => ({ name: p.value.name, node: p })) });
    }
  });
  return found;
}

function referenceCount(j: any, root: any, name: string): number {
  return root
    .find(j.Identifier, { name })
    .filter((path: any) => {
      const parent = path.parent?.node;
      if (!parent) return false;
      if (parent.type.startsWith('Import')) return false;
      if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === path.node && !parent.computed) return false;
      if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && (parent.key === path.node || parent.value === path.node)) {
        return path.parent.parent?.node.type !== 'ObjectPattern' && parent.value === path.node;
      }
      if (parent.type === 'VariableDeclarator' && parent.id === path.node) return false;
      return true;
    })
    .size();
}

/** How often each fs binding is used, before the rewrite. */
export function fsBindingUses(j: any, root: any): Map<string, number> {
  const uses = new Map<string, number>();
  for (const declaration of fsDeclarations(j, root)) for (const { name } of declaration.locals) uses.set(name, referenceCount(j, root, name));
  return uses;
}

/** Removes fs bindings the rewrite left unused (never one that was unused before). */
export function pruneUnusedFsBindings(j: any, root: any, usedBefore: ReadonlyMap<string, number>): void {
  for (const { statementPath, locals } of fsDeclarations(j, root)) {
    const unused = locals.filter(({ name }) => (usedBefore.get(name) ?? 0) > 0 && referenceCount(j, root, name) === 0);
    if (unused.length === 0) continue;
    if (unused.length === locals.length) {
      const body = statementPath.parent?.node.body;
      if (Array.isArray(body)) removeStatementKeepingComments(body, body.indexOf(statementPath.node));
      continue;
    }
    const node = statementPath.node;
    const drop = new Set(unused.map((u) => u.node));
    if (node.type === 'ImportDeclaration') node.specifiers = node.specifiers.filter((s: any) => !drop.has(s));
    else node.declarations[0].id.properties = node.declarations[0].id.properties.filter((p: any) => !drop.has(p));
  }
}
