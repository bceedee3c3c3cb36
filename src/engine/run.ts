/**
 * The engine's half of a run: every discovered file read and through the chain, one record per
 * file (in this thread here; on worker threads in pool.ts). `src/changeset/run.ts` turns the
 * records into the Changeset. Nothing here writes. Output order never depends on scheduling.
 */
import type { Discovery } from './discover.js';
import { Project } from './project.js';
import { applicableTransforms, runFile, type FileResult, type ResolvedTransform } from './run-file.js';
import type { SiteFilter } from './sites.js';

export interface RunOptions {
  root: string;
  discovery: Discovery;
  chain: readonly ResolvedTransform[];
  /** Interactive review: which changed sites to keep (runs in this thread). */
  filter?: SiteFilter;
  /** Called after each file (progress display). */
  onFile?: (path: string, index: number, total: number) => void;
}

/** What one file produced; the unit a worker sends back. Only changed files keep their text. */
export type FileRecord =
  | { path: string; kind: 'skipped'; message: string }
  | { path: string; kind: 'read-error'; message: string }
  | { path: string; kind: 'result'; result: FileResult; before?: string };

/** Reads and runs one file. `keepText` keeps the original text even when unchanged. */
export function processFile(
  path: string,
  chain: readonly ResolvedTransform[],
  project: Project,
  filter: SiteFilter | undefined,
  keepText: boolean,
): FileRecord {
  const read = project.readSource(path);
  if (read.kind === 'skipped') return { path, kind: 'skipped', message: read.reason };
  if (read.kind === 'error') return { path, kind: 'read-error', message: read.message };
  let result: FileResult;
  try {
    result = runFile({ path, text: read.text, chain, project, ...(filter ? { filter } : {}) });
  } catch (error) {
    // e.g. a stack overflow on absurdly nested code: an error for this file, never for the run
    const message = error instanceof RangeError ? `too deeply nested to process (${error.message})` : (error as Error).message;
    result = { status: 'error', message: `internal error: ${message}; the file was left unchanged`, sites: [] };
  }
  return result.status === 'changed' || keepText ? { path, kind: 'result', result, before: read.text } : { path, kind: 'result', result };
}

/** Every discovered file through the chain, in this thread: the records in discovery order, and the project they were read with. */
export function processAll(options: RunOptions, project: Project = projectOf(options)): { project: Project; records: FileRecord[] } {
  const { discovery, chain, filter, onFile } = options;
  const keepText = keepsText(chain);
  const records = discovery.files.map((path, index) => {
    const record = processFile(path, chain, project, filter, keepText);
    onFile?.(path, index, discovery.files.length);
    return record;
  });
  return { project, records };
}

/** The project a run reads: every discovered file (or the wider context `--changed-since` keeps), and the baseline. */
export function projectOf(options: Pick<RunOptions, 'root' | 'discovery'>): Project {
  return new Project(options.root, options.discovery.projectFiles ?? options.discovery.files, options.discovery.baseline);
}

/** Project-level transforms read every file's text, unchanged ones included. */
export function keepsText(chain: readonly ResolvedTransform[]): boolean {
  return chain.some((t) => t.definition.scope === 'project');
}

/** How many discovered files some transform's prefilter admits (cheap: text only; the texts stay in `project`). */
export function countCandidates(project: Project, files: readonly string[], chain: readonly ResolvedTransform[]): number {
  let count = 0;
  for (const path of files) {
    const text = project.readFile(path);
    if (text !== undefined && applicableTransforms(chain, path, text, project).length > 0) count += 1;
  }
  return count;
}
