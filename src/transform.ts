/**
 * The transform contract. A transform is data (id, title, seed, refusal catalogue, options schema,
 * text prefilter) plus one behaviour, `apply`, which edits the AST it is handed and reports every
 * site it considered. It never touches the file system, the environment or the console: support
 * files and dependencies are requested through `request`, other project files are read through
 * `project`.
 */
import type { Collection, JSCodeshift } from 'jscodeshift';
import type { z } from 'zod';

/** The source language of a file, by extension: TypeScript, TSX, or JavaScript (also JSX, .mjs, .cjs). */
export type Language = 'ts' | 'tsx' | 'js';

/** The five reviews harden is built from (`../shared/seeds/`). */
export const SEED_REVIEWS = ['000', '001', '002', '003', '004'] as const;
export type SeedReview = (typeof SEED_REVIEWS)[number];

export interface SeedRef {
  review: SeedReview;
  /** The finding's title as the review words it; the meta-test looks for it in the review. */
  finding: string;
}

/** Anything with a Babel/recast location; `sites` reads only `loc`. */
export interface Locatable {
  loc?: { start: { line: number; column: number }; end: { line: number; column: number } } | null;
}

export interface Sites<Reason extends string> {
  /**
   * Declares a change at `node` (a node of the original file, for its location). Returns whether
   * the change is wanted: always true in a plain run; false when a review rejected this site, in
   * which case the transform must not make the edit (nor request what only this edit needs).
   * `link` ties edits that only work together (see SiteLink).
   */
  changed(node: Locatable, message: string, link?: SiteLink): boolean;
  /** Declares a site left alone, with a reason from the transform's `skipReasons`. */
  skipped(node: Locatable, reason: Reason, detail?: string): void;
}

/**
 * Edits that only work together, across files: a site that `provides` a key (pino-http mounted on
 * the app) and the sites that `needs` it (handlers that log through `req.log`). Keys are the
 * transform's own (matched within the transform). When no changed site of the run provides what a
 * site needs (left out in review, refused by --verify, an ignore comment or the baseline), the
 * run redoes that site's file without it and reports it skipped as `needs-left-out`; a site's
 * change set in review holds the sites that provide what it needs.
 */
export interface SiteLink {
  provides?: string;
  needs?: string;
}

export interface Requests {
  /**
   * Asks for a support file, `path` relative to the root of the package that owns the current
   * file (its nearest package.json). Created once, however many files or transforms ask; two
   * requests for one path with different contents are an error.
   */
  file(path: string, contents: string): void;
  /** Asks for a dependency in the owning package's package.json (added only when absent). */
  dependency(name: string, range: string, options?: { dev?: boolean }): void;
}

export interface PackageInfo {
  /** Root-relative POSIX directory of the package.json ('' for the root). */
  dir: string;
  json: Readonly<Record<string, unknown>>;
  type: 'module' | 'commonjs';
  /** The range the package declares for `name` in any dependency field, if it does. */
  dependencyRange(name: string): string | undefined;
}

/**
 * What a file is for, decided once by the engine: server `source`, a `test` (or test set-up),
 * tool `config`, a `script` (CLI, example, tool), `front-end` code (runs in a browser, or is
 * imported by code that does), or a `generated` file.
 */
export type FileRole = 'source' | 'test' | 'config' | 'script' | 'front-end' | 'generated';

export interface FileInfo {
  /** Root-relative POSIX path. */
  path: string;
  /** The text being transformed (BOM stripped). */
  source: string;
  language: Language;
  /** The package that owns the file, when there is a package.json above it inside the root. */
  package: PackageInfo | undefined;
  role: FileRole;
}

/** Read-only access to the rest of the project, for analyses that must look beyond one file. */
export interface ProjectView {
  /** Root-relative POSIX paths of every source file of the run. */
  readonly files: readonly string[];
  /** The original text of a root-relative file, or undefined if it does not exist or is unreadable. */
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
  /** Resolves a relative import (`./x`, `../y.js`) from `fromFile` to a project file, if any. */
  resolveImport(fromFile: string, specifier: string): string | undefined;
  /**
   * False only when `fromFile`'s text cannot import `target` through a relative specifier (it
   * holds neither `target`'s name nor a specifier ending in `/`, `.` or `..`): a cheap, sound
   * prefilter for cross-file questions, before parsing `fromFile`.
   */
  couldImport(fromFile: string, target: string): boolean;
  /** A parsed (read-only) view of another project file; undefined when it does not parse. */
  parse(path: string): Collection<any> | undefined;
  /** The project file whose `parse` holds this tree (its `File` or `Program` node), if one does. */
  fileOf(tree: unknown): string | undefined;
  /** The role the engine gave a file of the run (see `FileRole`). */
  roleOf(path: string): FileRole;
  /** The package that owns a file: its nearest package.json inside the root. */
  packageOf(path: string): PackageInfo | undefined;
}

export interface FileContext<Options, Reason extends string> {
  j: JSCodeshift;
  root: Collection<any>;
  file: FileInfo;
  options: Options;
  sites: Sites<Reason>;
  request: Requests;
  project: ProjectView;
}

