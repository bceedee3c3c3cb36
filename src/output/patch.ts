/**
 * The dry-run patch: a unified diff that `git apply` accepts, new files included, never coloured.
 * Paths are root-relative with `a/` and `b/` prefixes, so it applies from the root.
 *
 * The lines come from the engine's anchored line diff (near-linear on big files). The
 * hunks are built exactly as jsdiff's `structuredPatch` builds them (context merging, the
 * "\ No newline at end of file" marker) and printed by its `formatPatch`.
 */
import { formatPatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';
import type { Changeset, FileChange } from '../changeset/changeset.js';
import { lineDiff, splitLines, type Run } from '../engine/line-diff.js';

/** The patch for one change (a `diff --git` section). */
export function patchFor(change: FileChange, context = 3): string {
  const created = change.before === undefined;
  const patch: StructuredPatch = {
    oldFileName: created ? '/dev/null' : `a/${change.path}`,
    newFileName: `b/${change.path}`,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: hunksOf(lineDiff(splitLines(change.before ?? ''), splitLines(change.after)), context),
  };
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

/** jsdiff's `structuredPatch` hunk building, over runs instead of its own diff. */
function hunksOf(runs: readonly Run[], context: number): StructuredPatchHunk[] {
  const diff = [...runs, { kind: 'equal' as const, lines: [] }];
  const contextLines = (lines: readonly string[]) => lines.map((line) => ` ${line}`);
  const hunks: StructuredPatchHunk[] = [];
  let oldRangeStart = 0;
  let newRangeStart = 0;
  let range: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < diff.length; i += 1) {
    const current = diff[i]!;
    const { lines } = current;
    if (current.kind !== 'equal') {
      if (!oldRangeStart) {
        const prev = diff[i - 1];
        oldRangeStart = oldLine;
        newRangeStart = newLine;
        if (prev) {
          range = context > 0 ? contextLines(prev.lines.slice(-context)) : [];
          oldRangeStart -= range.length;
          newRangeStart -= range.length;
        }
      }
      for (const line of lines) range.push((current.kind === 'added' ? '+' : '-') + line);
      if (current.kind === 'added') newLine += lines.length;
      else oldLine += lines.length;
    } else {
      if (oldRangeStart) {
        if (lines.length <= context * 2 && i < diff.length - 2) {
          for (const line of contextLines(lines)) range.push(line);
        } else {
          const contextSize = Math.min(lines.length, context);
          for (const line of contextLines(lines.slice(0, contextSize))) range.push(line);
          hunks.push({
            oldStart: oldRangeStart,
            oldLines: oldLine - oldRangeStart + contextSize,
            newStart: newRangeStart,
            newLines: newLine - newRangeStart + contextSize,
            lines: range,
          });
          oldRangeStart = 0;
          newRangeStart = 0;
          range = [];
        }
      }
      oldLine += lines.length;
      newLine += lines.length;
    }
  }
  for (const hunk of hunks) {
    for (let i = 0; i < hunk.lines.length; i += 1) {
      if (hunk.lines[i]!.endsWith('\n')) hunk.lines[i] = hunk.lines[i]!.slice(0, -1);
      else {
        hunk.lines.splice(i + 1, 0, '\\ No newline at end of file');
        i += 1;
      }
    }
  }
  return hunks;
}
