/**
 * Write mode, shared by `harden apply` and the end of an interactive review: refuse files with
 * uncommitted changes (unless --allow-dirty), refuse what cannot be written safely together with
 * everything that depends on it, write atomically, then summarise on stderr; when a package.json
 * was edited, update its lockfile (or, with --no-install, say which command does).
 */
import type { Changeset } from '../changeset/changeset.js';
import { checkDirty } from '../changeset/git.js';
import { findRefusals, writeChangeset } from '../changeset/write.js';
import { formatSummary } from '../output/text.js';
import type { Colors } from '../output/color.js';
import { EXIT } from '../errors.js';
import { formatLockfileHints, formatLockfileUpdates, lockfileHints, updateLockfiles } from './lockfile.js';
import type { Io } from './io.js';

export interface WriteOptions {
  allowDirty?: boolean;
  verbose?: boolean;
  /** false (`--no-install`): print the lockfile command instead of running it. */
  install?: boolean;
}

/**
 * The dirty-tree guard before any write: false (after saying why) when a file the Changeset would
 * change has uncommitted changes or git cannot tell; --allow-dirty skips it. Files outside any git
 * repository are allowed, with a note.
 */
export function passesDirtyGuard(changeset: Changeset, options: WriteOptions, io: Io, c: Colors): boolean {
  if (options.allowDirty) return true;
  const existing = changeset.changes.filter((change) => change.before !== undefined).map((change) => change.path);
  const report = checkDirty(changeset.root, existing);
  for (const { paths, message } of report.unanswered) {
    const others = paths.length > 1 ? ` (and ${paths.length - 1} other file${paths.length > 2 ? 's' : ''} of that repository)` : '';
    io.stderr.write(
      `${c.red('error')}: git could not tell whether ${paths[0]}${others} has uncommitted changes: ${message}; commit or pass --allow-dirty\n`,
    );
  }
  if (report.dirty.length > 0) {
    io.stderr.write(
      `${c.red('error')}: these files have uncommitted changes; commit or stash them first, or pass --allow-dirty:\n` +
        report.dirty.map((path) => `  ${path}\n`).join(''),
    );
  }
  if (report.unanswered.length > 0 || report.dirty.length > 0) {
    io.stderr.write('nothing was written\n');
    return false;
  }
  if (report.outsideGit.length > 0) {
    const first = report.outsideGit.slice(0, 3).join(', ');
    const more = report.outsideGit.length > 3 ? ` and ${report.outsideGit.length - 3} more` : '';
    io.stderr.write(`note: ${report.outsideGit.length} file(s) are in no git repository, so the uncommitted-changes guard cannot protect them: ${first}${more}\n`);
  }
  return true;
}

export interface WriteOutcome {
  code: number;
  /** The part of the Changeset that was written (for reports). */
  written: Changeset;
}

export async function writeMode(changeset: Changeset, options: WriteOptions, io: Io, c: Colors): Promise<WriteOutcome> {
  if (!passesDirtyGuard(changeset, options, io, c)) return { code: EXIT.error, written: { ...changeset, changes: [] } };

  const refusals = findRefusals(changeset);
  const refused = new Set(refusals.map((refusal) => refusal.path));
  const result = await writeChangeset(changeset, refused, io.interrupted);
  const written = new Set(result.written);
  const notWritten = [...refusals, ...result.refused];
  const shown: Changeset = {
    ...changeset,
    changes: changeset.changes.filter((change) => written.has(change.path)),
    errors: [...changeset.errors, ...result.failed.map(({ path, message }) => ({ path, message: `write failed: ${message}` }))],
  };
  io.stderr.write(formatSummary(shown, { verbose: Boolean(options.verbose), colors: c, verb: 'changed' }));
  const hints = lockfileHints(changeset.root, shown.changes);
  if (options.install === false || result.interrupted || io.interrupted()) io.stderr.write(formatLockfileHints(hints));
  else if (hints.length > 0) io.stderr.write(formatLockfileUpdates(await updateLockfiles(changeset.root, hints)));
  for (const refusal of notWritten) io.stderr.write(`${c.yellow('not written')} ${refusal.path}: ${refusal.reason}\n`);
  if (result.interrupted) {
    io.stderr.write(
      `interrupted: ${result.written.length} file(s) written, ${result.unwritten.length} left unwritten; every file is whole\n` +
        listed('written', result.written) +
        listed('not written', result.unwritten),
    );
    return { code: EXIT.interrupted, written: shown };
  }
  return { code: shown.errors.length > 0 || notWritten.length > 0 ? EXIT.error : EXIT.ok, written: shown };
}

/** Up to 20 paths under a heading, then how many more. */
function listed(heading: string, paths: readonly string[]): string {
  if (paths.length === 0) return '';
  const shown = paths.slice(0, 20).map((path) => `  ${path}\n`).join('');
  return `${heading}:\n${shown}${paths.length > 20 ? `  ... and ${paths.length - 20} more\n` : ''}`;
}
