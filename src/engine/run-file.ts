/**
 * One file through the chain: prefilter, parse once, run every applicable transform on the same
 * AST in chain order, print once, re-parse the result. A file with no `changed` site keeps its
 * original text (traversals may touch nodes nobody edited; recast would then reprint them).
 */
import { posix } from 'node:path';
import './ast-types-patch.js';
import { discardTree, indexRoot, stopIndexing } from './node-index.js';
import type { AnyTransform, ProjectView, Requests, TransformDefinition } from '../transform.js';
import {
  acceptRecovered,
  detectTextStyle,
  extensionOf,
  isFlow,
  languageFor,
  ParseError,
  parseForAnalysis,
  parseSource,
  jscodeshiftFor,
  stripBom,
} from './parse.js';
import type { Collection } from 'jscodeshift';
import type { Project } from './project.js';
import { placeAddedRequires } from '../ast/imports.js';
import { printAst } from './print.js';
import type { Reconciled } from './reconcile.js';
import { sourceLines } from './baseline.js';
import { ROLE_TEXT } from './roles.js';
import { ignoreComments, offsetLocator, SiteRecorder, type Site, type SiteFilter } from './sites.js';

/** The engine's own skip reason: the file's role is not one the transform rewrites. */
export const FILE_ROLE_REASON = 'file-role';
const DEFAULT_ROLES = ['source'] as const;

export interface ResolvedTransform {
  definition: AnyTransform;
  /** Options already validated against the transform's schema. */
  options: Record<string, unknown>;
  /** For a team's own transform: the module to import it from (worker threads load it again). */
  module?: string;
}

export type SupportRequest =
  | { kind: 'file'; transform: string; from: string; path: string; contents: string; sites: string[] }
  | {
      kind: 'dependency';
      transform: string;
      from: string;
      packageDir: string;
      name: string;
      range: string;
      dev: boolean;
      sites: string[];
    };

export type FileResult =
  | { status: 'unchanged'; sites: Site[]; parsed: boolean }
  | { status: 'changed'; output: string; sites: Site[]; requests: SupportRequest[] }
  | { status: 'parse-error'; message: string; line: number; column: number }
  | { status: 'error'; message: string; sites: Site[] };

/** The transforms of `chain` whose extension and text prefilter admit this file. */
export function applicableTransforms(chain: readonly ResolvedTransform[], path: string, source: string, project: ProjectView) {
  const ext = extensionOf(path);
  // a prefilter several transforms share (mongoose-lean and -paginate: `mayQueryModels`) answers once per file
  const answers = new Map<NonNullable<TransformDefinition['prefilter']>, boolean>();
  return chain.filter((entry): entry is ResolvedTransform & { definition: TransformDefinition } => {
    const { definition } = entry;
    if (definition.scope !== 'file') return false;
    if (definition.extensions && !definition.extensions.includes(ext)) return false;
    if (definition.needs.length > 0 && !definition.needs.some((needle) => source.includes(needle))) return false;
    const prefilter = definition.prefilter;
    if (!prefilter) return true;
    let answer = answers.get(prefilter);
    if (answer === undefined) answers.set(prefilter, (answer = prefilter(source, { path, project })));
    return answer;
  });
}

export interface RunFileInput {
  path: string;
  /** The file's full text as read (BOM included). */
  text: string;
  chain: readonly ResolvedTransform[];
  project: Project;
  filter?: SiteFilter;
}

/**
 * Bracket nesting harden processes. Parsing and walking are recursive, so a file nested much deeper
 * exhausts the stack — at a depth that depends on the thread (a worker's stack is not the main
 * thread's) and even on how warm the JIT is. A fixed limit, checked on the text before anything
 * recursive runs, gives every run the same answer. Real code stays far below it.
 */
export const MAX_NESTING = 200;

