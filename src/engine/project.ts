/**
 * The engine's read-only view of the project: original file texts, owning package.json files,
 * relative-import resolution and cached parses of other files. Transforms see it as `ProjectView`
 * and `PackageInfo`; only the engine touches the file system.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Collection } from 'jscodeshift';
import type { PackageInfo, ProjectView } from '../transform.js';
import type { FileRole } from '../transform.js';
import { isFlow, jscodeshiftFor, parseForAnalysis, stripBom, type Dialect } from './parse.js';
import { directRole, relativeSpecifiers } from './roles.js';
import { toAbsolute } from './paths.js';
import { readSource, type ReadResult } from './read.js';
import { BaselineIndex, type BaselineEntry } from './baseline.js';
import { indexRoot } from './node-index.js';

/** A relative specifier whose last segment is empty, `.` or `..`. */
const DOT_SPECIFIER = /(['"`])\.\.?\/(?:[^'"`\n]*\/)?(?:\.\.?\/?)?\1/;

const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export class Project implements ProjectView {
  private readonly texts = new Map<string, string | undefined>();
  private readonly sources = new Map<string, ReadResult>();
  private readonly parses = new Map<string, Collection<any> | undefined>();
  private readonly packages = new Map<string, PackageInfo | undefined>();
  private readonly fileSet: Set<string>;
  private roles: Map<string, FileRole> | undefined;
  private directories: Set<string> | undefined;
  /** Answers of the file system and of import resolution, asked thousands of times per run. */
  private readonly existing = new Map<string, boolean>();
  /** Each directory's entries as read once (name -> is a file; undefined for a symlink), and its names lower-cased. */
  private readonly listings = new Map<string, { kinds: Map<string, boolean | undefined>; folded: Set<string> } | null>();
  private readonly resolved = new Map<string, string | undefined>();
  /** `resolveImport`'s answers by the importing file's folder and the specifier. */
  private readonly resolvedFrom = new Map<string, string | undefined>();
  /** The file of each parsed tree, by its File and Program nodes. */
  private readonly trees = new Map<unknown, string>();

  /** The run's baseline (engine only: sites it lists are refused as `baselined`). */
  readonly baseline: BaselineIndex | undefined;

  constructor(
    readonly root: string,
    readonly files: readonly string[],
    baseline?: readonly BaselineEntry[],
  ) {
    this.fileSet = new Set(files);
    this.baseline = baseline && baseline.length > 0 ? new BaselineIndex(baseline) : undefined;
  }

  readFile(path: string): string | undefined {
    if (!this.texts.has(path) && this.fileSet.has(path)) this.readSource(path);
    if (!this.texts.has(path)) {
      let text: string | undefined;
      // (a directory's listing answers for the many package.json and config files that do not exist)
      if (!this.fileSet.has(path) && this.listed(path) === false) text = undefined;
      else {
        try {
          text = stripBom(readFileSync(toAbsolute(this.root, path), 'utf8'));
        } catch {
          text = undefined;
        }
      }
      this.texts.set(path, text);
    }
    return this.texts.get(path);
  }

  /**
   * A file of the run as the run reads it (huge, binary, non-UTF-8, generated and minified files
   * skipped with a reason): one read, whose text `readFile` answers with too.
   */
  readSource(path: string): ReadResult {
    let result = this.sources.get(path);
    if (!result) {
      const read = readSource(toAbsolute(this.root, path));
      result = read.result;
      this.sources.set(path, result);
      if (!this.texts.has(path)) this.texts.set(path, read.text === undefined ? undefined : stripBom(read.text));
    }
    return result;
  }

  exists(path: string): boolean {
    if (this.fileSet.has(path)) return true;
    let exists = this.existing.get(path);
    if (exists === undefined) {
      exists = this.listed(path) ?? this.stat(path);
      this.existing.set(path, exists);
    }
    return exists;
  }

  private stat(path: string): boolean {
    try {
      return statSync(toAbsolute(this.root, path)).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Whether `path` is a file, from its directory's listing (one read per directory instead of a
   * stat per path: resolution asks for many paths that do not exist); undefined when the listing
   * cannot tell — a symlink, a name that differs only in case (a case-insensitive file system
   * would find it), a name with non-ASCII characters (one that normalises Unicode would find
   * another spelling of it), a path that is not plain, a directory that cannot be read.
   */
  private listed(path: string): boolean | undefined {
    if (path === '' || path.startsWith('/') || /[^\x00-\x7f]/.test(path) || path.includes('\\') || path.split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined;
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const name = path.slice(slash + 1);
    let listing = this.listings.get(dir);
    if (listing === undefined) {
      try {
        const kinds = new Map<string, boolean | undefined>();
        for (const entry of readdirSync(toAbsolute(this.root, dir || '.'), { withFileTypes: true })) {
          kinds.set(entry.name, entry.isSymbolicLink() ? undefined : entry.isFile());
        }
        listing = { kinds, folded: new Set([...kinds.keys()].map((entry) => entry.toLowerCase())) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        listing = code === 'ENOENT' || code === 'ENOTDIR' ? { kinds: new Map(), folded: new Set() } : null;
      }
      this.listings.set(dir, listing);
    }
    if (!listing) return undefined;
    if (listing.kinds.has(name)) return listing.kinds.get(name);
    return listing.folded.has(name.toLowerCase()) ? undefined : false;
  }

  resolveImport(fromFile: string, specifier: string): string | undefined {
    if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
    const key = `${posix.dirname(fromFile)}\0${specifier}`;
    if (this.resolvedFrom.has(key)) return this.resolvedFrom.get(key);
    const target = this.resolveBase(posix.normalize(posix.join(posix.dirname(fromFile), specifier)).replace(/\/+$/, ''));
    this.resolvedFrom.set(key, target);
    return target;
  }

  private resolveBase(base: string): string | undefined {
    if (base.startsWith('../')) return undefined;
    if (this.resolved.has(base)) return this.resolved.get(base);
    const stem = base.replace(/\.(c|m)?jsx?$/, '');
    const candidates = [
      base,
      ...RESOLVE_EXTENSIONS.map((ext) => stem + ext),
      ...RESOLVE_EXTENSIONS.map((ext) => `${base}/index${ext}`),
    ];
    const target = candidates.find((candidate) => this.exists(candidate));
    this.resolved.set(base, target);
    return target;
  }

  couldImport(fromFile: string, target: string): boolean {
    const text = this.readFile(fromFile);
    if (text === undefined) return false;
    // a specifier resolving to `target` ends in its name (an index file: its folder's), unless it
    // ends in a dot segment or a slash ('./', '../', './x/..'), which resolves from the folders
    const name = posix.basename(target).replace(/\.[^.]*$/, '');
    const folder = posix.basename(posix.dirname(target));
    if (text.includes(name) || (name === 'index' && text.includes(folder))) return true;
    return DOT_SPECIFIER.test(text);
  }

  parse(path: string): Collection<any> | undefined {
    if (!this.parses.has(path)) {
      const text = this.readFile(path);
      let collection: Collection<any> | undefined;
      if (text !== undefined) {
        try {
          const dialect = this.dialectOf(path);
          const j = jscodeshiftFor(path, isFlow(text, dialect));
          const ast = parseForAnalysis(text, path, dialect).ast as { program?: unknown };
          collection = j(ast as any);
          this.trees.set(ast, path);
          if (ast.program) this.trees.set(ast.program, path);
          // context for other files' transforms, never edited: its questions are answered from one walk
          indexRoot(collection);
        } catch {
          collection = undefined;
        }
      }
      this.parses.set(path, collection);
    }
    return this.parses.get(path);
  }

  fileOf(tree: unknown): string | undefined {
    return this.trees.get(tree);
  }

  /**
   * The file's role (see roles.ts). Computed for every file of the run at the first call: a file
   * reached through relative imports from front-end code is front-end too (isomorphic code must
   * not get a Node-only module either).
   */
  roleOf(path: string): FileRole {
    if (!this.roles) this.roles = this.computeRoles();
    return this.roles.get(path) ?? this.directRoleOf(path);
  }

  private directRoleOf(path: string): FileRole {
    this.directories ??= new Set(this.files.flatMap((file) => {
      const parts = file.split('/');
      return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
    }));
    const dirs = this.directories;
    return directRole(path, this.readFile(path) ?? '', this.packageOf(path), (dir) => dirs.has(dir));
  }

  private computeRoles(): Map<string, FileRole> {
    const roles = new Map<string, FileRole>();
    const queue: string[] = [];
    for (const file of this.files) {
      const role = this.directRoleOf(file);
      roles.set(file, role);
      if (role === 'front-end') queue.push(file);
    }
    while (queue.length > 0) {
      const file = queue.pop()!;
      for (const specifier of relativeSpecifiers(this.readFile(file) ?? '')) {
        const target = this.resolveImport(file, specifier);
        if (!target || !this.fileSet.has(target)) continue;
        const role = roles.get(target);
        if (role === 'source' || role === 'script') {
          roles.set(target, 'front-end');
          queue.push(target);
        }
      }
    }
    return roles;
  }

  /**
   * How a file's package wants it parsed: Flow annotations in `.js` when the package type-checks
   * with Flow (flow-bin, a Flow Babel preset or plugin, or a .flowconfig next to its package.json).
   */
  dialectOf(file: string): Dialect {
    const pkg = this.packageOf(file);
    if (!pkg) return { flow: this.exists('.flowconfig') };
    const flow =
      FLOW_PACKAGES.some((name) => pkg.dependencyRange(name) !== undefined) ||
      this.exists(pkg.dir === '' ? '.flowconfig' : `${pkg.dir}/.flowconfig`) ||
      this.exists('.flowconfig');
    return { flow };
  }

  /** The package.json nearest above `file` inside the root, if any. */
  packageOf(file: string): PackageInfo | undefined {
    return this.packageAt(posix.dirname(file) === '.' ? '' : posix.dirname(file));
  }

  private packageAt(dir: string): PackageInfo | undefined {
    if (this.packages.has(dir)) return this.packages.get(dir);
    let info: PackageInfo | undefined;
    const manifest = dir === '' ? 'package.json' : `${dir}/package.json`;
    const text = this.readFile(manifest);
    const json = text === undefined ? undefined : parseJsonObject(text);
    if (json) info = packageInfo(dir, json);
    else if (dir !== '') info = this.packageAt(posix.dirname(dir) === '.' ? '' : posix.dirname(dir));
    this.packages.set(dir, info);
    return info;
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const FLOW_PACKAGES = ['flow-bin', '@babel/preset-flow', '@babel/plugin-transform-flow-strip-types', '@babel/plugin-syntax-flow'];

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

export function packageInfo(dir: string, json: Record<string, unknown>): PackageInfo {
  return {
    dir,
    json,
    type: json.type === 'module' ? 'module' : 'commonjs',
    dependencyRange(name: string) {
      for (const field of DEPENDENCY_FIELDS) {
        const deps = json[field];
        if (deps && typeof deps === 'object' && typeof (deps as Record<string, unknown>)[name] === 'string') {
          return (deps as Record<string, string>)[name];
        }
      }
      return undefined;
    },
  };
}
