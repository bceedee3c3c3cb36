/**
 * The fixture harness, on the production code path (`runFile`). A case is
 * `fixtures/<id>/<case>.input.<ext>`, with `<case>.output.<ext>` for a rewrite case (none for a
 * must-not-change case, named `no-change-<trap>`), and optionally `<case>.options.json`,
 * `<case>.sites.json` (expected sites), `<case>.requests.json` (expected support requests) and a
 * `<case>.project/` folder (the project around the file: package.json, other modules; the input
 * then lives at `src/<case>.<ext>` inside it).
 *
 * Every case is checked, with no per-transform code, for: exact bytes (no trimming), a re-parse of
 * the output, a second run that changes nothing, a rewrite whose output differs from its input,
 * no `changed` site on a must-not-change case, and the same behaviour on CRLF and BOM variants.
 * Exported so teams test their own transforms the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { resolveOptions } from '../config/preset.js';
import { languageFor, ParseError, parseSource, stripBom } from '../engine/parse.js';
import { Project } from '../engine/project.js';
import { runFile, type FileResult, type SupportRequest } from '../engine/run-file.js';
import type { Site } from '../engine/sites.js';
import type { AnyTransform } from '../transform.js';

export interface FixtureCase {
  transform: string;
  name: string;
  ext: string;
  input: string;
  /** Expected output text; undefined for a must-not-change case. */
  output: string | undefined;
  options: unknown;
  sites: ExpectedSite[] | undefined;
  requests: unknown[] | undefined;
  /** Root of the project the file lives in, and the file's path inside it. */
  projectRoot: string;
  path: string;
  /** Every source file of the case's project (the run's `project.files`), the input included. */
  projectFiles: string[];
}

export interface ExpectedSite {
  line: number;
  column?: number;
  kind: Site['kind'];
  reason?: string;
  message?: string;
}

export type Variant = 'lf' | 'crlf' | 'bom';
export const VARIANTS: readonly Variant[] = ['lf', 'crlf', 'bom'];

const INPUT = /^(.+)\.input\.([a-z]+)$/;

/** Every case of one transform's fixture folder, sorted by name. */
export function discoverCases(fixturesDir: string, transform: string): FixtureCase[] {
  const dir = join(fixturesDir, transform);
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).sort();
  const cases: FixtureCase[] = [];
  for (const file of names) {
    const match = INPUT.exec(file);
    if (!match || statSync(join(dir, file)).isDirectory()) continue; // `<case>.input.project/`: project-level cases
    const [, name, ext] = match as unknown as [string, string, string];
    const sibling = (suffix: string) => {
      const path = join(dir, `${name}.${suffix}`);
      return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    };
    const json = (suffix: string) => {
      const text = sibling(suffix);
      return text === undefined ? undefined : JSON.parse(text);
    };
    const projectDir = join(dir, `${name}.project`);
    const hasProject = existsSync(projectDir);
    cases.push({
      transform,
      name,
      ext,
      input: readFileSync(join(dir, file), 'utf8'),
      output: sibling(`output.${ext}`),
      options: json('options.json') ?? {},
      sites: json('sites.json'),
      requests: json('requests.json'),
      projectRoot: hasProject ? projectDir : dir,
      path: hasProject ? `src/${name}.${ext}` : `${name}.input.${ext}`,
      projectFiles: hasProject
        ? [...new Set([`src/${name}.${ext}`, ...sourceFilesUnder(projectDir)])].sort()
        : [`${name}.input.${ext}`],
    });
  }
  return cases;
}

/** Root-relative POSIX paths of the source files under a case's project folder. */
function sourceFilesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (languageFor(entry.name)) found.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return found;
}

function variantOf(text: string, variant: Variant): string {
  if (variant === 'crlf') return text.replace(/\r?\n/g, '\r\n');
  if (variant === 'bom') return `\uFEFF${text}`;
  return text;
}

/** Runs one transform on a text as the engine would, inside the case's project. */
export function runCase(transform: AnyTransform, fixture: FixtureCase, text: string, written: readonly SupportRequest[] = []): FileResult {
  const options = resolveOptions(transform, fixture.options, `${fixture.transform}/${fixture.name}.options.json`);
  const project = written.length === 0 ? new Project(fixture.projectRoot, fixture.projectFiles) : new WrittenProject(fixture.projectRoot, fixture.projectFiles, written);
  return runFile({ path: fixture.path, text, chain: [{ definition: transform, options }], project });
}

/** The case's project as a second run sees it: with the support files the first run asked for written. */
class WrittenProject extends Project {
  private readonly written: Map<string, string>;

  constructor(root: string, files: readonly string[], requests: readonly SupportRequest[]) {
    const written = new Map(requests.flatMap((r) => (r.kind === 'file' ? [[r.path, r.contents] as const] : [])));
    super(root, [...new Set([...files, ...written.keys()])].sort());
    this.written = written;
  }

