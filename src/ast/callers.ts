/**
 * Every call of a function in the project, or the reason harden cannot know them all. A function
 * is found by how code names it: a top-level function or `const f = () => …`, a method of a
 * top-level object literal (`svc.f()`), or a class method called through `this.f()` or a
 * top-level instance (`const svc = new Service(); svc.f()`), in its file and in the project files
 * that import it. Any other use of those names (passed as a value, re-exported, a namespace
 * import) makes the set of callers unknowable.
 */
import type { ProjectView } from '../transform.js';
import { isCommonJsExportValue } from './imports.js';
import { isReferencePath, referencesTo, resolveBinding, unwrapExpression } from './scope.js';

export type Callers = { calls: any[] } | { unresolved: string };

/** `ownInstances`: a class whose top-level `new` in its own file is followed as a member holder. */
type Holder = { kind: 'function'; name: string; ownInstances?: boolean } | { kind: 'member'; name: string; key: string };

export function findCallers(j: any, root: any, filePath: string, project: ProjectView, fnPath: any): Callers {
  const located = locate(j, fnPath);
  if ('unresolved' in located) return located;
  const calls: any[] = [...located.thisCalls];
  let exported = false;
  for (const holder of located.holders) {
    const binding = resolveBinding(fnPath, holder.name);
    if (!binding) return { unresolved: `\`${holder.name}\` could not be resolved` };
    const local = classify(j, referencesTo(j, binding.scope, holder.name), holder);
    if ('unresolved' in local) return local;
    calls.push(...local.calls);
    const holderExported = local.exported || exportedInline(binding);
    exported ||= holderExported;
    if (!holderExported) continue;
    for (const other of project.files) {
      if (other === filePath) continue;
      const text = project.readFile(other);
      if (!text || !text.includes(holder.name) || !project.couldImport(other, filePath)) continue;
      const otherRoot = project.parse(other);
      if (!otherRoot) continue;
      const found = importerCalls(j, otherRoot, other, filePath, project, holder);
      if ('unresolved' in found) return found;
      calls.push(...found.calls);
    }
  }
  if (exported && calls.length === located.thisCalls.length && calls.length === 0) {
    return { unresolved: 'it is exported but nothing in the project calls it; callers outside the project cannot be checked' };
  }
  return { calls };
}

/** `export function f`, `export const f = …`, `export default function f`, `export class C`. */
function exportedInline(binding: any): boolean {
  const node = binding.kind === 'variable' ? binding.declaration : binding.node;
  if (!node) return false;
  let found = false;
  binding.scope.path.node.body?.forEach?.((statement: any) => {
    if ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') && statement.declaration === node) found = true;
  });
  return found;
}

interface Located {
  holders: Holder[];
  thisCalls: any[];
}

function isTopLevel(path: any): boolean {
  const parent = path.parent?.node;
  return parent?.type === 'Program' || parent?.type === 'ExportNamedDeclaration' || parent?.type === 'ExportDefaultDeclaration';
}

function locate(j: any, fnPath: any): Located | { unresolved: string } {
  const fn = fnPath.node;
  if (fn.type === 'FunctionDeclaration' && fn.id && isTopLevel(fnPath)) return { holders: [{ kind: 'function', name: fn.id.name }], thisCalls: [] };
  let up = fnPath.parent;
  while (up && ['TSAsExpression', 'TSSatisfiesExpression', 'ParenthesizedExpression'].includes(up.node.type)) up = up.parent;
  if (up?.node.type === 'VariableDeclarator' && up.node.id.type === 'Identifier' && isTopLevel(up.parent)) {
    return { holders: [{ kind: 'function', name: up.node.id.name }], thisCalls: [] };
  }
  const keyOf = (node: any) => (node.computed ? undefined : node.key?.name ?? node.key?.value);
  const objectMember = fn.type === 'ObjectMethod' ? fnPath : up?.node.type === 'ObjectProperty' ? up : undefined;
  if (objectMember) {
    const object = objectMember.parent;
    let holder = object?.parent;
    while (holder && ['TSAsExpression', 'TSSatisfiesExpression'].includes(holder.node.type)) holder = holder.parent;
    const key = keyOf(objectMember.node);
    if (key && holder?.node.type === 'VariableDeclarator' && holder.node.id.type === 'Identifier' && isTopLevel(holder.parent)) {
      return { holders: [{ kind: 'member', name: holder.node.id.name, key }], thisCalls: [] };
    }
    return { unresolved: 'the function is a property of an object that is not a top-level variable' };
  }
  if (fn.type === 'ClassMethod' && !fn.static && keyOf(fn)) {
    const key = keyOf(fn)!;
    const classPath = fnPath.parent.parent;
    const name = classPath.node.id?.name;
    if (!name || !isTopLevel(classPath)) return { unresolved: 'the method belongs to a class that is not declared at the top level' };
    const calls = thisCalls(j, classPath, key);
    const holders: Holder[] = [];
    const binding = resolveBinding(classPath, name);
    for (const ref of binding ? referencesToClass(j, classPath, binding, name) : []) {
      const parent = ref.parent.node;
      if (parent.type === 'NewExpression' && ref.parent.parent.node.type === 'VariableDeclarator' && isTopLevel(ref.parent.parent.parent)) {
        holders.push({ kind: 'member', name: ref.parent.parent.node.id.name, key });
      } else if (parent.type === 'ExportDefaultDeclaration' || parent.type === 'ExportSpecifier') {
        // the class itself is exported: only a problem if some file imports it (checked below through a function holder)
        holders.push({ kind: 'function', name, ownInstances: true });
      } else {
        return { unresolved: `the class \`${name}\` is used in ways harden cannot follow` };
      }
    }
    return { holders, thisCalls: calls };
  }
  return { unresolved: 'the function is not a top-level function, object method or class method' };
}

