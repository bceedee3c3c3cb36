/**
 * A change set's diff for the terminal: the same unified diff as the patch, coloured when stderr
 * takes colour (additions green, deletions red, hunk headers cyan, file headers bold).
 */
import type { FileChange } from '../changeset/changeset.js';
import type { Colors } from '../output/color.js';
import { patchFor } from '../output/patch.js';

export function renderDiff(changes: readonly FileChange[], c: Colors): string {
  return changes
    .map((change) => patchFor(change))
    .join('')
    .split('\n')
    .map((line) => {
      if (line.startsWith('diff --git') || line.startsWith('--- ') || line.startsWith('+++ ')) return c.bold(line);
      if (line.startsWith('@@')) return c.cyan(line);
      if (line.startsWith('+')) return c.green(line);
      if (line.startsWith('-')) return c.red(line);
      return line;
    })
    .join('\n');
}
