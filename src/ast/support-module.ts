/**
 * Support modules a transform generates next to the user's code (a logger, a Redis client, a
 * secrets helper): which module flavour the importing file needs, where the package's server code
 * lives, and the import of one of the module's exports.
 */
import type { Collection, JSCodeshift } from 'jscodeshift';
import type { FileInfo, ProjectView } from '../transform.js';
import { addImport, findImportedLocal, isEsmFile, isNameTaken, usesJsExtensions } from './imports.js';

export type Flavour = 'ts' | 'esm' | 'cjs';

/** How the file is written: decides the support module's flavour, extension and import style. */
export function flavourOf(j: JSCodeshift, root: Collection<any>, file: FileInfo): Flavour {
  if (file.language !== 'js') return 'ts';
  if (file.path.endsWith('.mjs')) return 'esm';
  if (file.path.endsWith('.cjs')) return 'cjs';
  return isEsmFile(j, root) ? 'esm' : 'cjs';
}

/** Whether relative imports of this file need a `.js` suffix (ESM TypeScript, ESM JavaScript). */
export function needsJsSuffix(j: JSCodeshift, root: Collection<any>, file: FileInfo): boolean {
  const flavour = flavourOf(j, root, file);
  if (flavour === 'cjs') return false;
  if (flavour === 'esm') return true;
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
  addImport(j, root, { source: specifier, imported: name, local }, flavourOf(j, root, file) !== 'cjs');
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
