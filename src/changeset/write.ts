/**
 * Writing a Changeset: refuse what must not be written (read-only files, paths that lead out of
 * the root through a symlink), then write each file atomically (temp file + rename, mode kept),
 * only when its bytes differ. An interrupt between two writes stops before the next one, so
 * every file is either wholly old or wholly new.
 */
import { lstatSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { isInside, toAbsolute } from '../engine/paths.js';
import type { Changeset, FileChange } from './changeset.js';

export interface WriteRefusal {
  path: string;
  reason: string;
}

/** Changes that cannot be written, with the reason; checked before anything is written. */
export function findRefusals(changeset: Changeset): WriteRefusal[] {
  const refusals: WriteRefusal[] = [];
  const realRoot = realpathSync(changeset.root);
  for (const change of changeset.changes) {
    const absolute = toAbsolute(changeset.root, change.path);
    const reason = refusalReason(realRoot, absolute, change);
    if (reason) refusals.push({ path: change.path, reason });
  }
  return refusals;
}

function refusalReason(realRoot: string, absolute: string, change: FileChange): string | undefined {
  let probe = absolute;
  if (change.before === undefined) {
    // a new file: its nearest existing ancestor must lie inside the root, and the path must be free
    try {
      lstatSync(absolute);
      return 'a file appeared at this path since the run started';
    } catch {
      // expected: the file does not exist
    }
    while (!exists(probe)) probe = dirname(probe);
  } else {
    try {
      if (lstatSync(absolute).isSymbolicLink()) return 'is a symlink; harden does not write through symlinks';
    } catch {
      return 'no longer exists';
    }
  }
  let real: string;
  try {
    real = realpathSync(probe);
  } catch {
    return 'cannot resolve the path';
  }
  if (!isInside(realRoot, real)) return 'leads outside the root through a symlink';
  if (change.before !== undefined) {
    const mode = statSync(absolute).mode;
    if ((mode & 0o222) === 0) return 'read-only file';
    if (readFileSync(absolute, 'utf8') !== change.before) return 'changed on disk since the run read it';
  }
  return undefined;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface WriteResult {
  written: string[];
  failed: { path: string; message: string }[];
  interrupted: boolean;
}

/**
 * Writes every change not refused. `shouldStop` is polled between files (Ctrl-C).
 */
export async function writeChangeset(
  changeset: Changeset,
  skip: ReadonlySet<string>,
  shouldStop: () => boolean,
): Promise<WriteResult> {
  const result: WriteResult = { written: [], failed: [], interrupted: false };
  for (const change of changeset.changes) {
    if (skip.has(change.path)) continue;
    if (shouldStop()) {
      result.interrupted = true;
      break;
    }
    const absolute = toAbsolute(changeset.root, change.path);
    try {
      if (change.before === undefined) mkdirSync(dirname(absolute), { recursive: true });
      else if (readFileSync(absolute, 'utf8') === change.after) continue;
      await writeFileAtomic(absolute, change.after, { encoding: 'utf8', fsync: true });
      result.written.push(change.path);
    } catch (error) {
      result.failed.push({ path: change.path, message: (error as Error).message });
    }
  }
  return result;
}
