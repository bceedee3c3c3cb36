/**
 * Support files go through the chain like any source before they are written. A template of one
 * transform may hold code a later transform of the same chain rewrites (rate-limiter-redis's
 * Redis module logs connection errors with console.error; console-to-logger turns console calls
 * into logger calls): without this step the first run would write the template as it is, and a
 * second run would change it. A preset run on its own output must change nothing.
 *
 * Each distinct (path, contents) runs once; files the support runs request in turn (the logger
 * module) go through the same step. Sites found in support files are harden's own code, not the
 * user's, so they are not reported and nobody reviews them: `filter` (from run.ts) keeps them all
 * in a plain run, and in a reviewed run those of transforms the user kept in some source file.
 * Their requests keep their site ids, so a refused support request (a conflict) still leaves the
 * edit that needs it out when the run is redone.
 */
import { languageFor } from './parse.js';
import type { Project } from './project.js';
import { runFile, type ResolvedTransform, type SupportRequest } from './run-file.js';
import type { SiteFilter } from './sites.js';
import type { ProjectView } from '../transform.js';

/** More distinct support files than any chain requests: a guard against a transform that keeps generating new ones. */
const LIMIT = 200;

export function finishSupportFiles(
  requests: readonly SupportRequest[],
  chain: readonly ResolvedTransform[],
  project: Project,
  filter: SiteFilter | undefined,
): SupportRequest[] {
  const all = [...requests];
  const finished = new Map<string, string>();
  const key = (path: string, contents: string) => `${path}\0${contents}`;
  for (let index = 0; index < all.length && finished.size < LIMIT; index += 1) {
    const request = all[index]!;
    if (request.kind !== 'file' || !languageFor(request.path)) continue;
    const id = key(request.path, request.contents);
    if (finished.has(id)) continue;
    finished.set(id, request.contents);
    let result;
    try {
      result = runFile({ path: request.path, text: request.contents, chain, project, ...(filter ? { filter } : {}) });
    } catch {
      continue; // the template stays as it is; a second run reports whatever failed here
    }
    if (result.status !== 'changed') continue;
    finished.set(id, result.output);
    all.push(...result.requests);
  }
  return all.map((request) =>
    request.kind === 'file' ? { ...request, contents: finished.get(key(request.path, request.contents)) ?? request.contents } : request,
  );
}

const sourceFolders = new WeakMap<ProjectView, Map<string, string>>();

/**
 * Where the package's server code lives, so its one generated logger sits next to it (a package
 * never gets two): `src/` when server sources are there, else the folder holding most of them
 * (`server/` beside a front-end `src/`), else the package root.
 */
function sourceFolder(project: ProjectView, packageDir: string): string {
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

/**
 * Where a generated support module of a package goes, relative to the package: `lib/<name>` beside
 * the server code (`src/lib/logger.ts`; inside a `lib/` folder, that folder itself), so a package
 * keeps its generated modules together.
 */
export function supportModulePath(project: ProjectView, packageDir: string, name: string): string {
  const folder = sourceFolder(project, packageDir);
  return `${folder}${/(^|\/)lib\/$/.test(folder) ? '' : 'lib/'}${name}`;
}