/** The deepest nesting of (), [], {} and template `${}` in the text (strings and comments skipped). */
export function nestingDepth(source: string): number {
  const stack: Array<'code' | 'template'> = [];
  let depth = 0;
  let deepest = 0;
  let inTemplate = false;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (inTemplate) {
      if (c === '\\') i += 1;
      else if (c === '`') inTemplate = false;
      else if (c === '$' && source[i + 1] === '{') {
        i += 1;
        stack.push('template');
        inTemplate = false;
        depth += 1;
        deepest = Math.max(deepest, depth);
      }
      continue;
    }
    if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? source.length : end;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 1;
    } else if (c === '"' || c === "'") {
      for (i += 1; i < source.length && source[i] !== c && source[i] !== '\n'; i += 1) if (source[i] === '\\') i += 1;
    } else if (c === '`') {
      inTemplate = true;
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push('code');
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() === 'template') inTemplate = true;
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/**
 * Runs a file in two passes. The analysis pass runs the chain on a plain Babel AST (fast to
 * build) and only collects sites; a file with no changed site ends there, never parsed by recast
 * nor printed. Otherwise the edit pass parses with recast and runs the chain again; its edits are
 * printed. Transforms must decide from the code alone (not from `comments`, which only recast
 * attaches), so both passes agree.
 */
export function runFile({ path, text, chain, project, filter }: RunFileInput): FileResult {
  const source = stripBom(text);
  const transforms = applicableTransforms(chain, path, source, project);
  if (transforms.length === 0) return { status: 'unchanged', sites: [], parsed: false };
  const depth = nestingDepth(source);
  if (depth > MAX_NESTING) {
    return { status: 'error', message: `too deeply nested to process (${depth} levels of brackets; harden stops at ${MAX_NESTING}); the file was left unchanged`, sites: [] };
  }

  const dialect = project.dialectOf(path);
  let analysis;
  try {
    analysis = parseForAnalysis(source, path, dialect);
  } catch (error) {
    if (error instanceof ParseError) {
      return { status: 'parse-error', message: error.message, line: error.line, column: error.column };
    }
    throw error;
  }
  const flow = isFlow(source, dialect);
  const first = runChain(transforms, analysis.ast, path, source, project, filter, flow, true);
  // A transform that fails on the plain Babel AST (e.g. it prints a node to inspect it, which needs
  // recast's bookkeeping) is not judged there: the edit pass decides.
  if (!('error' in first) && !first.changed) {
    return { status: 'unchanged', sites: first.sites, parsed: true };
  }

  const parsed = parseSource(source, path, dialect);
  // the transforms before the first change saw the same untouched code in the analysis pass: their sites stand
  const settled = 'error' in first ? [] : first.settled;
  const pass = runChain(transforms, parsed.ast, path, source, project, filter, flow, false, settled);
  if ('error' in pass) return { status: 'error', message: pass.error, sites: pass.sites };
  const { sites, requests } = pass;
  if (!sites.some((site) => site.kind === 'changed')) {
    discardTree(pass.root);
    return { status: 'unchanged', sites, parsed: true };
  }

  const textStyle = detectTextStyle(text);
  let printed: Reconciled;
  try {
    printed = printAst(parsed, source, textStyle);
  } catch (error) {
    return { status: 'error', message: `internal error while printing: ${(error as Error).message}; the file was left unchanged`, sites };
  } finally {
    discardTree(pass.root); // nothing reads the trees once they are printed
  }
  const output = (textStyle.bom ? '\uFEFF' : '') + printed.text;
  if (output === text) return { status: 'unchanged', sites, parsed: true };

  const culprits = transforms.map((t) => t.definition.id).join(', ');
  try {
    // Babel alone: whether the output parses, and with no new redeclaration (recast's tree is not
    // needed). Printing's own parse of exactly this text answers when it made one and read the text
    // as it is read now: it read the source's dialect, and an edit may move a leading `// @flow`
    const sameReading = isFlow(printed.text, dialect) === flow;
    const redeclarations =
      printed.recovered && sameReading ? acceptRecovered(printed.recovered) : parseForAnalysis(printed.text, path, dialect).redeclarations;
    if (redeclarations > parsed.redeclarations) {
      return { status: 'error', message: `output of ${culprits} redeclares a binding; the file was left unchanged`, sites };
    }
  } catch (error) {
    const detail = error instanceof ParseError ? `${error.message} at ${error.line}:${error.column}` : String(error);
    return {
      status: 'error',
      message: `internal error: output of ${culprits} does not parse (${detail}); the file was left unchanged`,
      sites,
    };
  }
  return { status: 'changed', output, sites, requests };
}

/**
 * Thrown at the analysis pass's first accepted change, before the transform makes it: nothing the
 * pass would do after it is used (the edit pass runs that transform again), and the rest of the
 * transform's work there ran without the node index.
 */
const ANALYSIS_DONE = new (class AnalysisDone {})();

/**
 * `settled`: the sites of each transform at the head of the chain that changed nothing and asked
 * for nothing (none of their sites changed, no support request), in chain order.
 */
