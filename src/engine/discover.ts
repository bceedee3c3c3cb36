/**
 * Discovery: which files a run looks at. Paths and globs (relative to the working directory),
 * `.gitignore` and `.hardenignore` at every level (from the root down), build output and
 * dependencies always skipped, symlinks never followed.
 */
import type { BaselineEntry } from './baseline.js';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { languageFor } from './parse.js';
import { isInside, toAbsolute, toRelative } from './paths.js';

/** Directories that are never source: dependencies, VCS data, build and coverage output. */
export const ALWAYS_SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
  '.output',
]);

const IGNORE_FILES = ['.gitignore', '.hardenignore'];

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface Discovery {
  /** Root-relative POSIX paths of source files to process, sorted, unique. */
  files: string[];
  /** Files seen but not processed, with the reason (ignored files are not listed). */
  skipped: SkippedFile[];
  /**
   * Every source file the project's cross-file facts read (callers, models, loggers), when that is
   * more than `files` (`--changed-since` processes the changed files of the whole project).
   */
  projectFiles?: string[];
  /** The baseline's entries (`.harden-baseline.json`): changes the team decided not to take. */
  baseline?: readonly BaselineEntry[];
}

export interface DiscoverOptions {
  root: string;
  cwd: string;
  /** Paths or globs, relative to cwd; default ['.']. */
  patterns: readonly string[];
  /** Extra gitignore-style patterns (from config), relative to the root. */
  ignore?: readonly string[];
}

/** Why a file name is never processed, if it is not. */
export function alwaysSkippedReason(relativePath: string): string | undefined {
  const base = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  if (/\.d\.[cm]?ts$/.test(base)) return 'type declaration file (*.d.ts)';
  if (/\.min\.[cm]?js$/.test(base)) return 'minified file (*.min.js)';
  return undefined;
}

export function discover(options: DiscoverOptions): Discovery {
  const root = options.root;
  const found = new Set<string>();
  const skipped = new Map<string, string>();
  const ignores = new IgnoreStack(root, options.ignore ?? []);

  const consider = (absolute: string, explicit: boolean) => {
    const rel = toRelative(root, absolute);
    if (!languageFor(rel)) return;
    const always = alwaysSkippedReason(rel);
    if (always) return void skipped.set(rel, always);
    if (!explicit && ignores.ignored(rel, false)) return;
    found.add(rel);
  };

  const walk = (absoluteDir: string, matcher: ((rel: string) => boolean) | undefined) => {
    let entries;
    try {
      entries = readdirSync(absoluteDir, { withFileTypes: true });
    } catch (error) {
      skipped.set(toRelative(root, absoluteDir) || '.', `directory not readable: ${(error as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = resolve(absoluteDir, entry.name);
      const rel = toRelative(root, absolute);
      if (entry.isSymbolicLink()) {
        if (languageFor(rel) || isDirectory(absolute)) {
          if (!ignores.ignored(rel, isDirectory(absolute))) skipped.set(rel, symlinkReason(root, absolute));
        }
        continue;
      }
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRECTORIES.has(entry.name) || ignores.ignored(rel, true)) continue;
        walk(absolute, matcher);
      } else if (entry.isFile()) {
        if (matcher && !matcher(rel)) continue;
        consider(absolute, false);
      }
    }
  };

  for (const pattern of options.patterns.length > 0 ? options.patterns : ['.']) {
    if (picomatch.scan(pattern).isGlob) {
      const scan = picomatch.scan(pattern);
      const base = resolve(options.cwd, scan.base || '.');
      const globFromRoot = toRelative(root, resolve(options.cwd, scan.base || '.'));
      const isMatch = picomatch(globFromRoot ? `${globFromRoot}/${scan.glob}` : scan.glob, { dot: true });
      if (isDirectory(base)) walk(base, isMatch);
      continue;
    }
    const absolute = resolve(options.cwd, pattern);
    const rel = toRelative(root, absolute);
    if (!isInside(root, absolute)) {
      skipped.set(pattern, 'outside the root');
      continue;
    }
    let stat;
    try {
      stat = lstatSync(absolute);
    } catch {
      skipped.set(rel || pattern, 'no such file or directory');
      continue;
    }
    if (stat.isSymbolicLink()) skipped.set(rel, symlinkReason(root, absolute));
    else if (stat.isDirectory()) {
      const segments = rel === '' ? [] : rel.split('/');
      if (segments.some((segment) => ALWAYS_SKIPPED_DIRECTORIES.has(segment))) continue;
      walk(absolute, undefined);
    } else if (stat.isFile()) consider(absolute, true);
  }

  for (const file of found) skipped.delete(file);
  return {
    files: [...found].sort(),
    skipped: [...skipped].map(([path, reason]) => ({ path, reason })).sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
}

function isDirectory(absolute: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}

function symlinkReason(root: string, absolute: string): string {
  let target: string;
  try {
    target = realpathSync(absolute);
  } catch {
    return 'broken symlink';
  }
  if (!isInside(realpathSync(root), target)) return 'symlink leading outside the root; not followed';
  return `symlink to ${toRelative(realpathSync(root), target) || '.'}; not followed (the target is processed at its own path)`;
}

/** Ignore files from the root down to each directory, applied with paths relative to their own directory. */
class IgnoreStack {
  private readonly byDir = new Map<string, Ignore | null>();
  private readonly extra: Ignore;

  constructor(
    private readonly root: string,
    extraPatterns: readonly string[],
  ) {
    this.extra = ignore().add([...extraPatterns]);
  }

  private rulesFor(dir: string): Ignore | null {
    if (!this.byDir.has(dir)) {
      const rules = ignore();
      let any = false;
      for (const name of IGNORE_FILES) {
        try {
          rules.add(readFileSync(toAbsolute(this.root, dir === '' ? name : `${dir}/${name}`), 'utf8'));
          any = true;
        } catch {
          // no such ignore file at this level
        }
      }
      this.byDir.set(dir, any ? rules : null);
    }
    return this.byDir.get(dir) ?? null;
  }

  ignored(rel: string, directory: boolean): boolean {
    const subject = directory ? `${rel}/` : rel;
    if (this.extra.ignores(subject)) return true;
    const segments = rel.split('/');
    for (let depth = 0; depth < segments.length; depth += 1) {
      const dir = segments.slice(0, depth).join('/');
      const rules = this.rulesFor(dir);
      if (!rules) continue;
      const inner = segments.slice(depth).join('/');
      if (rules.ignores(directory ? `${inner}/` : inner)) return true;
    }
    return false;
  }
}

/** The root of a run: the git work tree holding the first path, else the working directory. */
export function findRoot(cwd: string, firstPattern: string | undefined): string {
  const start = resolve(cwd, firstPattern && !picomatch.scan(firstPattern).isGlob ? firstPattern : '.');
  let dir = isDirectory(start) ? start : dirname(start);
  for (;;) {
    try {
      lstatSync(resolve(dir, '.git'));
      return realpathSync(dir);
    } catch {
      // keep looking upward
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const fallback = realpathSync(cwd);
  return isInside(fallback, start) ? fallback : realpathSync(isDirectory(start) ? start : dirname(start));
}
