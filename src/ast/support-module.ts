/**
 * Support modules a transform generates next to the user's code (a logger, a Redis client, a
 * secrets helper): which module flavour the importing file needs, where the package's server code
 * lives, and the import of one of the module's exports.
 */
import type { Collection, JSCodeshift } from 'jscodeshift';
import type { FileInfo, ProjectView } from '../transform.js';
import { posix } from 'node:path';
import { addImport, findImportedLocal, isNameTaken, relativeSpecifier, usesJsExtensions, usesSemicolons, writesEsm } from './imports.js';

export type Flavour = 'ts' | 'esm' | 'cjs';

/**
 * The flavour of the support module a file imports (its template and extension): TypeScript for
 * TypeScript, else by the file's extension (`.mjs`, `.cjs`), else its package's `type`. Not the
 * file's syntax: a CommonJS module serves both the `require`s and the Babel-compiled `import`s of a
 * package, so a package that mixes them gets one module, not two contents for one path. How the
 * file imports it follows the file's own syntax (`writesEsm`).
 */
export function flavourOf(file: Pick<FileInfo, 'path' | 'language' | 'package'>): Flavour {
  if (file.language !== 'js') return 'ts';
  if (file.path.endsWith('.mjs')) return 'esm';
  if (file.path.endsWith('.cjs')) return 'cjs';
  return file.package?.type === 'module' ? 'esm' : 'cjs';
}

/** Whether relative imports of this file need a `.js` suffix (ESM TypeScript, ESM JavaScript). */
export function needsJsSuffix(j: JSCodeshift, root: Collection<any>, file: FileInfo): boolean {
  const flavour = flavourOf(file);
  if (flavour === 'esm') return true;
  if (flavour === 'cjs') {
    // `import` syntax in a CommonJS package: compiled (any specifier resolves) or, on Node 22, run
    // as ES module by its syntax (only `./x.js` resolves): the suffix unless the file omits it
    if (!writesEsm(j, root, file)) return false;
    const relative = root.find(j.ImportDeclaration).nodes().map((node: any) => String(node.source.value)).filter((source: string) => source.startsWith('.'));
    return relative.length === 0 || usesJsExtensions(j, root);
  }
  return usesJsExtensions(j, root) || file.package?.type === 'module';
}

/**
 * The local name under which the file binds `name` of the support module at `specifier`: the
 * existing import, or a new one (in the file's module style) under a name the file does not use.
 */
export function importSupportExport(j: JSCodeshift, root: Collection<any>, file: FileInfo, specifier: string, name: string): string {
  const existing = findImportedLocal(j, root, (source) => source === specifier, name);
  if (existing) return existing;
  let local = name;
  for (let n = 2; isNameTaken(j, root, local); n += 1) local = `${name}${n}`;
  addImport(j, root, { source: specifier, imported: name, local }, writesEsm(j, root, file));
  return local;
}

const sourceFolders = new WeakMap<ProjectView, Map<string, string>>();

/**
 * Where the package's server code lives, so a module generated for it sits next to it (a package
 * never gets two): `src/` when server sources are there, else the folder holding most of them
 * (`server/` beside a front-end `src/`), else the package root. Relative to the package, with a
 * trailing `/` ('' for the root).
 */
export function serverSourceFolder(project: ProjectView, packageDir: string): string {
  let known = sourceFolders.get(project);
  if (!known) sourceFolders.set(project, (known = new Map()));
  let answer = known.get(packageDir);
  if (answer === undefined) {
    const prefix = packageDir === '' ? '' : `${packageDir}/`;
    const counts = new Map<string, number>();
    let total = 0;
    for (const path of project.files) {
      if (!path.startsWith(prefix) || project.roleOf(path) !== 'source') continue;
      const rest = path.slice(prefix.length);
      const folder = rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : '';
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
      total += 1;
    }
    const [top, count] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] ?? ['', 0];
    answer = counts.has('src') ? 'src/' : top !== '' && count * 2 > total ? `${top}/` : '';
    known.set(packageDir, answer);
  }
  return answer;
}

/** `lib/` inside the server folder (the folder itself when it is a `lib/`): where generated modules go. */
export function supportFolder(project: ProjectView, packageDir: string): string {
  const folder = serverSourceFolder(project, packageDir);
  return `${folder}${/(^|\/)lib\/$/.test(folder) ? '' : 'lib/'}`;
}

