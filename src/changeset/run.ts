/**
 * A whole run as the CLI, the review and --verify see it: the engine's records of every file (in
 * this thread, or on worker threads with `jobs > 1`), then project-level transforms, then support
 * requests resolved, giving the Changeset. The Changeset is assembled here, above the engine,
 * which knows nothing of it. Nothing here writes.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { collectRecords, type ParallelRunOptions } from '../engine/pool.js';
import { toAbsolute } from '../engine/paths.js';
import type { Project } from '../engine/project.js';
import { keepsText, processAll, processFile, type FileRecord, type RunOptions } from '../engine/run.js';
import type { SupportRequest } from '../engine/run-file.js';
import { runProjectTransforms } from '../engine/run-project.js';
import { NEEDS_REASON, type SiteFilter } from '../engine/sites.js';
import { finishSupportFiles } from '../engine/support-files.js';
import { resolveRequests, type Changeset, type FileChange, type FileOutcome } from './changeset.js';

export type { RunOptions, ParallelRunOptions };

/** Runs in this thread. */
export function run(options: RunOptions): Changeset {
  const { project, records } = processAll(options);
  return assemble(options, project, records);
}

/** On worker threads when it pays (see src/engine/pool.ts), else in this thread; interruptible. */
export async function runParallel(options: ParallelRunOptions): Promise<Changeset> {
  const { project, records } = await collectRecords(options);
  return assemble(options, project, records);
}

