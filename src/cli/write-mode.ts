/**
 * Write mode, shared by `harden apply` and the end of an interactive review: refuse files with
 * uncommitted changes (unless --allow-dirty), refuse what cannot be written safely together with
 * everything that depends on it, write atomically, then summarise on stderr, ending with the
 * install command when a package.json was edited (the lockfile is stale until it runs).
 */
import type { Changeset } from '../changeset/changeset.js';
import { dirtyFiles } from '../changeset/git.js';
import { findRefusals, writeChangeset, type WriteRefusal } from '../changeset/write.js';
import { formatSummary } from '../output/text.js';
import type { Colors } from './color.js';
import { EXIT } from './errors.js';
import { formatLockfileHints, lockfileHints } from './lockfile.js';
import type { Io } from './io.js';

export interface WriteOptions {
  allowDirty?: boolean;
  verbose?: boolean;
}

/** Existing files the Changeset would write that have uncommitted changes (empty with --allow-dirty). */
export function dirtyTargets(changeset: Changeset, options: WriteOptions): string[] {
  if (options.allowDirty) return [];
  const existing = changeset.changes.filter((change) => change.before !== undefined).map((change) => change.path);
  return dirtyFiles(changeset.root, existing) ?? [];
}

export function reportDirty(dirty: readonly string[], io: Io, c: Colors): void {
  io.stderr.write(
    `${c.red('error')}: these files have uncommitted changes; commit or stash them first, or pass --allow-dirty:\n` +
      dirty.map((path) => `  ${path}\n`).join('') +
      'nothing was written\n',
  );
}

export interface WriteOutcome {
  code: number;
  /** The part of the Changeset that was written (for reports). */
  written: Changeset;
}

export async function writeMode(changeset: Changeset, options: WriteOptions, io: Io, c: Colors): Promise<WriteOutcome> {
  const dirty = dirtyTargets(changeset, options);
  if (dirty.length > 0) {
    reportDirty(dirty, io, c);
    return { code: EXIT.error, written: { ...changeset, changes: [] } };
  }

  const refusals = withDependents(changeset, findRefusals(changeset));
  const refused = new Set(refusals.map((refusal) => refusal.path));
  const result = await writeChangeset(changeset, refused, io.interrupted);
  const written = new Set(result.written);
  const shown: Changeset = {
    ...changeset,
    changes: changeset.changes.filter((change) => written.has(change.path)),
    errors: [...changeset.errors, ...result.failed.map(({ path, message }) => ({ path, message: `write failed: ${message}` }))],
  };
  io.stderr.write(formatSummary(shown, { verbose: Boolean(options.verbose), colors: c, verb: 'changed' }));
  io.stderr.write(formatLockfileHints(lockfileHints(changeset.root, shown.changes)));
  for (const refusal of refusals) io.stderr.write(`${c.yellow('not written')} ${refusal.path}: ${refusal.reason}\n`);
  if (result.interrupted) {
    const left = changeset.changes.length - refused.size - result.written.length - result.failed.length;
    io.stderr.write(`interrupted: ${result.written.length} file(s) written, ${left} left unwritten; every file is whole\n`);
    return { code: EXIT.interrupted, written: shown };
  }
  return { code: shown.errors.length > 0 ? EXIT.error : EXIT.ok, written: shown };
}

/**
 * A refused file takes with it what depends on it: sources that need a refused support file, and
 * support files only refused sources need, so a write never leaves a dangling import.
 */
function withDependents(changeset: Changeset, refusals: WriteRefusal[]): WriteRefusal[] {
  const all = [...refusals];
  const refused = () => new Set(all.map((r) => r.path));
  let grew = true;
  while (grew) {
    grew = false;
    const paths = refused();
    const refusedSites = new Set(
      changeset.changes.filter((c) => paths.has(c.path)).flatMap((c) => c.sites.map((site) => site.id)),
    );
    const neededByRefusedSupport = new Set(
      changeset.changes.filter((c) => paths.has(c.path) && c.kind !== 'source').flatMap((c) => c.requestedBy),
    );
    for (const change of changeset.changes) {
      if (paths.has(change.path)) continue;
      if (change.kind === 'source' && change.sites.some((site) => neededByRefusedSupport.has(site.id))) {
        all.push({ path: change.path, reason: 'needs a support file or dependency that cannot be written' });
        grew = true;
      } else if (change.kind !== 'source' && change.requestedBy.length > 0 && change.requestedBy.every((id) => refusedSites.has(id))) {
        all.push({ path: change.path, reason: 'only needed by changes that cannot be written' });
        grew = true;
      }
    }
  }
  return all;
}
