/**
 * The specifier a file imports a generated support module by (see `supportModuleTarget`).
 */
import type { Collection, JSCodeshift } from 'jscodeshift';
import type { FileInfo } from '../transform.js';
import { relativeSpecifier } from './imports.js';
import { needsJsSuffix } from './support-module.js';

/** `target` (root-relative) as `file` imports it: Node resolves neither `.cjs` nor `.mjs` without the extension. */
export function supportSpecifier(j: JSCodeshift, root: Collection<any>, file: FileInfo, target: string): string {
  return relativeSpecifier(file.path, target, /\.[cm]js$/.test(target) || needsJsSuffix(j, root, file));
}
