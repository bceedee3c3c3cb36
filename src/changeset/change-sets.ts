/**
 * Change sets: the unit of review and of per-site reports. A change set is one changed site with
 * every edit it depends on — its edit of the source file (with the import it adds), the support
 * files it requests and the package.json dependency — computed by re-running the chain with only
 * that site accepted. Accepting a selection is the same re-run with the selected sites: support
 * files and dependencies nobody selected disappear, so no selection leaves a dangling import.
 */
import type { Discovery } from '../engine/discover.js';
import { run } from './run.js';
import type { ResolvedTransform } from '../engine/run-file.js';
import type { Site } from '../engine/sites.js';
import type { Changeset, FileChange } from './changeset.js';

export interface ChangeSet {
  /** The site's id (`transform:file:line:column:ordinal`). */
  id: string;
  site: Site;
  /** The files this site alone would change: its source, support files, package.json edits. */
  changes: FileChange[];
  /**
   * True when the site's edit could not be shown alone (a later transform's edit that builds on
   * an earlier one); `changes` then shows every change of its file.
   */
  combined: boolean;
}

export interface RunInput {
  root: string;
  discovery: Discovery;
  chain: readonly ResolvedTransform[];
}

/** Every changed site of the Changeset, in file and position order. */
export function changedSites(changeset: Changeset): Site[] {
  return changeset.changes
    .filter((change) => change.kind === 'source')
    .flatMap((change) => change.sites)
    .filter((site) => site.kind === 'changed');
}

/** One change set per changed site, in the Changeset's order. */
export function computeChangeSets(changeset: Changeset, input: RunInput): ChangeSet[] {
  const lazy = lazyChangeSets(changeset, input);
  return Array.from({ length: lazy.length }, (_, index) => lazy.get(index));
}

/** Change sets computed on demand (a capped report computes only those it shows). */
export interface LazyChangeSets {
  readonly length: number;
  get(index: number): ChangeSet;
}

export function lazyChangeSets(changeset: Changeset, input: RunInput): LazyChangeSets {
  const sites = changedSites(changeset);
  const cache = new Map<number, ChangeSet>();
  return {
    length: sites.length,
    get(index) {
      const known = cache.get(index);
      if (known) return known;
      const set = changeSetOf(sites[index]!, changeset, input);
      cache.set(index, set);
      return set;
    },
  };
}

function changeSetOf(site: Site, changeset: Changeset, input: RunInput): ChangeSet {
  const scope = input.chain.find((t) => t.definition.id === site.transform)?.definition.scope;
  const source = changeset.changes.find((change) => change.path === site.file && change.kind === 'source');
  const requestsSomething = changeset.changes.some((change) => change.requestedBy.includes(site.id));
  // the changes it only works with (SiteLink): pino-http's mount for a handler's req.log
  const providers = site.needs === undefined ? [] : changedSites(changeset).filter((s) => s.transform === site.transform && s.provides === site.needs);
  // The only changed site of its file, needing nothing else: its change set is the file's change.
  if (scope === 'file' && source && !requestsSomething && providers.length === 0 && source.sites.filter((s) => s.kind === 'changed').length === 1) {
    return { id: site.id, site, changes: [source], combined: false };
  }
  // A file-level site is re-run on its own file only, but with the whole project as context: lean,
  // paginate and the logger choice prove a site from other files (callers, models, the project's
  // logger). A project-level one needs the whole run.
  const files = [...new Set([site.file, ...providers.map((s) => s.file)])].sort();
  const discovery =
    scope === 'project'
      ? input.discovery
      : { ...input.discovery, files, skipped: [], projectFiles: input.discovery.projectFiles ?? input.discovery.files };
  const own = new Set([site.id, ...providers.map((s) => s.id)]);
  const alone = run({ ...input, discovery, filter: (candidate) => own.has(candidate.id) });
  if (alone.changes.some((change) => change.sites.some((s) => s.id === site.id))) {
    return { id: site.id, site, changes: alone.changes, combined: false };
  }
  const sameFile = new Set([...own, ...changedSites(changeset).filter((s) => s.file === site.file).map((s) => s.id)]);
  const together = run({ ...input, discovery, filter: (candidate) => sameFile.has(candidate.id) });
  return { id: site.id, site, changes: together.changes, combined: true };
}

/** The Changeset of exactly the accepted sites (support files and dependencies follow them). */
export function selectChangeSets(accepted: ReadonlySet<string>, input: RunInput): Changeset {
  return run({ ...input, filter: (site) => accepted.has(site.id) });
}
