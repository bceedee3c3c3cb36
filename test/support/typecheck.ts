/**
 * Type-checks generated code against the real typings this repository installs (express, ws,
 * ioredis, @types/node, …): the tree gets a `node_modules` link to ours, the check is strict with
 * no emit. One place for the compiler options and the `file:line message` form of an error.
 */
import { existsSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const repo = join(import.meta.dirname, '..', '..');

/** The errors of `files` (paths relative to `dir`), as `file:line message`; `[]` when it type-checks. */
export function typeErrorsWithTypings(dir: string, files: string[], module: 'nodenext' | 'node16' = 'nodenext'): string[] {
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const kind = module === 'node16' ? { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 } : { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
  const program = ts.createProgram(
    files.map((file) => join(dir, file)),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      ...kind,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [join(dir, 'node_modules', '@types')],
      skipLibCheck: true,
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${relative(dir, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
