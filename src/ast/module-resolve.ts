/**
 * Which project file an import specifier names: relative specifiers through the engine, other
 * specifiers through the `paths` / `baseUrl` of the importing file's nearest tsconfig.json (or
 * jsconfig.json), read as JSONC (comments and trailing commas allowed, `extends` followed for
 * relative and project-local configs). Bare package names that no alias maps resolve to nothing.
 * Config reads are cached per run (per `ProjectView`).
 */
import { posix } from 'node:path';
import jscodeshift from 'jscodeshift';
import { requiredModule } from './imports.js';
import { parseJsonc } from './jsonc.js';
import type { ProjectView } from '../transform.js';

interface Aliases {
  /** Root-relative directory the `paths` targets are relative to ('' for the root). */
  base: string | undefined;
  paths: Array<{ prefix: string; suffix: string; wildcard: boolean; targets: string[] }>;
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
const configsByProject = new WeakMap<ProjectView, Map<string, Aliases | undefined>>();

/** The project file `specifier` names when imported from `fromFile`, if any. */
export function resolveModule(project: ProjectView, fromFile: string, specifier: string): string | undefined {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    return project.resolveImport(fromFile, specifier === '.' || specifier === '..' ? `${specifier}/` : specifier);
  }
  if (specifier.startsWith('/') || /^[a-z]+:/i.test(specifier)) return undefined;
  const aliases = aliasesFor(project, dirOf(fromFile));
  if (!aliases) return undefined;
  const candidates: string[] = [];
  // the longest matching prefix wins, as in TypeScript
  const matching = aliases.paths
    .filter((p) => (p.wildcard ? specifier.startsWith(p.prefix) && specifier.endsWith(p.suffix) && specifier.length >= p.prefix.length + p.suffix.length : specifier === p.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  for (const pattern of matching.slice(0, 1)) {
    const star = pattern.wildcard ? specifier.slice(pattern.prefix.length, specifier.length - pattern.suffix.length) : '';
    for (const target of pattern.targets) candidates.push(target.replace('*', star));
  }
  if (aliases.base !== undefined) candidates.push(aliases.base === '' ? specifier : `${aliases.base}/${specifier}`);
  for (const candidate of candidates) {
    const found = resolveRootRelative(project, posix.normalize(candidate));
    if (found) return found;
  }
  return undefined;
}

function resolveRootRelative(project: ProjectView, path: string): string | undefined {
  if (path.startsWith('../') || path === '..') return undefined;
  // the engine resolves relative specifiers (extensions, index files): ask it from a file at the root
  return project.resolveImport('__harden_root__.js', `./${path}`);
}

function dirOf(file: string): string {
  const dir = posix.dirname(file);
  return dir === '.' ? '' : dir;
}

/** The aliases of the nearest config above `dir` (root-relative), if any. */
function aliasesFor(project: ProjectView, dir: string): Aliases | undefined {
  let cache = configsByProject.get(project);
  if (!cache) configsByProject.set(project, (cache = new Map()));
  if (cache.has(dir)) return cache.get(dir);
  let found: Aliases | undefined;
  const config = CONFIG_NAMES.map((name) => (dir === '' ? name : `${dir}/${name}`)).find((path) => project.readFile(path) !== undefined);
  if (config) found = readAliases(project, config, 0);
  else if (dir !== '') found = aliasesFor(project, dirOf(dir));
  cache.set(dir, found);
  return found;
}

/**
 * A compiler option of the nearest tsconfig.json/jsconfig.json above `file` (root-relative),
 * following relative `extends`; undefined when no config sets it.
 */
export function compilerOption(project: ProjectView, file: string, name: string): unknown {
  for (let dir = dirOf(file); ; dir = dirOf(dir)) {
    const config = CONFIG_NAMES.map((n) => (dir === '' ? n : `${dir}/${n}`)).find((path) => project.readFile(path) !== undefined);
    if (config) return optionIn(project, config, name, 0);
    if (dir === '') return undefined;
  }
}

function optionIn(project: ProjectView, configPath: string, name: string, depth: number): unknown {
  const json = readJsonc(project.readFile(configPath) ?? '') as any;
  if (!json || typeof json !== 'object') return undefined;
  if (json.compilerOptions && Object.prototype.hasOwnProperty.call(json.compilerOptions, name)) return json.compilerOptions[name];
  const parents = Array.isArray(json.extends) ? json.extends : [json.extends];
  for (const parent of parents.slice().reverse()) {
    if (typeof parent !== 'string' || depth > 4 || !(parent.startsWith('./') || parent.startsWith('../'))) continue;
    const value = optionIn(project, posix.normalize(posix.join(dirOf(configPath), parent.endsWith('.json') ? parent : `${parent}.json`)), name, depth + 1);
    if (value !== undefined) return value;
  }
  return undefined;
}

function readAliases(project: ProjectView, configPath: string, depth: number): Aliases | undefined {
  const text = project.readFile(configPath);
  const json = text === undefined ? undefined : readJsonc(text);
  if (!json || typeof json !== 'object') return undefined;
  const dir = dirOf(configPath);
  let inherited: Aliases | undefined;
  const extendsField = (json as any).extends;
  for (const parent of Array.isArray(extendsField) ? extendsField : [extendsField]) {
    if (typeof parent !== 'string' || depth > 4 || !(parent.startsWith('./') || parent.startsWith('../'))) continue;
    const parentPath = posix.normalize(posix.join(dir, parent.endsWith('.json') ? parent : `${parent}.json`));
    inherited = readAliases(project, parentPath, depth + 1) ?? inherited;
  }
  const options = (json as any).compilerOptions ?? {};
  const own = (key: string) => Object.prototype.hasOwnProperty.call(options, key);
  const baseUrl = typeof options.baseUrl === 'string' ? join(dir, options.baseUrl) : undefined;
  const base = own('baseUrl') ? baseUrl : inherited?.base;
  if (own('paths') && options.paths && typeof options.paths === 'object') {
    // `paths` targets are relative to baseUrl when there is one, else to the config declaring them
    const pathsBase = base ?? dir;
    const paths = Object.entries(options.paths as Record<string, unknown>).flatMap(([key, targets]) => {
      if (!Array.isArray(targets)) return [];
      const star = key.indexOf('*');
      return [{
        prefix: star < 0 ? key : key.slice(0, star),
        suffix: star < 0 ? '' : key.slice(star + 1),
        wildcard: star >= 0,
        targets: targets.filter((t): t is string => typeof t === 'string').map((t) => join(pathsBase, t)),
      }];
    });
    return { base, paths };
  }
  return { base, paths: inherited?.paths ?? [] };
}

function join(dir: string, relative: string): string {
  const joined = posix.normalize(posix.join(dir === '' ? '.' : dir, relative));
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** tsconfig's dialect (comments, trailing commas); undefined when it does not parse. */
function readJsonc(text: string): unknown {
  try {
    return parseJsonc(text);
  } catch {
    return undefined;
  }
}

/**
 * A per-package answer computed once per run: `memo(project, packageDir, compute)` returns the
 * answer `compute()` gave for that project and package the first time.
 */
export function perPackage<T>(): (project: ProjectView, packageDir: string, compute: () => T) => T {
  const answers = new WeakMap<ProjectView, Map<string, T>>();
  return (project, packageDir, compute) => {
    let perProject = answers.get(project);
    if (!perProject) answers.set(project, (perProject = new Map()));
    if (!perProject.has(packageDir)) perProject.set(packageDir, compute());
    return perProject.get(packageDir)!;
  };
}

/** Whether a package.json between `packageDir` and the file makes the file another package's. */
export function ownedByInnerPackage(project: ProjectView, packageDir: string, path: string): boolean {
  const parts = path.split('/').slice(0, -1);
  const depth = packageDir === '' ? 0 : packageDir.split('/').length;
  for (let i = parts.length; i > depth; i -= 1) {
    if (project.exists(`${parts.slice(0, i).join('/')}/package.json`)) return true;
  }
  return false;
}

/** Every project module `path` imports, directly or through other project modules. */
export function importClosure(project: ProjectView, path: string): Set<string> {
  const seen = new Set<string>();
  const queue = [path];
  while (queue.length > 0) {
    const current = queue.pop()!;
    const root = project.parse(current);
    if (!root) continue;
    const specifiers: string[] = [];
    root.find(jscodeshift.ImportDeclaration).forEach((p: any) => specifiers.push(String(p.node.source.value)));
    root.find(jscodeshift.ExportNamedDeclaration).forEach((p: any) => p.node.source && specifiers.push(String(p.node.source.value)));
    root.find(jscodeshift.ExportAllDeclaration).forEach((p: any) => specifiers.push(String(p.node.source.value)));
    root.find(jscodeshift.CallExpression).forEach((p: any) => {
      const module = requiredModule(p.node);
      if (module) specifiers.push(module);
    });
    for (const specifier of specifiers) {
      const resolved = project.resolveImport(current, specifier);
      if (resolved && !seen.has(resolved) && resolved !== path) {
        seen.add(resolved);
        queue.push(resolved);
      }
    }
  }
  return seen;
}

/** A module specifier after `from`, `import`, `import(` or `require(` (comments between allowed): the string in group 2. */
const MODULE_SPECIFIER = /(?:\bfrom|\bimport\s*\(?|\brequire\s*\()\s*(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)*(['"`])([^'"`\n]+)\1/y;
const SPECIFIER_KEYWORD = /\b(?:from|import|require)\b/g;

/**
 * Every string that follows `from`, `import`, `import(` or `require(` in a text (comments between
 * allowed), in order: a text scan that finds every module specifier the file names, and more (a
 * keyword inside a string or comment gives a string that is not one). Each keyword is tried where
 * it stands, so a string that merely ends in a keyword (`'import'; … require('./x')`) cannot hide
 * the specifier after it.
 */
export function moduleSpecifiers(text: string): string[] {
  const found: string[] = [];
  SPECIFIER_KEYWORD.lastIndex = 0;
  for (let keyword = SPECIFIER_KEYWORD.exec(text); keyword; keyword = SPECIFIER_KEYWORD.exec(text)) {
    MODULE_SPECIFIER.lastIndex = keyword.index;
    const match = MODULE_SPECIFIER.exec(text);
    if (match) found.push(match[2]!);
  }
  return found;
}

const reachAnswers = new WeakMap<ProjectView, Map<(text: string) => boolean, Map<string, boolean>>>();

/**
 * Whether the text of `path`, or of a project module it loads (directly or through other project
 * modules: every specifier its text names after `from`, `import` or `require(`, relative or a
 * tsconfig/jsconfig alias), passes `test`. A text scan, no parse: it over-approximates what the
 * file loads (a specifier in a comment counts), never under-approximates what a literal specifier
 * reaches, so "false" proves that no module the file can name holds the text. Answers are kept per
 * run and test: a closure found without a match is without one from each of its files. `source` is
 * the text of `path` when the caller holds it; when that is not the text on disk (a file being
 * written), nothing is kept.
 */
export function reachesText(project: ProjectView, path: string, test: (text: string) => boolean, source?: string): boolean {
  let perProject = reachAnswers.get(project);
  if (!perProject) reachAnswers.set(project, (perProject = new Map()));
  let kept = perProject.get(test);
  if (!kept) perProject.set(test, (kept = new Map()));
  const onDisk = source === undefined || source === project.readFile(path);
  const answers = onDisk ? kept : new Map(kept);
  const known = answers.get(path);
  if (known !== undefined) return known;
  const seen = new Set<string>([path]);
  const queue = [path];
  /** The file each one was reached from: a match answers for every file on the way to it too. */
  const from = new Map<string, string>();
  let edges = loadedModules.get(project);
  if (!edges) loadedModules.set(project, (edges = new Map()));
  while (queue.length > 0) {
    const current = queue.pop()!;
    const answer = answers.get(current);
    if (answer === false) continue; // its whole closure is known to be without a match
    // (`source` is the text of `path` as the caller holds it, when that is not the one on disk)
    const own = current === path && !onDisk;
    const text = current === path && source !== undefined ? source : project.readFile(current);
    if (text === undefined) continue;
    if (answer === true || test(text)) {
      for (let file: string | undefined = current; file !== undefined; file = from.get(file)) answers.set(file, true);
      return true;
    }
    // the project modules a file's text names, once per file as it is on disk
    let targets = own ? undefined : edges.get(current);
    if (!targets) {
      targets = [];
      for (const specifier of moduleSpecifiers(text)) {
        const target = resolveModule(project, current, specifier);
        if (target) targets.push(target);
      }
      if (!own) edges.set(current, targets);
    }
    for (const target of targets) {
      if (!seen.has(target)) {
        seen.add(target);
        from.set(target, current);
        queue.push(target);
      }
    }
  }
  for (const file of seen) answers.set(file, false);
  return false;
}

const loadedModules = new WeakMap<ProjectView, Map<string, string[]>>();