export interface TransformDefinition<
  Schema extends z.ZodObject<any> = z.ZodObject<any>,
  Reason extends string = string,
> {
  /** kebab-case, equal to the folder name under transforms/. */
  id: string;
  /** Capitalised, no trailing period. */
  title: string;
  /** Full sentences ending with a period. */
  description: string;
  seed: SeedRef | readonly SeedRef[];
  /** The refusal catalogue: reason key -> the sentence a user can act on. */
  skipReasons: Record<Reason, string>;
  /** Text prefilter: the file is parsed for this transform only if it contains one of these. */
  needs: readonly string[];
  /**
   * A finer prefilter, after `needs`, for triggers no fixed string expresses (e.g. "some module is
   * imported twice", "the file or a module it loads names mongoose"): the file's text, and the
   * project for cheap text-level questions about other files (no parse). Must never reject a file
   * the transform could change; a file it rejects gets no site at all, not even a skipped one.
   * Its answer depends on its arguments alone: one function several transforms share is asked
   * once per file.
   */
  prefilter?: (source: string, file: { path: string; project: ProjectView }) => boolean;
  scope: 'file';
  /**
   * 'low': the rewrite cannot change what the program does (pre-selected in the overview of
   * `harden apply --interactive`); 'review' (the default): it can, so each change deserves a look.
   */
  risk?: 'low' | 'review';
  /**
   * True when every changed site is one contiguous edit that needs no other edit, file or
   * dependency, so a reviewer may accept one alone (GitHub suggested changes offer exactly that).
   */
  standAloneSites?: boolean;
  /**
   * The file roles this transform rewrites; default `['source']`. In a file of another role its
   * changes are reported as skipped with the role (reason `file-role`), never made.
   */
  roles?: readonly FileRole[];
  /** Extensions (without dot) this transform applies to; default every supported one. */
  extensions?: readonly string[];
  options: Schema;
  /**
   * Finds candidates, proves each safe, edits the AST, reports sites. May run twice on a file: an
   * analysis pass on a plain Babel AST whose edits are discarded, then, if a site changed, on the
   * recast AST that is printed. Decide from the code alone (not from run order, `comments` or
   * Babel's `leadingComments`: the analysis pass attaches no comment to any node). The analysis
   * pass ends at the first change `sites.changed` accepts: the engine throws out of that call (a
   * transform that catches it still ends there), so keep no state that a half-run leaves wrong. Keep nothing
   * of `root`'s tree beyond `apply` (cache facts, not nodes): once a pass is over the engine empties
   * the tree's lists so the collector frees it at once (`HARDEN_CHECK_DISCARD=1`: a kept node
   * throws when read). Other files' trees from `project.parse` stay whole for the run.
   */
  apply(context: FileContext<z.infer<Schema>, Reason>): void;
}

/** A position in a file (1-based line and column), for sites found without a Babel node. */
export interface Position {
  line: number;
  column: number;
}

export interface ProjectSites<Reason extends string> {
  /** As `Sites.changed`, for a position in `file`; returns whether the change is wanted. */
  changed(file: string, at: Position, message: string): boolean;
  skipped(file: string, at: Position, reason: Reason, detail?: string): void;
}

export interface ProjectContext<Options, Reason extends string> {
  /**
   * The current text (BOM stripped) of every source file of the run, after the file-level
   * transforms, by root-relative path.
   */
  files: ReadonlyMap<string, string>;
  options: Options;
  sites: ProjectSites<Reason>;
  /** Support files and dependencies, relative to the root package. */
  request: Requests;
  project: ProjectView;
  /** The package that owns a file (for its type, dependencies, directory). */
  packageOf(file: string): PackageInfo | undefined;
  /**
   * Sets the new text of a file (existing or new, root-relative). The engine re-parses it; a text
   * that does not parse is an error and none of this transform's writes are kept.
   */
  write(path: string, text: string): void;
}

/**
 * A project-level transform: it needs several files or types (ts-morph), runs once over the
 * Changeset's current texts after every file-level transform, and returns its edits via `write`.
 */
export interface ProjectTransformDefinition<
  Schema extends z.ZodObject<any> = z.ZodObject<any>,
  Reason extends string = string,
> extends Omit<TransformDefinition<Schema, Reason>, 'scope' | 'apply'> {
  scope: 'project';
  apply(context: ProjectContext<z.infer<Schema>, Reason>): void;
}

export type AnyTransform =
  | TransformDefinition<z.ZodObject<any>, string>
  | ProjectTransformDefinition<z.ZodObject<any>, string>;

/** Identity with types: ties `options` in `apply` to the schema and reasons to `skipReasons`. */
export function defineTransform<Schema extends z.ZodObject<any>, Reason extends string>(
  definition: TransformDefinition<Schema, Reason>,
): TransformDefinition<Schema, Reason>;
export function defineTransform<Schema extends z.ZodObject<any>, Reason extends string>(
  definition: ProjectTransformDefinition<Schema, Reason>,
): ProjectTransformDefinition<Schema, Reason>;
export function defineTransform(definition: AnyTransform): AnyTransform {
  return definition;
}
