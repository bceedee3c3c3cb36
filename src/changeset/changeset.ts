/**
 * The Changeset: everything a run would do, computed in memory before anything is written. Every
 * mode (write, dry-run, check, review, reports) reads the same value.
 */
import type { Site } from '../engine/sites.js';
import type { SupportRequest } from '../engine/run-file.js';
import { addDependencies, declaredDependencies } from './package-json.js';

export interface FileChange {
  /** Root-relative POSIX path. */
  path: string;
  /** Original text; undefined for a file the run creates. */
  before: string | undefined;
  after: string;
  /** What caused the change: the transform sites, or the requests for support files/dependencies. */
  sites: Site[];
  /** Site ids of the changes that need this support file or dependency edit (empty for sources). */
  requestedBy: string[];
  kind: 'source' | 'support-file' | 'manifest';
}

export type FileStatus = 'changed' | 'unchanged' | 'skipped' | 'parse-error' | 'error';

export interface FileOutcome {
  path: string;
  status: FileStatus;
  /** For skipped files and errors: why. */
  message?: string;
  line?: number;
  column?: number;
  sites: Site[];
}

export interface Changeset {
  /** Absolute real path every path is relative to. */
  root: string;
  /** The transforms of the run, in chain order. */
  transforms: string[];
  /** One outcome per file the run looked at, sorted by path. */
  outcomes: FileOutcome[];
  /** Every file that would be written, sorted by path: sources, support files, manifests. */
  changes: FileChange[];
  /** Problems that make the run exit 2 (parse, read, internal, conflicting requests). */
  errors: { path: string; message: string; line?: number; column?: number }[];
}

export interface ExistingFiles {
  read(path: string): string | undefined;
  /** True when a directory on the path (below the root) is a symlink: nothing is created through one. */
  throughSymlink?(path: string): boolean;
}

/**
 * Turns the support requests of all changed files into new-file and package.json changes:
 * each path created once, each dependency added once per package, conflicts reported.
 */
export interface ResolvedRequests {
  changes: FileChange[];
  errors: Changeset['errors'];
  /** Changed sites whose support could not be provided: their edits must be left out. */
  unsupported: Set<string>;
}

export function resolveRequests(requests: readonly SupportRequest[], existing: ExistingFiles): ResolvedRequests {
  const changes: FileChange[] = [];
  const errors: Changeset['errors'] = [];
  const unsupported = new Set<string>();
  const refuse = (ids: Iterable<string>) => {
    for (const id of ids) unsupported.add(id);
  };

  const files = new Map<string, { contents: string; requestedBy: Set<string>; from: string }>();
  for (const request of requests) {
    if (request.kind !== 'file') continue;
    const known = files.get(request.path);
    if (!known) files.set(request.path, { contents: request.contents, requestedBy: new Set(request.sites), from: request.from });
    else if (known.contents !== request.contents) {
      refuse(request.sites);
      errors.push({
        path: request.path,
        message: `support file requested twice with different contents (by ${known.from} and ${request.from})`,
      });
    } else request.sites.forEach((id) => known.requestedBy.add(id));
  }
  for (const [path, { contents, requestedBy }] of files) {
    const current = existing.read(path);
    if ([...requestedBy].some((id) => unsupported.has(id))) refuse(requestedBy);
    else if (current === undefined && existing.throughSymlink?.(path)) {
      refuse(requestedBy);
      errors.push({ path, message: 'a directory on the path of this support file is a symlink; harden does not create files through symlinks' });
    } else if (current === undefined) {
      changes.push({ path, before: undefined, after: contents, sites: [], requestedBy: [...requestedBy], kind: 'support-file' });
    } else if (current !== contents) {
      refuse(requestedBy);
      errors.push({ path, message: 'support file already exists with different contents; harden will not overwrite it' });
    }
  }

  const byPackage = new Map<string, Map<string, { range: string; dev: boolean; requestedBy: Set<string> }>>();
  for (const request of requests) {
    if (request.kind !== 'dependency') continue;
    const deps = byPackage.get(request.packageDir) ?? new Map();
    byPackage.set(request.packageDir, deps);
    const known = deps.get(request.name);
    if (!known) deps.set(request.name, { range: request.range, dev: request.dev, requestedBy: new Set(request.sites) });
    else {
      request.sites.forEach((id) => known.requestedBy.add(id));
      if (!request.dev) known.dev = false;
      if (compareRanges(request.range, known.range) > 0) known.range = request.range;
    }
  }
  for (const [dir, deps] of byPackage) {
    const path = dir === '' ? 'package.json' : `${dir}/package.json`;
    const before = existing.read(path);
    if (before === undefined) {
      for (const d of deps.values()) refuse(d.requestedBy);
      errors.push({ path, message: `no package.json to add ${[...deps.keys()].join(', ')} to` });
      continue;
    }
    try {
      const declared = declaredDependencies(JSON.parse(before.replace(/^\uFEFF/, '')) as Record<string, unknown>);
      const additions = [...deps].filter(([name]) => !declared.has(name));
      const after = addDependencies(before, additions.map(([name, d]) => ({ name, range: d.range, dev: d.dev })));
      if (after !== before) {
        const requestedBy = additions.flatMap(([, d]) => [...d.requestedBy]);
        changes.push({ path, before, after, sites: [], requestedBy, kind: 'manifest' });
      }
    } catch (error) {
      for (const d of deps.values()) refuse(d.requestedBy);
      errors.push({ path, message: `cannot add dependencies: ${(error as Error).message}` });
    }
  }
  return { changes, errors, unsupported };
}

/** Compares the minimum versions of two simple ranges (`^1.2.3`, `~1.2`, `>=8.3.0`, `1.x`). */
export function compareRanges(a: string, b: string): number {
  const parse = (range: string) => (/(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(range) ?? []).slice(1, 4).map((n) => Number(n ?? 0));
  const [x, y] = [parse(a), parse(b)];
  for (let index = 0; index < 3; index += 1) {
    const diff = (x[index] ?? 0) - (y[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export function hasPendingChanges(changeset: Changeset): boolean {
  return changeset.changes.length > 0;
}
