/**
 * Where a generated support module of one flavour goes for a file, and whether a file already
 * there is harden's own: `<server folder>/lib/<stem>.<ext>` of the file's package, the extension
 * following the flavour (and `.mjs`/`.cjs` following the importing file).
 */
import { posix } from 'node:path';
import type { Collection, JSCodeshift } from 'jscodeshift';
import type { FileInfo, ProjectView } from '../transform.js';
import { relativeSpecifier } from './imports.js';
import { needsJsSuffix, supportFolder, type Flavour } from './support-module.js';

export interface SupportPath {
  /** Relative to the package root: what `request.file` takes. */
  relative: string;
  /** Root-relative: what `project.readFile` and `relativeSpecifier` take. */
  target: string;
  ext: string;
}

/** The support module `stem` for `file` in `flavour`. */
export function supportPath(project: ProjectView, file: Pick<FileInfo, 'path' | 'package'>, flavour: Flavour, stem: string): SupportPath {
  const ext = flavour === 'ts' ? '.ts' : file.path.endsWith('.mjs') ? '.mjs' : file.path.endsWith('.cjs') ? '.cjs' : '.js';
  const packageDir = file.package?.dir ?? '';
  const relative = `${supportFolder(project, packageDir)}${stem}${ext}`;
  return { relative, target: posix.join(packageDir, relative), ext };
}

/** Whether `text` (as read from disk: any BOM, any line endings) is exactly `template`. */
export function isTemplateText(text: string, template: string): boolean {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n') === template;
}

/** The specifier `file` imports the support module by (Node resolves neither `.cjs` nor `.mjs` without the extension). */
export function supportSpecifier(j: JSCodeshift, root: Collection<any>, file: FileInfo, module: SupportPath): string {
  return relativeSpecifier(file.path, module.target, module.ext === '.cjs' || module.ext === '.mjs' || needsJsSuffix(j, root, file));
}
