/**
 * Fixture cases for project-level transforms, named like file-level ones:
 * `fixtures/<id>/<case>.input.project/` is a whole project, `<case>.output.project/` holds the
 * expected text of every file the run changes or creates (none for a `no-change-<trap>` case),
 * and optionally `<case>.options.json` and `<case>.sites.json`
 * (`[{ "file", "line", "kind", "reason" }]`, exact). Each case runs through the real engine
 * (`discover` + `run`) on a temporary copy; the checks: exact bytes, the same set of files, a
 * second run over the written output that changes nothing, no `changed` site on a
 * must-not-change case, and (for rewrite cases) a TypeScript program over the output that
 * type-checks.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { resolveOptions } from '../../src/config/preset.js';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import type { Site } from '../../src/engine/sites.js';
import type { AnyTransform } from '../../src/transform.js';

export interface ProjectCase {
  transform: string;
  name: string;
  /** The input project folder, `<case>.input.project/`. */
  input: string;
  /** Where the expected files live, `<case>.output.project/` (absent for must-not-change cases). */
  outputDir: string;
  /** Expected changed/new files (root-relative path -> text); undefined for must-not-change. */
  output: Map<string, string> | undefined;
  options: unknown;
  sites: { file: string; line: number; kind: Site['kind']; reason?: string }[] | undefined;
}

export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const absolute = join(current, entry);
      if (statSync(absolute).isDirectory()) walk(absolute);
      else out.set(relative(dir, absolute).split('\\').join('/'), readFileSync(absolute, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Every `<case>.input.project/` folder of `fixtures/<transform>/`, sorted by name. */
export function discoverProjectCases(fixturesDir: string, transform: string): ProjectCase[] {
  const root = join(fixturesDir, transform);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .filter((entry) => entry.endsWith('.input.project'))
    .map((entry) => {
      const name = entry.slice(0, -'.input.project'.length);
      const sibling = (suffix: string) => join(root, `${name}.${suffix}`);
      const json = (suffix: string) => (existsSync(sibling(suffix)) ? JSON.parse(readFileSync(sibling(suffix), 'utf8')) : undefined);
      return {
        transform,
        name,
        input: sibling('input.project'),
        outputDir: sibling('output.project'),
        output: existsSync(sibling('output.project')) ? readTree(sibling('output.project')) : undefined,
        options: json('options.json') ?? {},
        sites: json('sites.json'),
      };
    });
}

export function runProject(transform: AnyTransform, root: string, options: unknown, label: string) {
  const resolved = resolveOptions(transform, options, label);
  return run({ root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain: [{ definition: transform, options: resolved }] });
}

export interface ProjectCaseReport {
  failures: string[];
  sites: Site[];
  /** The temporary project after the first run's changes were written. */
  root: string;
}

/** Runs one case; an empty `failures` list is a pass. The caller removes `root`. */
export function checkProjectCase(transform: AnyTransform, fixture: ProjectCase): ProjectCaseReport {
  const failures: string[] = [];
  const root = realpathSync(mkdtempSync(join(tmpdir(), `harden-${fixture.name}-`)));
  cpSync(fixture.input, root, { recursive: true });
  const label = `${fixture.transform}/${fixture.name}.options.json`;
  const first = runProject(transform, root, fixture.options, label);
  const sites = first.outcomes.flatMap((o) => o.sites);
  failures.push(...first.errors.map((e) => `error in ${e.path}: ${e.message}`));
  const changed = new Map(first.changes.map((c) => [c.path, c.after]));

  if (fixture.output === undefined) {
    if (changed.size) failures.push(`noisy: a must-not-change case changed ${[...changed.keys()].join(', ')}`);
    const changedSites = sites.filter((s) => s.kind === 'changed');
    if (changedSites.length) failures.push(`noisy: changed sites ${changedSites.map((s) => s.message).join(' | ')}`);
  } else {
    const expected = [...fixture.output.keys()].sort();
    const actual = [...changed.keys()].sort();
    if (expected.join('\n') !== actual.join('\n')) failures.push(`files: expected [${expected.join(', ')}], got [${actual.join(', ')}]`);
    for (const [path, text] of fixture.output) {
      const got = changed.get(path);
      if (got !== undefined && got !== text) failures.push(`${path} differs from ${fixture.name}.output.project/${path} at ${firstDifference(text, got)}`);
    }
    const input = readTree(fixture.input);
    if ([...fixture.output].every(([path, text]) => input.get(path) === text)) failures.push('the expected output equals the input');
  }
  if (fixture.sites) {
    const got = sites.map((s) => ({ file: s.file, line: s.line, kind: s.kind, ...(s.reason ? { reason: s.reason } : {}) }));
    if (JSON.stringify(got) !== JSON.stringify(fixture.sites)) failures.push(`sites: expected ${JSON.stringify(fixture.sites)}, got ${JSON.stringify(got)}`);
  }

  for (const [path, text] of changed) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (fixture.output !== undefined) failures.push(...typeErrors(root));
  const second = runProject(transform, root, fixture.options, label);
  if (second.changes.length) failures.push(`not idempotent: a second run changed ${second.changes.map((c) => c.path).join(', ')}`);
  return { failures, sites, root };
}

/** Type-checks every .ts file of a tree (strict, no emit); JavaScript trees are checked for syntax by the engine. */
export function typeErrors(root: string): string[] {
  const files = [...readTree(root).keys()].filter((p) => /\.[cm]?ts$/.test(p) && !p.endsWith('.d.ts')).map((p) => join(root, p));
  if (files.length === 0) return [];
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    noUnusedLocals: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    experimentalDecorators: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `type error ${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && expected[i] === actual[i]) i += 1;
  const line = expected.slice(0, i).split('\n').length;
  return `line ${line}: expected ${JSON.stringify(expected.slice(i, i + 60))}, got ${JSON.stringify(actual.slice(i, i + 60))}`;
}
