/**
 * The project's logger in a file: the local name the file already binds it to, or a new import of
 * its module under a free name (`logger`, or the named export; `logger2` when taken), in the file's
 * module style. For transforms that hand the logger to generated code (request-context-logging;
 * graceful-shutdown has its own copy until its branch lands).
 */
import type { Collection, JSCodeshift } from 'jscodeshift';
import { addImport, findImportedLocal, isNameTaken, usesSemicolons, writesEsm } from '../../src/ast/imports.js';
import { flavourOf, supportSpecifier } from '../../src/ast/support-module.js';
import type { FileInfo, ProjectView } from '../../src/transform.js';
import type { LoggerModule } from './detect-logger.js';

/** The local name `file` binds the logger module's export to, if it imports it. */
export function boundLogger(j: JSCodeshift, root: Collection<any>, file: Pick<FileInfo, 'path'>, project: ProjectView, logger: LoggerModule): string | undefined {
  return findImportedLocal(j, root, (source) => project.resolveImport(file.path, source) === logger.path, logger.exportName);
}

/** The logger's local name in `file`, imported (at the top, with the other imports) when the file does not bind it yet. */
export function importLogger(j: JSCodeshift, root: Collection<any>, file: FileInfo, project: ProjectView, logger: LoggerModule): string {
  const bound = boundLogger(j, root, file, project, logger);
  if (bound) return bound;
  const preferred = logger.exportName === 'default' || logger.exportName === '*' ? 'logger' : logger.exportName;
  let local = preferred;
  for (let n = 2; isNameTaken(j, root, local); n += 1) local = `${preferred}${n}`;
  const specifier = supportSpecifier(j, root, file, logger.path);
  addImport(j, root, { source: specifier, imported: logger.exportName, local }, writesEsm(j, root, file), [], usesSemicolons(file.source));
  return local;
}
