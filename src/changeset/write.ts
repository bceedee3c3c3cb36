/**
 * Writing a Changeset. Every check is made twice: once for all files before anything is written
 * (so a refusal takes its dependents with it), and again for each file immediately before its own
 * rename, because the user, an editor or another tool may change the tree while harden writes:
 *
 * - the file's bytes must still be the ones harden read (a concurrent edit is never overwritten);
 * - it must still be the regular file harden checked (same device and inode, not a symlink);
 * - every directory from the root down to it must be a real directory inside the root (realpath of
 *   the parent equals its path), so neither the target nor a parent swapped for a symlink can
 *   redirect the write;
 * - the user must be able to write it (`access(W_OK)`), it must not be read-only, and replacing it
 *   must not change its owner.
 *
 * A file is written as a temp file in its own (real) directory, opened with O_EXCL|O_NOFOLLOW,
 * given the original's mode (and owner, when running as root), fsynced, then renamed over the
 * original; a new file is linked into place, which fails if something appeared there meanwhile.
 * Support files and manifests are written before the sources that import them, so an interrupted
 * or failed run never leaves a source importing a module that was not written. Each file is
 * written synchronously: a signal can only be handled between two files, never inside one.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isInside, toAbsolute } from '../engine/paths.js';
import type { Changeset, FileChange } from './changeset.js';

export interface WriteRefusal {
  path: string;
  reason: string;
}

/** Who is writing: injectable so the owner rules can be tested without a second user. */
export interface Writer {
  uid: number | undefined;
}

/** The file already holds the new bytes: nothing to write (a check's answer, not a refusal). */
const SAME = '\0same';

const currentWriter = (): Writer => ({ uid: process.getuid?.() });

/**
 * Changes that cannot be written, with the reason, checked before anything is written; a refused
 * file takes with it what depends on it (see `withDependents`).
 */
export function findRefusals(changeset: Changeset, writer: Writer = currentWriter()): WriteRefusal[] {
  const realRoot = realpathSync(changeset.root);
  const refusals: WriteRefusal[] = [];
  for (const change of changeset.changes) {
    const reason = checkTarget(realRoot, change, writer);
    if (reason && reason !== SAME) refusals.push({ path: change.path, reason });
  }
  return withDependents(changeset, refusals);
}

