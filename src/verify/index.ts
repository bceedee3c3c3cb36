/**
 * `--verify`: type-check the project with its own tsconfig and TypeScript before and after the
 * Changeset, in memory, and drop every change set that adds a type error. A change set here is a
 * changed file's sites with the support files and package.json edits they requested. Dropping is a
 * re-run of the engine with a filter that rejects those sites, so everything else is recomputed
 * without them; this repeats (a bounded number of rounds) until no file gains a diagnostic.
 */
import type { Changeset } from '../changeset/changeset.js';
import { toAbsolute } from '../engine/paths.js';
import type { Site, SiteFilter, SiteRefusal } from '../engine/sites.js';

/** The reason of a change `--verify` dropped, in every report. */
export const VERIFY_REASON = 'adds-type-errors';
import { attribute } from './attribute.js';
import { findConfigs } from './configs.js';
import { Checker, newDiagnostics, type Diagnostic, type DiagnosticsByFile } from './diagnostics.js';
import type { Overlay } from './host.js';
import { loadTypeScript } from './typescript.js';

export const MAX_ROUNDS = 10;
const CHECKED = /\.(?:[cm]?ts|tsx|[cm]?js|jsx)$/;

export interface DroppedChangeSet {
  /** The changed file whose change set was dropped. */
  file: string;
  /** Its changed sites. */
  sites: Site[];
  /** Support files and manifests that only came with it. */
  requested: string[];
  /** The new diagnostics it caused (in `file`, in a support file it requested, or elsewhere). */
  diagnostics: Diagnostic[];
  /** True when the diagnostics are in a file the run did not change (found by attribution). */
  attributed: boolean;
}

export type VerifyReport =
  | { mode: 'nothing-to-check' }
  | { mode: 'syntax-only'; reason: string }
  | { mode: 'unavailable'; reason: string }
  | {
      mode: 'typecheck';
      typescript: { version: string; origin: 'project' | 'harden' };
      /** Config files checked (root-relative), after following references. */
      projects: string[];
      rootFiles: number;
      /** Files whose diagnostics were compared (those a change can reach). */
      checkedFiles: number;
      dropped: DroppedChangeSet[];
      /** Changed files no project holds: for them only syntax was checked. */
      uncovered: string[];
      rounds: number;
      /** Changes still adding type errors after MAX_ROUNDS were all dropped. */
      gaveUp: boolean;
      milliseconds: number;
    };

export interface VerifyResult {
  changeset: Changeset;
  report: VerifyReport;
}

/** `rerun(filter)` recomputes the Changeset keeping only the changed sites the filter accepts. */
export function verifyChangeset(changeset: Changeset, rerun: (filter: SiteFilter) => Changeset): VerifyResult {
  const started = performance.now();
  const { root } = changeset;
  if (changeset.changes.length === 0) return { changeset, report: { mode: 'nothing-to-check' } };
  const loaded = loadTypeScript(root);
  const { ts } = loaded;
  const paths = changeset.changes.map((change) => change.path);
  const found = findConfigs(ts, root, paths, overlayOf(changeset));
  if (found.problems.length > 0) {
    return { changeset, report: { mode: 'unavailable', reason: `the project's TypeScript configuration cannot be used: ${found.problems.join('; ')}` } };
  }
  if (found.entries.length === 0) {
    return { changeset, report: { mode: 'syntax-only', reason: 'no tsconfig.json or jsconfig.json: syntax only (every changed file re-parses)' } };
  }
  if (found.projects.every((p) => p.path.endsWith('jsconfig.json') && !p.parsed.options.checkJs)) {
    return { changeset, report: { mode: 'syntax-only', reason: 'jsconfig.json without checkJs: syntax only (every changed file re-parses)' } };
  }

  const checker = new Checker(ts, root, found.projects);
  // only files a change can reach are type-checked, before and after (rounds only shrink the changes)
  const affected = checker.affectedBy(new Set(paths), overlayOf(changeset));
  const baseline = checker.check(new Map(), affected);
  if (checker.rootFiles === 0) {
    const names = [...found.entries, ...found.projects.map((p) => p.path)].filter((p, i, all) => all.indexOf(p) === i);
    return { changeset, report: { mode: 'unavailable', reason: `no program has any root file (${names.join(', ')}): nothing would be type-checked` } };
  }

  const dropped: DroppedChangeSet[] = [];
  const rejected = new Set<string>();
  // a dropped change stays in every report: a skipped site with the first type error it adds
  const refusalFor = (file: string): SiteRefusal => {
    const entry = dropped.find((d) => d.file === file);
    const first = entry?.diagnostics[0];
    return {
      reason: VERIFY_REASON,
      reasonText: '--verify: the changes of this file add type errors to the project, so they were dropped',
      ...(first ? { detail: `${first.file}:${first.line}:${first.column} TS${first.code} ${first.message}` } : {}),
    };
  };
  let current = changeset;
  let rounds = 0;
  let gaveUp = false;
  for (;;) {
    const overlay = overlayOf(current);
    const gained = newDiagnostics(baseline, checker.check(overlay, affected));
    if (gained.size === 0) break;
    rounds += 1;
    if (rounds > MAX_ROUNDS) {
      gaveUp = true;
      for (const change of current.changes.filter((c) => c.kind === 'source')) {
        dropped.push(dropEntry(current, change.path, [...gained.values()].flat(), false));
        rejected.add(change.path);
      }
      current = rerun((site) => refusalFor(site.file));
      break;
    }
    const causes = culprits(current, gained, (file, diagnostics) =>
      attribute({ checker, file, gained: diagnostics, baseline, overlay, suspects: suspectsOf(current) }).causes,
    );
    for (const [file, { diagnostics, attributed }] of causes) {
      dropped.push(dropEntry(current, file, diagnostics, attributed));
      rejected.add(file);
    }
    current = rerun((site) => (rejected.has(site.file) ? refusalFor(site.file) : true));
  }
  const uncovered = current.changes.filter((c) => CHECKED.test(c.path) && !checker.covered.has(c.path)).map((c) => c.path);
  return {
    changeset: current,
    report: {
      mode: 'typecheck',
      typescript: { version: loaded.version, origin: loaded.origin },
      projects: found.projects.map((p) => p.path),
      rootFiles: checker.rootFiles,
      checkedFiles: affected.size,
      dropped,
      uncovered,
      rounds,
      gaveUp,
      milliseconds: Math.round(performance.now() - started),
    },
  };
}