  override readFile(path: string): string | undefined {
    return this.written.get(path) ?? super.readFile(path);
  }

  override exists(path: string): boolean {
    return this.written.has(path) || super.exists(path);
  }
}

export interface CaseReport {
  failures: string[];
  sites: Site[];
  requests: SupportRequest[];
}

/** All the harness's checks for one case in one variant; an empty `failures` list is a pass. */
export function checkCase(transform: AnyTransform, fixture: FixtureCase, variant: Variant): CaseReport {
  const failures: string[] = [];
  const input = variantOf(fixture.input, variant);
  const expected = fixture.output === undefined ? undefined : variantOf(fixture.output, variant);
  const first = runCase(transform, fixture, input);
  const sites = 'sites' in first ? first.sites : [];
  const requests = first.status === 'changed' ? first.requests : [];

  if (first.status === 'parse-error') {
    failures.push(`input does not parse: ${first.message} at ${first.line}:${first.column}`);
    return { failures, sites, requests };
  }
  if (first.status === 'error') {
    failures.push(first.message);
    return { failures, sites, requests };
  }
  const output = first.status === 'changed' ? first.output : input;

  if (expected === undefined) {
    const changed = sites.filter((site) => site.kind === 'changed');
    if (changed.length > 0) failures.push(`noisy: a must-not-change case got changed sites: ${describe(changed)}`);
    if (output !== input) failures.push('noisy: a must-not-change case changed its text');
  } else {
    if (fixture.output === fixture.input) failures.push('a rewrite case whose expected output equals its input');
    if (first.status !== 'changed') failures.push('missing: the transform left a rewrite case unchanged');
    else if (output !== expected) failures.push(`wrong output:\n${firstDifference(expected, output)}`);
    if (!sites.some((site) => site.kind === 'changed')) failures.push('a rewrite case reported no changed site');
    try {
      parseSource(stripBom(expected), fixture.path);
    } catch (error) {
      const at = error instanceof ParseError ? ` at ${error.line}:${error.column}` : '';
      failures.push(`the expected output does not parse: ${(error as Error).message}${at}`);
    }
  }

  if (variant === 'lf' && fixture.sites) {
    const actual = sites.map((site) => pick(site, fixture.sites));
    const wanted = fixture.sites.map((site) => ({ column: undefined, reason: undefined, message: undefined, ...site }));
    if (JSON.stringify(actual) !== JSON.stringify(wanted.map((w) => pick(w as Site, fixture.sites)))) {
      failures.push(`sites differ:\n  expected ${JSON.stringify(fixture.sites)}\n  actual   ${JSON.stringify(actual)}`);
    }
  }
  if (variant === 'lf' && fixture.requests) {
    const actual = requests.map(({ kind, path, name, range, dev, contents }: any) =>
      kind === 'file' ? { kind, path, contents } : { kind, name, range, dev },
    );
    if (JSON.stringify(actual) !== JSON.stringify(fixture.requests)) {
      failures.push(`requests differ:\n  expected ${JSON.stringify(fixture.requests)}\n  actual   ${JSON.stringify(actual)}`);
    }
  }

  if (first.status === 'changed') {
    const second = runCase(transform, fixture, output, requests);
    if (second.status === 'changed') failures.push(`not idempotent: a second run changed the output again:\n${firstDifference(output, second.output)}`);
    else if (second.status !== 'unchanged') failures.push(`the output fails a second run: ${JSON.stringify(second)}`);
    else if (second.sites.some((site) => site.kind === 'changed')) failures.push('not idempotent: the second run reported changed sites');
  }
  return { failures, sites, requests };
}

/** Keeps the fields the expectation names (line and kind always). */
function pick(site: Site, expected: readonly ExpectedSite[] | undefined): Record<string, unknown> {
  const fields = new Set(['line', 'kind']);
  for (const entry of expected ?? []) for (const key of Object.keys(entry)) fields.add(key);
  const picked: Record<string, unknown> = {};
  for (const key of ['line', 'column', 'kind', 'reason', 'message']) if (fields.has(key)) picked[key] = (site as any)[key];
  return picked;
}

function describe(sites: readonly Site[]): string {
  return sites.map((site) => `${site.line}:${site.column} ${site.message ?? site.reason}`).join('; ');
}

/** The first differing line of two texts, shown with visible line endings. */
export function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    if (a[index] !== b[index]) {
      const show = (line: string | undefined) => (line === undefined ? '<end of file>' : JSON.stringify(line));
      return `  line ${index + 1}\n  expected ${show(a[index])}\n  actual   ${show(b[index])}`;
    }
  }
  return '  (texts differ only in a way split on \\n cannot show)';
}