/** Builds the Changeset from per-file records (in discovery order) and runs project transforms. */
export function assemble(
  options: RunOptions,
  project: Project,
  records: readonly FileRecord[],
  carried: Changeset['errors'] = [],
  support: SupportScope = { reviewed: options.filter !== undefined, refused: new Set() },
): Changeset {
  const { root, discovery, chain, filter } = options;
  const outcomes = new Map<string, FileOutcome>();
  for (const { path, reason } of discovery.skipped) outcomes.set(path, { path, status: 'skipped', message: reason, sites: [] });
  const changes = new Map<string, FileChange>();
  const errors: Changeset['errors'] = [];
  const requests: SupportRequest[] = [];
  const texts = new Map<string, string>();

  for (const record of records) {
    const { path } = record;
    if (record.kind === 'skipped') {
      outcomes.set(path, { path, status: 'skipped', message: record.message, sites: [] });
      continue;
    }
    if (record.kind === 'read-error') {
      outcomes.set(path, { path, status: 'error', message: record.message, sites: [] });
      errors.push({ path, message: record.message });
      continue;
    }
    const { result, before } = record;
    switch (result.status) {
      case 'unchanged':
        outcomes.set(path, { path, status: 'unchanged', sites: result.sites });
        if (before !== undefined) texts.set(path, before);
        break;
      case 'changed':
        outcomes.set(path, { path, status: 'changed', sites: result.sites });
        changes.set(path, { path, before, after: result.output, sites: result.sites, requestedBy: [], kind: 'source' });
        requests.push(...result.requests);
        texts.set(path, result.output);
        break;
      case 'parse-error': {
        const { message, line, column } = result;
        outcomes.set(path, { path, status: 'parse-error', message, line, column, sites: [] });
        errors.push({ path, message: `syntax error: ${message}`, line, column });
        break;
      }
      case 'error':
        outcomes.set(path, { path, status: 'error', message: result.message, sites: result.sites });
        errors.push({ path, message: result.message });
        break;
    }
  }

  if (chain.some((t) => t.definition.scope === 'project')) {
    const projectRun = runProjectTransforms({ project, chain, texts, ...(filter ? { filter } : {}) });
    errors.push(...projectRun.errors);
    requests.push(...projectRun.requests);
    for (const site of projectRun.sites) {
      const outcome = outcomes.get(site.file) ?? { path: site.file, status: 'unchanged' as const, sites: [] };
      outcome.sites = [...outcome.sites, site];
      outcomes.set(site.file, outcome);
    }
    for (const path of projectRun.written) {
      const sites = projectRun.sites.filter((site) => site.file === path);
      const after = texts.get(path)!;
      const change = changes.get(path);
      if (change) {
        change.after = after;
        change.sites = [...change.sites, ...sites];
      } else {
        const before = project.exists(path) ? readFileSync(toAbsolute(root, path), 'utf8') : undefined;
        changes.set(path, { path, before, after, sites, requestedBy: [], kind: 'source' });
      }
      const outcome = outcomes.get(path);
      if (outcome) outcome.status = 'changed';
    }
  }

  // edits that only work with another edit this run does not make (SiteLink): their files are redone without them
  const unmet = unmetNeeds(changes.values());
  if (unmet.size > 0) {
    const previous = filter;
    const without: SiteFilter = (site) => {
      const needs = unmet.get(site.id);
      if (needs === undefined) return previous ? previous(site) : true;
      return {
        reason: NEEDS_REASON,
        reasonText: 'this edit only works together with another change that this run does not make (left out in review, refused by --verify, an ignore comment or the baseline); made alone it would break the code',
        detail: `needs: ${needs}`,
      };
    };
    return redo(options, project, records, changes, new Set(unmet.keys()), without, carried, support);
  }

  const existing = {
    read(path: string) {
      const pending = changes.get(path);
      if (pending) return pending.after;
      try {
        return readFileSync(toAbsolute(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
    throughSymlink(path: string) {
      const segments = path.split('/').slice(0, -1);
      for (let depth = 1; depth <= segments.length; depth += 1) {
        try {
          if (lstatSync(toAbsolute(root, segments.slice(0, depth).join('/'))).isSymbolicLink()) return true;
        } catch {
          return false; // the rest of the path does not exist yet
        }
      }
      return false;
    },
  };
  const resolved = resolveRequests(finishSupportFiles(requests, chain, project, supportFilter(support, changes)), existing);
  if (resolved.unsupported.size > 0) {
    // Support that cannot be provided (conflicting or existing files, no package.json): redo the
    // files whose edits need it without those edits, so nothing is left with a dangling import.
    const previous = filter;
    const without: SiteFilter = (site) => !resolved.unsupported.has(site.id) && (previous ? previous(site) : true);
    const notes = resolved.errors.map((error) => ({ ...error, message: `${error.message}; the changes that need it were left out` }));
    const refused = new Set([...support.refused, ...resolved.unsupported]);
    return redo(options, project, records, changes, resolved.unsupported, without, [...carried, ...notes], { ...support, refused });
  }
  for (const change of resolved.changes) {
    const pending = changes.get(change.path);
    changes.set(change.path, pending ? { ...change, before: pending.before, sites: pending.sites } : change);
  }
  errors.push(...carried, ...resolved.errors);

  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    root,
    transforms: chain.map((t) => t.definition.id),
    outcomes: [...outcomes.values()].sort(byPath),
    changes: [...changes.values()].sort(byPath),
    errors: errors.sort(byPath),
  };
}

/** Runs the files holding any of the sites `ids` again with `filter` (which leaves them out), and assembles the result. */
function redo(
  options: RunOptions,
  project: Project,
  records: readonly FileRecord[],
  changes: ReadonlyMap<string, FileChange>,
  ids: ReadonlySet<string>,
  filter: SiteFilter,
  carried: Changeset['errors'],
  support: SupportScope,
): Changeset {
  const affected = new Set([...changes.values()].filter((c) => c.sites.some((site) => ids.has(site.id))).map((c) => c.path));
  const keepText = keepsText(options.chain);
  const redone = records.map((record) =>
    affected.has(record.path) ? processFile(record.path, options.chain, project, filter, keepText) : record,
  );
  return assemble({ ...options, filter }, project, redone, carried, support);
}

/** Changed sites whose `needs` (SiteLink) no changed site of the same transform provides: site id -> what it needs. */
export function unmetNeeds(changes: Iterable<FileChange>): Map<string, string> {
  const sites = [...changes].flatMap((change) => change.sites.filter((site) => site.kind === 'changed'));
  const provided = new Set(sites.filter((site) => site.provides !== undefined).map((site) => `${site.transform}\0${site.provides}`));
  const unmet = new Map<string, string>();
  for (const site of sites) if (site.needs !== undefined && !provided.has(`${site.transform}\0${site.needs}`)) unmet.set(site.id, site.needs);
  return unmet;
}

/** What decides the edits inside support files (see support-files.ts). */
export interface SupportScope {
  /** The run keeps only chosen sites (interactive review, change-set computation). */
  reviewed: boolean;
  /** Site ids whose support could not be provided. */
  refused: ReadonlySet<string>;
}

/**
 * Nobody reviews the sites inside support files. A plain run makes them all (as a second run
 * would); a reviewed run makes those of the transforms that still change some source file, so
 * rejecting every site of console-to-logger also keeps it out of harden's own modules.
 */
function supportFilter(support: SupportScope, changes: ReadonlyMap<string, FileChange>): SiteFilter | undefined {
  if (!support.reviewed && support.refused.size === 0) return undefined;
  const active = new Set([...changes.values()].flatMap((change) => change.sites.filter((s) => s.kind === 'changed').map((s) => s.transform)));
  return (site) => !support.refused.has(site.id) && (!support.reviewed || active.has(site.transform));
}