/**
 * Which changed files' change sets to drop this round. A diagnostic in a changed file blames that
 * file; in a new support file, the files whose sites requested it. Only when no changed file has
 * one are diagnostics in unchanged files attributed (the next round re-checks those anyway).
 */
function culprits(
  changeset: Changeset,
  gained: DiagnosticsByFile,
  attributeIn: (file: string, diagnostics: Diagnostic[]) => Map<string, Diagnostic[]>,
): Map<string, { diagnostics: Diagnostic[]; attributed: boolean }> {
  const result = new Map<string, { diagnostics: Diagnostic[]; attributed: boolean }>();
  const blame = (file: string, diagnostics: readonly Diagnostic[], attributed: boolean) => {
    const known = result.get(file) ?? { diagnostics: [], attributed };
    for (const d of diagnostics) if (!known.diagnostics.includes(d)) known.diagnostics.push(d);
    result.set(file, known);
  };
  const changes = new Map(changeset.changes.map((change) => [change.path, change]));
  const siteFiles = new Map(changeset.changes.flatMap((change) => change.sites.map((site) => [site.id, site.file] as const)));
  for (const [file, diagnostics] of gained) {
    const change = changes.get(file);
    if (!change) continue;
    if (change.kind === 'source') blame(file, diagnostics, false);
    else for (const id of change.requestedBy) if (siteFiles.has(id)) blame(siteFiles.get(id)!, diagnostics, false);
  }
  if (result.size > 0) return result;
  for (const [file, diagnostics] of gained) {
    for (const [cause, explained] of attributeIn(file, diagnostics)) blame(cause, explained, true);
  }
  return result;
}

function suspectsOf(changeset: Changeset): Map<string, { absolute: string; before: string | null }> {
  return new Map(
    changeset.changes
      .filter((change) => change.kind === 'source')
      .map((change) => [change.path, { absolute: toAbsolute(changeset.root, change.path), before: change.before ?? null }]),
  );
}

function dropEntry(changeset: Changeset, file: string, diagnostics: Diagnostic[], attributed: boolean): DroppedChangeSet {
  const sites = changeset.changes.filter((c) => c.path === file).flatMap((c) => c.sites.filter((site) => site.kind === 'changed'));
  const ids = new Set(sites.map((site) => site.id));
  const requested = changeset.changes
    .filter((c) => c.kind !== 'source' && c.requestedBy.length > 0 && c.requestedBy.every((id) => ids.has(id)))
    .map((c) => c.path);
  return { file, sites, requested, diagnostics, attributed };
}

/** The Changeset as the in-memory state of the file system: absolute path -> `after` text. */
export function overlayOf(changeset: Changeset): Overlay {
  return new Map(changeset.changes.map((change) => [toAbsolute(changeset.root, change.path), change.after]));
}