/** Support files first, then manifests, then sources: what is imported exists before its importers. */
export function writeOrder(changes: readonly FileChange[]): FileChange[] {
  const rank = { 'support-file': 0, manifest: 1, source: 2 } as const;
  return [...changes].sort((a, b) => rank[a.kind] - rank[b.kind] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Why `change` cannot be written now, or undefined. `planned` is the target's lstat from an earlier
 * check: the file must still be that file.
 */
function checkTarget(realRoot: string, change: FileChange, writer: Writer, planned?: Stats): string | undefined {
  const absolute = toAbsolute(realRoot, change.path);
  const parent = dirname(absolute);
  if (change.before === undefined) {
    if (exists(absolute)) return 'a file appeared at this path since the run started';
    // the directories to be created do not exist yet; the nearest existing one must be real
    const existing = nearestExisting(parent);
    const problem = directoryProblem(realRoot, existing);
    if (problem) return problem;
    return writableDirectory(existing);
  }
  let stat: Stats;
  try {
    stat = lstatSync(absolute);
  } catch {
    return 'no longer exists';
  }
  if (stat.isSymbolicLink()) return 'is a symlink; harden does not write through symlinks';
  if (!stat.isFile()) return 'is no longer a regular file';
  const problem = directoryProblem(realRoot, parent);
  if (problem) return problem;
  if (planned && (planned.dev !== stat.dev || planned.ino !== stat.ino)) return 'was replaced by another file since harden checked it; not overwritten';
  if ((stat.mode & 0o222) === 0) return 'read-only file';
  try {
    accessSync(absolute, constants.W_OK);
  } catch {
    return 'not writable by you';
  }
  if (writer.uid !== undefined && writer.uid !== 0 && stat.uid !== writer.uid) {
    return `owned by another user (uid ${stat.uid}); replacing it would make it yours`;
  }
  const directory = writableDirectory(parent);
  if (directory) return directory;
  const current = readNoFollow(absolute);
  if (current === change.after) return SAME;
  if (current !== change.before) return 'changed on disk since harden read it; not overwritten';
  return undefined;
}

/** A directory on the path that is a symlink (in or out of the root), or that left the root. */
function directoryProblem(realRoot: string, directory: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(directory);
  } catch {
    return 'its directory no longer exists';
  }
  if (!isInside(realRoot, real)) return 'leads outside the root through a symlink';
  if (real !== directory) return 'a directory on its path is a symlink; harden does not write through symlinks';
  return undefined;
}

function writableDirectory(directory: string): string | undefined {
  try {
    accessSync(directory, constants.W_OK);
    return undefined;
  } catch {
    return 'its directory is not writable by you';
  }
}

function nearestExisting(directory: string): string {
  let probe = directory;
  while (!exists(probe) && dirname(probe) !== probe) probe = dirname(probe);
  return probe;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function readNoFollow(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export interface WriteResult {
  /** Written, in write order. */
  written: string[];
  /** Refused at write time (the tree changed while harden wrote), with the reason. */
  refused: WriteRefusal[];
  failed: { path: string; message: string }[];
  /** Not written because the run was interrupted. */
  unwritten: string[];
  interrupted: boolean;
}

/**
 * Writes every change not in `skip`, support files and manifests first. `shouldStop` is polled
 * between files (Ctrl-C, SIGTERM); the event loop gets a turn between files so a signal is seen.
 */
export async function writeChangeset(
  changeset: Changeset,
  skip: ReadonlySet<string>,
  shouldStop: () => boolean,
  writer: Writer = currentWriter(),
): Promise<WriteResult> {
  const result: WriteResult = { written: [], refused: [], failed: [], unwritten: [], interrupted: false };
  const realRoot = realpathSync(changeset.root);
  const order = writeOrder(changeset.changes.filter((change) => !skip.has(change.path)));
  const planned = new Map<string, Stats>();
  for (const change of order) {
    if (change.before === undefined) continue;
    try {
      planned.set(change.path, lstatSync(toAbsolute(realRoot, change.path)));
    } catch {
      // checkTarget reports it
    }
  }
  // site ids whose support file or dependency edit was not written: their sources must not be
  const missingSupport = new Set<string>();
  for (const change of order) {
    await new Promise((resolve) => setImmediate(resolve));
    if (result.interrupted || shouldStop()) {
      result.interrupted = true;
      result.unwritten.push(change.path);
      continue;
    }
    if (change.kind === 'source' && change.sites.some((site) => missingSupport.has(site.id))) {
      result.refused.push({ path: change.path, reason: 'needs a support file or dependency that was not written' });
      continue;
    }
    let ok = false;
    try {
      const reason = writeOne(realRoot, change, writer, planned.get(change.path));
      if (reason === undefined) {
        result.written.push(change.path);
        ok = true;
      } else if (reason === SAME) ok = true;
      else result.refused.push({ path: change.path, reason });
    } catch (error) {
      result.failed.push({ path: change.path, message: (error as Error).message });
    }
    if (!ok && change.kind !== 'source') change.requestedBy.forEach((id) => missingSupport.add(id));
  }
  return result;
}

/** Writes one change; returns a refusal reason (or SAME) instead of writing when a check fails. */
function writeOne(realRoot: string, change: FileChange, writer: Writer, planned: Stats | undefined): string | undefined {
  const absolute = toAbsolute(realRoot, change.path);
  const parent = dirname(absolute);
  const first = checkTarget(realRoot, change, writer, planned);
  if (first) return first;
  if (change.before === undefined) {
    const problem = makeDirectories(realRoot, parent);
    if (problem) return problem;
  }
  const original = change.before === undefined ? undefined : lstatSync(absolute);
  const temp = join(parent, `.${basename(absolute)}.${randomBytes(6).toString('hex')}.harden-tmp`);
  const fd = openSync(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    original ? 0o600 : 0o666, // a new file gets the umask's mode, an existing one its own below
  );
  let placed = false;
  try {
    try {
      const bytes = Buffer.from(change.after, 'utf8');
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      if (original) {
        if (writer.uid === 0) fchownSync(fd, original.uid, original.gid);
        else keepGroup(fd, original.gid);
        fchmodSync(fd, original.mode & 0o7777);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // the last look, immediately before the file is replaced
    const last = checkTarget(realRoot, change, writer, planned ?? original);
    if (last) return last === SAME ? 'changed on disk since harden read it; not overwritten' : last;
    if (original) renameSync(temp, absolute);
    else placeNew(temp, absolute);
    placed = true;
    syncDirectory(parent);
    return undefined;
  } finally {
    if (!placed) unlinkQuietly(temp);
  }
}

/** Creates the missing directories one level at a time, each checked to be real and inside the root. */
function makeDirectories(realRoot: string, directory: string): string | undefined {
  const missing: string[] = [];
  let probe = directory;
  while (!exists(probe)) {
    missing.unshift(probe);
    probe = dirname(probe);
  }
  for (const dir of missing) {
    const problem = directoryProblem(realRoot, dirname(dir));
    if (problem) return problem;
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return directoryProblem(realRoot, directory);
}

/** link() refuses an existing target, so a file that appeared meanwhile is never replaced. */
function placeNew(temp: string, target: string): void {
  try {
    linkSync(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error('a file appeared at this path while harden was writing it');
    // file systems without hard links: the checks just made are the guard
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    if (exists(target)) throw new Error('a file appeared at this path while harden was writing it');
    renameSync(temp, target);
    return;
  }
  unlinkQuietly(temp);
}

function keepGroup(fd: number, gid: number): void {
  try {
    fchownSync(fd, -1, gid);
  } catch {
    // not a member of that group: the file takes the user's group, as any editor would leave it
  }
}

function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // not supported everywhere; the rename itself is atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * A refused file takes with it what depends on it: sources that need a refused support file, and
 * support files only refused sources need, so a write never leaves a dangling import.
 */
export function withDependents(changeset: Changeset, refusals: readonly WriteRefusal[]): WriteRefusal[] {
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