/**
 * Where the support module `stem` of a file goes (`lib/<stem>.{ts,js,mjs,cjs}` in the package's
 * support folder), for a file of `flavour`: relative to the package, and root-relative.
 */
export function supportModuleTarget(project: ProjectView, file: Pick<FileInfo, 'path' | 'package'>, flavour: Flavour, stem: string): { relative: string; target: string } {
  const ext = supportExtension(file.path, flavour);
  const packageDir = file.package?.dir ?? '';
  const relative = `${supportFolder(project, packageDir)}${stem}${ext}`;
  return { relative, target: posix.join(packageDir, relative) };
}

/** The extension of a support module for a file at `path` of `flavour`: `.ts`, or the file's own `.mjs`/`.cjs`, else `.js`. */
export function supportExtension(path: string, flavour: Flavour): string {
  return flavour === 'ts' ? '.ts' : path.endsWith('.mjs') ? '.mjs' : path.endsWith('.cjs') ? '.cjs' : '.js';
}

/** `target` (root-relative) as `file` imports it: Node resolves neither `.cjs` nor `.mjs` without the extension. */
export function supportSpecifier(j: JSCodeshift, root: Collection<any>, file: FileInfo, target: string): string {
  return relativeSpecifier(file.path, target, /\.[cm]js$/.test(target) || needsJsSuffix(j, root, file));
}

/** The support-module flavour of another file of the project (see flavourOf). */
export function flavourOfPath(project: ProjectView, path: string): Flavour {
  return flavourOf({ path, language: /\.[cm]?jsx?$/.test(path) ? 'js' : 'ts', package: project.packageOf(path) });
}

/**
 * The local names of `names`, exports of the support module at `target`, in the file: the
 * existing imports (with or without an extension), the missing ones imported in one declaration,
 * each under a name the file does not use.
 */
export function importSupportNames(j: any, root: any, file: FileInfo, target: string, names: readonly string[]): Record<string, string> {
  const specifier = supportSpecifier(j, root, file, target);
  const bare = (source: string) => source.replace(/\.[cm]?[jt]s$/, '');
  const same = (source: string) => source === specifier || bare(source) === bare(specifier);
  const locals: Record<string, string> = {};
  const missing: Array<{ imported: string; local: string }> = [];
  for (const name of names) {
    const found = findImportedLocal(j, root, same, name);
    if (found) locals[name] = found;
    else {
      let local = name;
      for (let n = 2; isNameTaken(j, root, local) || Object.values(locals).includes(local); n += 1) local = `${name}${n}`;
      locals[name] = local;
      missing.push({ imported: name, local });
    }
  }
  const [first, ...rest] = missing;
  if (first) addImport(j, root, { source: specifier, ...first }, writesEsm(j, root, file), rest, usesSemicolons(file.source));
  return locals;
}

/** The statement list (a body, a case's consequent) holding the statement at `statementPath`. */
export function statementList(statementPath: any): any[] {
  const container = statementPath.parent.node;
  return Array.isArray(container.body) ? container.body : container.consequent;
}

/** Inserts `node` after the statement at `statementPath`, found by identity (an import added above moves indexes). */
export function insertAfter(statementPath: any, node: any): void {
  const list = statementList(statementPath);
  list.splice(list.indexOf(statementPath.node) + 1, 0, node);
}

/**
 * The three flavours of a transform's support module, `<stem>.ts`, `<stem>.esm.js` and
 * `<stem>.cjs.js` as `read` gives them (from the transform's `templates/`), and whether a text is
 * one of them (any BOM or line ending): harden's own module, not the project's.
 */
export function supportTemplates(read: (name: string) => string, stem: string): { templates: Record<Flavour, string>; isGenerated(text: string): boolean } {
  const templates: Record<Flavour, string> = { ts: read(`${stem}.ts`), esm: read(`${stem}.esm.js`), cjs: read(`${stem}.cjs.js`) };
  return { templates, isGenerated: (text) => Object.values(templates).includes(text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')) };
}

/** The names already registered in the file with a support module's function: `register('name', …)` for a callee matching `callee` (`closeOnShutdown`, `closeOnShutdown2`). */
export function registeredNames(j: any, root: any, callee: RegExp): Set<string> {
  const names = new Set<string>();
  root.find(j.CallExpression).forEach((path: any) => {
    const called = path.node.callee;
    if (called.type !== 'Identifier' || !callee.test(called.name)) return;
    const first = path.node.arguments[0];
    if (first && typeof first.value === 'string') names.add(first.value);
  });
  return names;
}
