/**
 * Write mode, shared by `harden apply` and the end of an interactive review: refuse files with
 * uncommitted changes (unless --allow-dirty), refuse what cannot be written safely together with
 * everything that depends on it, write atomically, then summarise on stderr.
 */
import type { Changeset } from '../changeset/changeset.js';
import { dirtyFiles } from '../changeset/git.js';
import { findRefusals, writeChangeset } from '../changeset/write.js';
import { formatSummary } from '../output/text.js';
import type { Colors } from './color.js';
import { EXIT } from './errors.js';
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
