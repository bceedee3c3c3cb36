/**
 * The dry-run patch: a unified diff that `git apply` accepts, new files included, never coloured.
 * Paths are root-relative with `a/` and `b/` prefixes, so it applies from the root.
 */
import { formatPatch, structuredPatch, type StructuredPatch } from 'diff';
import type { Changeset, FileChange } from '../changeset/changeset.js';

/** The patch for one change (a `diff --git` section). */
export function patchFor(change: FileChange, context = 3): string {
  const created = change.before === undefined;
  const patch: StructuredPatch = structuredPatch(
    created ? '/dev/null' : `a/${change.path}`,
    `b/${change.path}`,
    change.before ?? '',
    change.after,
    undefined,
    undefined,
    { context },
  );
  patch.isGit = true;
  if (created) {
    patch.isCreate = true;
    patch.newMode = '100644';
    patch.oldFileName = `a/${change.path}`;
  }
  const text = formatPatch(patch);
  // git apply wants `--- /dev/null` for a created file; jsdiff prints the diff --git name there
  return created ? text.replace(`\n--- a/${change.path}\n`, '\n--- /dev/null\n') : text;
}

export function formatChangesetPatch(changeset: Changeset): string {
  return changeset.changes.map((change) => patchFor(change)).join('');
}
