/**
 * Which TypeScript checks the project: its own (resolved from the project root, as its `tsc`
 * would be), or harden's bundled one when the project has none (the summary says so).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

export type TypeScript = typeof import('typescript');

export interface LoadedTypeScript {
  ts: TypeScript;
  version: string;
  /** 'project': the project's own; 'harden': harden's bundled copy (the project has none). */
  origin: 'project' | 'harden';
}

export function loadTypeScript(root: string): LoadedTypeScript {
  const fromProject = createRequire(join(root, 'package.json'));
  try {
    const ts = fromProject(fromProject.resolve('typescript')) as TypeScript;
    if (typeof ts.createProgram === 'function') return { ts, version: ts.version, origin: 'project' };
  } catch {
    // no typescript in the project: harden's own below
  }
  const ts = createRequire(import.meta.url)('typescript') as TypeScript;
  return { ts, version: ts.version, origin: 'harden' };
}