/** `this.key(...)` calls inside a class body. */
function thisCalls(j: any, classPath: any, key: string): any[] {
  return j(classPath.get('body'))
    .find(j.CallExpression, { callee: { type: 'MemberExpression', object: { type: 'ThisExpression' }, property: { name: key } } })
    .filter((path: any) => !path.node.callee.computed)
    .paths();
}

function referencesToClass(j: any, classPath: any, binding: any, name: string): any[] {
  return j(binding.scope.path)
    .find(j.Identifier, { name })
    .filter((path: any) => path.node !== classPath.node.id && isReferencePath(path) && path.scope?.lookup(name)?.node === binding.scope.node)
    .paths();
}

/** Sorts references of a holder into calls, export positions and uses that defeat the analysis. */
function classify(j: any, refs: any[], holder: Holder): { calls: any[]; exported: boolean } | { unresolved: string } {
  const calls: any[] = [];
  let exported = false;
  for (const ref of refs) {
    const parent = ref.parent.node;
    if (parent.type === 'ExportSpecifier' || parent.type === 'ExportDefaultDeclaration') {
      exported = true;
      continue;
    }
    if (isCommonJsExportValue(ref)) {
      exported = true;
      continue;
    }
    if (holder.kind === 'function') {
      if (parent.type === 'CallExpression' && parent.callee === ref.node) calls.push(ref.parent);
      else if (parent.type === 'NewExpression' && holder.ownInstances && ref.parent.parent.node.type === 'VariableDeclarator' && isTopLevel(ref.parent.parent.parent)) continue;
      else if (parent.type === 'NewExpression') return { unresolved: `\`${holder.name}\` is instantiated elsewhere with new; calls on that instance cannot be followed` };
      else return { unresolved: `\`${holder.name}\` is used as a value at line ${ref.node.loc?.start.line}` };
      continue;
    }
    if (parent.type === 'MemberExpression' && parent.object === ref.node && !parent.computed) {
      if (parent.property.name !== holder.key) continue;
      const grand = ref.parent.parent.node;
      if (grand.type === 'CallExpression' && grand.callee === parent) calls.push(ref.parent.parent);
      else return { unresolved: `\`${holder.name}.${holder.key}\` is used as a value at line ${ref.node.loc?.start.line}` };
      continue;
    }
    return { unresolved: `\`${holder.name}\` is passed around at line ${ref.node.loc?.start.line}` };
  }
  return { calls, exported };
}

function importerCalls(j: any, root: any, file: string, target: string, project: ProjectView, holder: Holder): Callers {
  const calls: any[] = [];
  const program = root.get().node.program;
  for (const statement of program.body) {
    if ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportAllDeclaration') && statement.source) {
      if (project.resolveImport(file, String(statement.source.value)) === target) return { unresolved: `${file} re-exports the module` };
    }
  }
  const locals: string[] = [];
  root.find(j.ImportDeclaration).forEach((path: any) => {
    if (project.resolveImport(file, String(path.node.source.value)) !== target) return;
    for (const specifier of path.node.specifiers ?? []) {
      const imported = specifier.type === 'ImportDefaultSpecifier' ? 'default' : specifier.type === 'ImportNamespaceSpecifier' ? '*' : specifier.imported.name ?? specifier.imported.value;
      if (imported === holder.name || imported === 'default' || imported === '*') locals.push(`${imported === '*' ? '*' : ''}${specifier.local.name}`);
    }
  });
  root.find(j.VariableDeclarator).forEach((path: any) => {
    const init = unwrapExpression(path.node.init);
    if (init?.type !== 'CallExpression' || init.callee.name !== 'require' || typeof init.arguments[0]?.value !== 'string') return;
    if (project.resolveImport(file, init.arguments[0].value) !== target) return;
    if (path.node.id.type === 'Identifier') locals.push(`*${path.node.id.name}`);
    else for (const property of path.node.id.properties ?? []) if ((property.key?.name ?? property.key?.value) === holder.name && property.value?.type === 'Identifier') locals.push(property.value.name);
  });
  for (const local of locals) {
    if (local.startsWith('*')) {
      const name = local.slice(1);
      const used = root.find(j.MemberExpression, { object: { type: 'Identifier', name }, property: { name: holder.name } }).size();
      if (used > 0) return { unresolved: `${file} uses it through a namespace object \`${name}\`` };
      continue;
    }
    const declared = root.find(j.Identifier, { name: local }).filter((p: any) => /Import|VariableDeclarator|ObjectProperty/.test(p.parent.node.type)).paths()[0];
    const binding = declared ? resolveBinding(declared, local) : undefined;
    if (!binding) continue;
    const result = classify(j, referencesTo(j, binding.scope, local), { ...holder, name: local, ownInstances: false } as Holder);
    if ('unresolved' in result) return { unresolved: `${file}: ${result.unresolved}` };
    if (result.exported) return { unresolved: `${file} re-exports it` };
    calls.push(...result.calls);
  }
  return { calls };
}
