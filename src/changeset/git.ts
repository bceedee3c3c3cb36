/**
 * The dirty-tree guard: write mode refuses to touch files that have uncommitted changes, so the
 * user can always review and undo harden's edits with git alone.
 *
 * Each file is asked about in the repository that owns it: the target may contain several
 * repositories, nested repositories and submodules. The owner is the nearest directory holding a
 * `.git` entry (directory or file), confirmed by `git rev-parse --show-toplevel` once per such
 * directory. Each repository is asked once, with one `git status --porcelain=v1 -z` limited to the
 * files' common directory (one literal pathspec, never the file list: no ARG_MAX limit, no
 * pathspec magic in file names). When git
 * cannot answer (not on PATH, a repository it refuses such as "dubious ownership"), the guard fails
 * closed: the caller refuses to write unless --allow-dirty. A file with no `.git` above it is
 * genuinely outside any repository and is allowed; the caller says so.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { toAbsolute } from '../engine/paths.js';

export interface DirtyReport {
  /** Root-relative paths with uncommitted changes (modified, staged or untracked), sorted. */
  dirty: string[];
  /** Root-relative paths inside no git repository: the guard cannot protect them. */
  outsideGit: string[];
  /** Files git could not answer for, grouped by git's message. */
  unanswered: { paths: string[]; message: string }[];
}

export interface GitOptions {
  /** The environment for git (PATH decides which git runs). */
  env?: NodeJS.ProcessEnv;
}

/** Asks git about each of `paths` (root-relative) in the repository that owns it. */
export function checkDirty(root: string, paths: readonly string[], options: GitOptions = {}): DirtyReport {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), GIT_LITERAL_PATHSPECS: '1', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  const report: DirtyReport = { dirty: [], outsideGit: [], unanswered: [] };
  const owners = new Map<string, string | undefined>();
  const byCandidate = new Map<string, string[]>();
  for (const path of paths) {
    const candidate = nearestGitDir(dirname(toAbsolute(root, path)), owners);
    if (candidate === undefined && !env.GIT_DIR) report.outsideGit.push(path);
    else {
      const key = candidate ?? dirname(toAbsolute(root, path));
      byCandidate.set(key, [...(byCandidate.get(key) ?? []), path]);
    }
  }

  const byTop = new Map<string, string[]>();
  for (const [candidate, group] of byCandidate) {
    const top = git(['-C', candidate, 'rev-parse', '--show-toplevel'], env);
    if ('error' in top) report.unanswered.push({ paths: group, message: top.error });
    else {
      const dir = realOrSelf(top.stdout.replace(/\n$/, ''));
      byTop.set(dir, [...(byTop.get(dir) ?? []), ...group]);
    }
  }

  for (const [top, group] of byTop) {
    // one literal pathspec, the files' common directory: a repository much larger than the target
    // (a dotfiles repository in $HOME) is not walked as a whole
    const common = commonDirectory(group.map((path) => relative(top, dirname(toAbsolute(root, path)))));
    const scope = common === '' || common.startsWith('..') ? [] : ['--', common.split(sep).join('/')];
    const status = git(['-C', top, 'status', '--porcelain=v1', '-z', '--untracked-files=all', ...scope], env);
    if ('error' in status) {
      report.unanswered.push({ paths: group, message: status.error });
      continue;
    }
    const dirty = parsePorcelain(status.stdout);
    for (const path of group) {
      const inRepo = relative(top, toAbsolute(root, path)).split(sep).join('/');
      if (dirty.has(inRepo)) report.dirty.push(path);
    }
  }
  report.dirty.sort();
  return report;
}

/** The longest common leading directory of several relative directories ('' for the repository itself). */
function commonDirectory(directories: readonly string[]): string {
  const split = directories.map((dir) => (dir === '' ? [] : dir.split(sep)));
  const first = split[0] ?? [];
  let length = first.length;
  for (const parts of split) {
    let same = 0;
    while (same < length && same < parts.length && parts[same] === first[same]) same += 1;
    length = same;
  }
  return first.slice(0, length).join(sep);
}

/** Paths named by `git status --porcelain=v1 -z` (both sides of a rename or copy). */
function parsePorcelain(output: string): Set<string> {
  const paths = new Set<string>();
  const entries = output.split('\0').filter(Boolean);
  for (let index = 0; index < entries.length; index += 1) {
    const entry = entries[index]!;
    paths.add(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') {
      index += 1; // the source path follows
      if (entries[index] !== undefined) paths.add(entries[index]!);
    }
  }
  return paths;
}

function git(args: readonly string[], env: NodeJS.ProcessEnv): { stdout: string } | { error: string } {
  const result = spawnSync('git', [...args], { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'git is not on PATH' : result.error.message };
  }
  if (result.status !== 0) {
    const message = result.stderr.trim().replace(/\s*\n\s*/g, ' ');
    return { error: message || `git ${args[2]} exited with status ${result.status}` };
  }
  return { stdout: result.stdout };
}

/** The nearest directory at or above `dir` that holds a `.git` entry, cached per directory visited. */
function nearestGitDir(dir: string, cache: Map<string, string | undefined>): string | undefined {
  const visited: string[] = [];
  let probe = dir;
  let found: string | undefined;
  for (;;) {
    if (cache.has(probe)) {
      found = cache.get(probe);
      break;
    }
    visited.push(probe);
    if (exists(join(probe, '.git'))) {
      found = probe;
      break;
    }
    const parent = dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  for (const path of visited) cache.set(path, found);
  return found;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The root-relative paths of files that differ from `ref` (committed, staged or not) or are new
 * and not ignored: what `--changed-since <ref>` limits a run to. An error message when git cannot
 * say (no repository, unknown ref).
 */
export function filesChangedSince(root: string, ref: string, options: GitOptions = {}): Set<string> | { error: string } {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  const verified = git(['-C', root, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], env);
  if ('error' in verified) return { error: `"${ref}" is not a commit git knows here (${verified.error || 'unknown revision'})` };
  const changed = git(['-C', root, 'diff', '--name-only', '--relative', '-z', '--no-renames', verified.stdout.trim(), '--'], env);
  if ('error' in changed) return changed;
  const untracked = git(['-C', root, 'ls-files', '--others', '--exclude-standard', '-z', '--', '.'], env);
  if ('error' in untracked) return untracked;
  return new Set([...changed.stdout.split('\0'), ...untracked.stdout.split('\0')].filter(Boolean));
}
