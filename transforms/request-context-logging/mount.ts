/**
 * Where the request logger goes in the file that creates the app: right after
 * `const app = express()`, before any route can be registered on it, with the project's logger
 * bound above that point; or why it cannot go there.
 */
import type { ExpressApp } from '../../src/ast/express-app.js';
import { bindingNames } from '../../src/ast/scope.js';
import { flavourOf, supportModuleTarget, type Flavour } from '../../src/ast/support-module.js';
import type { FileInfo, ProjectView } from '../../src/transform.js';
import type { LoggerModule } from '../console-to-logger/detect-logger.js';
import { boundLogger } from '../console-to-logger/logger-import.js';

export type MountRefusal = 'app-not-named' | 'logger-in-app-file' | 'logger-declared-after-app' | 'module-path-taken';

export interface MountPoint {
  appName: string;
  /** The statement holding the app's declaration (the `export` around it, if any), and its statement list. */
  statement: any;
  list: any[];
  flavour: Flavour;
  module: { relative: string; target: string };
}

export const MODULE_STEM = 'request-logger';

export function mountPoint(
  j: any,
  root: any,
  app: ExpressApp,
  file: Pick<FileInfo, 'path' | 'language' | 'package'>,
  project: ProjectView,
  logger: LoggerModule,
  isGenerated: (text: string) => boolean,
): MountPoint | { refusal: MountRefusal; detail?: string } {
  const { statement, name } = app;
  if (!statement || !name) return { refusal: 'app-not-named' };
  const list: any[] = statement.parent.node.body ?? statement.parent.node.consequent;
  if (logger.path === file.path) return { refusal: 'logger-in-app-file', detail: logger.path };
  const loggerLocal = boundLogger(j, root, file, project, logger);
  if (loggerLocal) {
    // a require runs where it stands: it must come before the app's top-level statement (an ES import is hoisted)
    const body = root.get().node.program.body as any[];
    let top = statement;
    while (top.parent && top.parent.node.type !== 'Program') top = top.parent;
    const declares = (s: any) => s.type === 'VariableDeclaration' && s.declarations.some((d: any) => bindingNames(d.id).includes(loggerLocal));
    if (body.findIndex(declares) > body.indexOf(top.node)) return { refusal: 'logger-declared-after-app', detail: loggerLocal };
  }
  const flavour = flavourOf(file as FileInfo);
  const module = supportModuleTarget(project, file, flavour, MODULE_STEM);
  const existing = project.readFile(module.target);
  if (existing !== undefined && !isGenerated(existing)) return { refusal: 'module-path-taken', detail: module.target };
  return { appName: name, statement, list, flavour, module };
}