type ChainOutcome = { sites: Site[]; requests: SupportRequest[]; settled: Site[][]; root: Collection; changed: boolean } | { error: string; sites: Site[] };

/**
 * Runs every transform of the chain on one AST, collecting sites and support requests.
 * Each transform's questions (`find`) are answered from a node index of the tree (node-index.ts)
 * until its first accepted change. The analysis pass (`analysis`) ends after the transform that
 * made the first change: the edit pass then runs the whole chain again, so nothing after that
 * change could alter the outcome.
 */
function runChain(
  transforms: ReturnType<typeof applicableTransforms>,
  ast: unknown,
  path: string,
  source: string,
  project: Project,
  filter: SiteFilter | undefined,
  flow: boolean,
  analysis: boolean,
  settledBefore: readonly Site[][] = [],
): ChainOutcome {
  const j = jscodeshiftFor(path, flow);
  const root = j(ast as any);
  const pkg = project.packageOf(path);
  const role = project.roleOf(path);
  const file = { path, source, language: languageFor(path)!, package: pkg, role };
  const sites: Site[] = [];
  const requests: SupportRequest[] = [];
  const locate = offsetLocator(source);
  const ignores = ignoreComments(source);
  let lines: string[] | undefined;
  const fileLines = () => (lines ??= sourceLines(source));
  const settled: Site[][] = [];
  let anyChange = false;
  for (const [position, { definition, options }] of transforms.entries()) {
    const known = settledBefore[position];
    if (known) {
      sites.push(...known);
      settled.push(known);
      continue;
    }
    const roles = definition.roles ?? DEFAULT_ROLES;
    const refuseAll = roles.includes(role)
      ? undefined
      : { reason: FILE_ROLE_REASON, reasonText: `the file is ${ROLE_TEXT[role]}; ${definition.id} rewrites ${roles.join(', ')} files only`, detail: `${role} file` };
    const recorder = new SiteRecorder(definition.id, path, definition.skipReasons, filter, locate, refuseAll, {
      ignores,
      baseline: project.baseline?.matcher(path, fileLines),
    });
    // each transform's questions are answered from an index of the tree as the transforms before
    // it left it (the same index while none of them changed it), until its own first change; the
    // analysis pass ends at the first accepted change (the edit pass runs that transform again)
    indexRoot(root);
    let firstChange = false;
    recorder.onChange = analysis
      ? () => {
          firstChange = true;
          throw ANALYSIS_DONE;
        }
      : () => stopIndexing(root);
    const changedSoFar = () => recorder.records.filter((s) => s.kind === 'changed').map((s) => s.id);
    const request = collectRequests(definition.id, path, pkg?.dir ?? '', requests, changedSoFar);
    try {
      definition.apply({ j, root, file, options, sites: recorder, request, project });
      placeAddedRequires(j, root);
    } catch (error) {
      // the signal, however the transform let it through (caught, wrapped): the pass is over
      if (!firstChange) {
        const message = error instanceof Error ? error.message : String(error);
        discardTree(root);
        return { error: `transform ${definition.id} failed: ${message}; the file was left unchanged`, sites: [...sites, ...recorder.records] };
      }
    }
    // (also when the transform caught the signal and went on)
    if (firstChange) {
      anyChange = true;
      break;
    }
    sites.push(...recorder.records);
    const changed = recorder.records.some((site) => site.kind === 'changed');
    anyChange ||= changed;
    if (!changed && requests.length === 0 && settled.length === position) settled.push(recorder.records);
  }
  // the analysis pass's tree ends here: the file is done, or the edit pass parses it again
  if (analysis) discardTree(root);
  return { sites, requests, settled, root, changed: anyChange };
}

/**
 * The `request` object a transform is handed: support files (relative to the owning package) and
 * dependencies, each tagged with the changed sites recorded so far (what needs it).
 */
export function collectRequests(
  transform: string,
  from: string,
  packageDir: string,
  into: SupportRequest[],
  changedSites: () => string[],
): Requests {
  return {
    file(relativePath, contents) {
      const path = posix.normalize(posix.join(packageDir, relativePath));
      into.push({ kind: 'file', transform, from, path, contents, sites: changedSites() });
    },
    dependency(name, range, opts) {
      into.push({ kind: 'dependency', transform, from, packageDir, name, range, dev: opts?.dev ?? false, sites: changedSites() });
    },
  };
}
