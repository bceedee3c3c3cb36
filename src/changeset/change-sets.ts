/**
 * Change sets: the unit of review and of per-site reports. A change set is one changed site with
 * every edit it depends on — its edit of the source file (with the import it adds), the support
 * files it requests and the package.json dependency — computed by re-running the chain with only
 * that site accepted. Accepting a selection is the same re-run with the selected sites: support
 * files and dependencies nobody selected disappear, so no selection leaves a dangling import.
 */
import type { Discovery } from '../engine/discover.js';
import { run } from '../engine/run.js';
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
  const scopeOf = new Map(input.chain.map((t) => [t.definition.id, t.definition.scope]));
  return changedSites(changeset).map((site) => {
    // A file-level site needs only its own file; a project-level one the whole run.
    const discovery = scopeOf.get(site.transform) === 'project' ? input.discovery : { files: [site.file], skipped: [] };
    const alone = run({ ...input, discovery, filter: (candidate) => candidate.id === site.id });
    if (alone.changes.some((change) => change.sites.some((s) => s.id === site.id))) {
      return { id: site.id, site, changes: alone.changes, combined: false };
    }
    const sameFile = new Set(changedSites(changeset).filter((s) => s.file === site.file).map((s) => s.id));
    const together = run({ ...input, discovery, filter: (candidate) => sameFile.has(candidate.id) });
    return { id: site.id, site, changes: together.changes, combined: true };
  });
}

/** The Changeset of exactly the accepted sites (support files and dependencies follow them). */
export function selectChangeSets(accepted: ReadonlySet<string>, input: RunInput): Changeset {
  return run({ ...input, filter: (site) => accepted.has(site.id) });
}
