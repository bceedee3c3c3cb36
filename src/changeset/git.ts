/**
 * The dirty-tree guard: write mode refuses to touch files that have uncommitted changes, so the
 * user can always review and undo harden's edits with git alone.
 */
import { spawnSync } from 'node:child_process';

/**
 * The subset of `paths` (root-relative) with uncommitted changes (modified, staged or untracked),
 * or undefined when `root` is not inside a git work tree.
 */
export function dirtyFiles(root: string, paths: readonly string[]): string[] | undefined {
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, encoding: 'utf8' });
  if (inside.status !== 0 || inside.stdout.trim() !== 'true') return undefined;
  if (paths.length === 0) return [];
  const status = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (status.status !== 0) throw new Error(`git status failed: ${status.stderr.trim()}`);
  const dirty: string[] = [];
  const entries = status.stdout.split('\0').filter(Boolean);
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index]!;
    const code = entry.slice(0, 2);
    dirty.push(entry.slice(3));
    if (code.startsWith('R') || code.startsWith('C')) index += 1; // the rename's source path follows
  }
  const wanted = new Set(paths);
  return dirty.filter((path) => wanted.has(path)).sort();
}
