/**
 * rate-limiter-redis run for real: transform files of a project on disk (outputs and requested
 * support files written, as `harden apply` would) so tests can run the result.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveOptions } from '../../src/config/preset.js';
import { Project } from '../../src/engine/project.js';
import { runFile } from '../../src/engine/run-file.js';
import { registry } from '../../transforms/index.js';

const transform = registry.get('rate-limiter-redis')!;

/** Runs the transform over `files` of the project at `root` and writes outputs and support files. */
export function transformProject(
  root: string,
  files: string[],
  options: Record<string, unknown> = {},
): { changed: string[]; support: string[]; dependencies: string[] } {
  const project = new Project(root, files);
  const resolved = resolveOptions(transform, options, 'integration test');
  const changed: string[] = [];
  const support = new Map<string, string>();
  const dependencies: string[] = [];
  for (const path of files) {
    const result = runFile({ path, text: readFileSync(join(root, path), 'utf8'), chain: [{ definition: transform, options: resolved }], project });
    if (result.status === 'error' || result.status === 'parse-error') throw new Error(`${path}: ${result.message}`);
    if (result.status !== 'changed') continue;
    writeFileSync(join(root, path), result.output);
    changed.push(path);
    for (const request of result.requests) {
      if (request.kind === 'file') support.set(request.path, request.contents);
      else dependencies.push(`${request.name}@${request.range}`);
    }
  }
  for (const [path, contents] of support) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  }
  return { changed, support: [...support.keys()], dependencies: [...new Set(dependencies)].sort() };
}
