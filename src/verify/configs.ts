/**
 * The project's own configuration: the nearest `tsconfig.json` (or `jsconfig.json`) of each
 * changed file, up to the root, followed through `references` into every referenced project (a
 * solution-style config, `"files": []` with references, is only a list of them). Include globs
 * are matched against the disk plus the run's new files, so a new support file a config includes
 * is checked too.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TS from 'typescript';
import { toAbsolute, toRelative } from '../engine/paths.js';
import type { Overlay } from './host.js';
import type { TypeScript } from './typescript.js';

export interface ProjectConfig {
  /** Root-relative path of the config file. */
  path: string;
  parsed: TS.ParsedCommandLine;
}

export interface FoundConfigs {
  /** Every project to check (solution configs with no files of their own are left out). */
  projects: ProjectConfig[];
  /** The config files found first (before following references), root-relative. */
  entries: string[];
  /** Problems that make a config unusable (syntax errors, missing references). */
  problems: string[];
}

const NAMES = ['tsconfig.json', 'jsconfig.json'];

/** The nearest config of a root-relative path, walking up to the root; undefined when none. */
export function nearestConfig(root: string, path: string): string | undefined {
  let dir = dirname(toAbsolute(root, path));
  for (;;) {
    for (const name of NAMES) if (existsSync(join(dir, name))) return join(dir, name);
    if (dir === root || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

export function findConfigs(ts: TypeScript, root: string, changed: readonly string[], overlay: Overlay): FoundConfigs {
  // the root's own config always counts: a solution config there reaches projects that use the changed ones
  const atRoot = NAMES.map((name) => join(root, name)).find((file) => existsSync(file));
  const nearest = changed.map((path) => nearestConfig(root, path));
  const near = nearest.filter((f): f is string => f !== undefined && f !== atRoot).sort();
  const entries = [...new Set([...(atRoot ? [atRoot] : []), ...near])];
  const projects: ProjectConfig[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const host = parseHost(ts, overlay);
  const visit = (file: string, from: string | undefined) => {
    if (seen.has(file)) return;
    seen.add(file);
    const rel = toRelative(root, file);
    if (!ts.sys.fileExists(file)) {
      problems.push(`${from ? `${from} references ` : ''}${rel}, which does not exist`);
      return;
    }
    const errors: TS.Diagnostic[] = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, {
      ...host,
      getCurrentDirectory: () => root,
      onUnRecoverableConfigFileDiagnostic: (d) => void errors.push(d),
    });
    if (!parsed) {
      problems.push(`${rel}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' ')).join('; ') || 'cannot be read'}`);
      return;
    }
    // "No inputs were found" is no problem for a solution config; other config errors are
    const fatal = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003);
    if (fatal.length > 0) {
      problems.push(...fatal.map((d) => `${rel}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`));
      return;
    }
    if (parsed.fileNames.length > 0 || !parsed.projectReferences?.length) projects.push({ path: rel, parsed });
    for (const reference of parsed.projectReferences ?? []) visit(ts.resolveProjectReferencePath(reference), rel);
  };
  for (const entry of entries) visit(entry, undefined);
  return { projects, entries: entries.map((file) => toRelative(root, file)), problems };
}

/** A config-parsing host whose directory listing includes the overlay's new files. */
function parseHost(ts: TypeScript, overlay: Overlay): TS.ParseConfigHost {
  const added = [...overlay].filter(([, text]) => text !== null).map(([path]) => path);
  const matchFiles = (ts as unknown as { matchFiles?: MatchFiles }).matchFiles;
  const entries = (dir: string) => {
    const files = new Set<string>();
    const directories = new Set<string>();
    try {
      for (const entry of readdirSync(dir || '.', { withFileTypes: true })) {
        const kind = entry.isSymbolicLink() ? safeStat(join(dir, entry.name)) : entry;
        if (kind?.isFile()) files.add(entry.name);
        else if (kind?.isDirectory()) directories.add(entry.name);
      }
    } catch {
      // unreadable or missing: only the overlay's entries
    }
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const path of added) {
      if (!path.startsWith(prefix)) continue;
      const [first, ...rest] = path.slice(prefix.length).split('/');
      (rest.length === 0 ? files : directories).add(first!);
    }
    return { files: [...files].sort(), directories: [...directories].sort() };
  };
  return {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    fileExists: (file) => (overlay.has(file) ? overlay.get(file) !== null : ts.sys.fileExists(file)),
    readFile: (file) => {
      const pending = overlay.get(file);
      return pending === undefined ? ts.sys.readFile(file) : (pending ?? undefined);
    },
    readDirectory: (dir, extensions, excludes, includes, depth) =>
      matchFiles
        ? matchFiles(dir, extensions, excludes, includes, ts.sys.useCaseSensitiveFileNames, process.cwd(), depth, entries, (p) => ts.sys.realpath?.(p) ?? p)
        : ts.sys.readDirectory(dir, extensions, excludes, includes, depth),
  };
}

type MatchFiles = (
  path: string,
  extensions: readonly string[] | undefined,
  excludes: readonly string[] | undefined,
  includes: readonly string[] | undefined,
  useCaseSensitiveFileNames: boolean,
  currentDirectory: string,
  depth: number | undefined,
  getFileSystemEntries: (path: string) => { files: readonly string[]; directories: readonly string[] },
  realpath: (path: string) => string,
) => string[];

function safeStat(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
