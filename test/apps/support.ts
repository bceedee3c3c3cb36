/** Helpers of the sample-app matrix: copy an app into a git repo, read harden's report, run the app's own checks. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { harden, repo } from '../support/cli.js';
import type { TransformExpectation } from './expected.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const APPS = join(ROOT, 'fixtures', 'apps');
const NODE_MODULES = join(ROOT, 'node_modules');
const LEFT_OUT = new Set(['node_modules', 'dist', 'logs', 'data', 'uploads', 'storage', 'coverage']);

/** Every file of a sample app (relative POSIX path -> bytes), without installed or generated folders. */
export function appFiles(app: string): Record<string, Buffer> {
  const base = join(APPS, app);
  const files: Record<string, Buffer> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (LEFT_OUT.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files[relative(base, path).split(sep).join('/')] = readFileSync(path);
    }
  };
  walk(base);
  return files;
}

/** A committed git repository holding a copy of the app; node_modules links to the repository root's. */
export function appRepo(app: string): { root: string; files: Record<string, Buffer> } {
  const files = appFiles(app);
  const root = repo(files);
  symlinkSync(NODE_MODULES, join(root, 'node_modules'), 'dir');
  return { root, files };
}

export interface ReportedSite {
  transform: string;
  kind: 'changed' | 'skipped';
  file: string;
  line: number;
  /** The skip reason key, or the change message. */
  text: string;
}

export interface Report {
  /** The transforms of the run, in chain order, with the counts their summary line states. */
  transforms: { id: string; changed: number; skipped: number }[];
  sites: ReportedSite[];
}

/**
 * Reads the `--verbose` summary harden prints on stderr: a line per transform
 * (`id: N files changed, C sites changed, S skipped`), then its skipped sites
 * (`    file:line:col reason (detail)`) and changed sites (`  changed file:line:col message`).
 */
export function parseReport(stderr: string): Report {
  const report: Report = { transforms: [], sites: [] };
  let current: string | undefined;
  for (const line of stderr.split('\n')) {
    const header = /^([a-z0-9]+(?:-[a-z0-9]+)*): \d+ files? (?:changed|would change), (\d+) sites? changed, (\d+) skipped$/.exec(line);
    if (header) {
      current = header[1]!;
      report.transforms.push({ id: current, changed: Number(header[2]), skipped: Number(header[3]) });
      continue;
    }
    if (!line.startsWith(' ')) current = undefined;
    if (!current) continue;
    const changed = /^ {2}changed (\S+):(\d+):\d+ (.*)$/.exec(line);
    if (changed) {
      report.sites.push({ transform: current, kind: 'changed', file: changed[1]!, line: Number(changed[2]), text: changed[3]! });
      continue;
    }
    const skipped = /^ {4}(\S+):(\d+):\d+ ([a-z0-9]+(?:-[a-z0-9]+)*)(?: \(.*\))?$/.exec(line);
    if (skipped) {
      report.sites.push({ transform: current, kind: 'skipped', file: skipped[1]!, line: Number(skipped[2]), text: skipped[3]! });
    }
  }
  return report;
}

/** `file:12` or `file:3-9` -> file and an inclusive line range. */
export function parseLocation(at: string): { file: string; first: number; last: number } {
  const match = /^(.+):(\d+)(?:-(\d+))?$/.exec(at);
  if (!match) return { file: at, first: 1, last: Number.MAX_SAFE_INTEGER };
  return { file: match[1]!, first: Number(match[2]), last: Number(match[3] ?? match[2]) };
}

export function sitesAt(sites: readonly ReportedSite[], at: string): ReportedSite[] {
  const { file, first, last } = parseLocation(at);
  return sites.filter((site) => site.file === file && site.line >= first && site.line <= last);
}

/** The transforms `harden list` prints. */
export function registeredTransforms(cwd: string): string[] {
  const listing = harden(['list'], cwd).stdout;
  const section = listing.split(/^Presets:$/m)[0] ?? '';
  return [...section.matchAll(/^ {2}([a-z0-9]+(?:-[a-z0-9]+)*) /gm)].map((match) => match[1]!);
}

/** The presets `harden list` prints. */
export function presets(cwd: string): string[] {
  const section = harden(['list'], cwd).stdout.split(/^Presets:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z0-9]+(?:-[a-z0-9]+)*) /gm)].map((match) => match[1]!);
}

export interface Run {
  status: number | null;
  output: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const result = spawnSync(command, [...args], { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** `tsc --noEmit -p <dir>` with the repository's TypeScript. */
export function typecheck(dir: string): Run {
  return run(process.execPath, [join(NODE_MODULES, 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(dir, 'tsconfig.json')], dir);
}

/** `node --check` on every JavaScript file of the copy; the output names the files that fail. */
export function checkJavaScript(dir: string, files: readonly string[]): Run {
  const failures = files
    .filter((file) => /\.(c|m)?js$/.test(file))
    .map((file) => ({ file, result: run(process.execPath, ['--check', join(dir, file)], dir) }))
    .filter(({ result }) => result.status !== 0);
  return { status: failures.length ? 1 : 0, output: failures.map(({ file, result }) => `${file}: ${result.output}`).join('\n') };
}

/** The app's own vitest suite, run on the copy as its developers would (no config: vitest defaults). */
export function appTests(dir: string, extra: Record<string, string> = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'TEST' || key === 'NODE_ENV') delete env[key];
  return run(process.execPath, [join(NODE_MODULES, 'vitest', 'vitest.mjs'), 'run', '--root', dir, '--dir', join(dir, 'test')], dir, env);
}

/** Every file of the copy, tracked or new, except node_modules. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      if (entry === 'node_modules' || entry === '.git') continue;
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Every way the report misses the expectation of one transform, as readable lines (empty: all met). */
export function misses(transform: string, expectation: TransformExpectation, sites: readonly ReportedSite[]): string[] {
  const mine = sites.filter((site) => site.transform === transform);
  const changed = mine.filter((site) => site.kind === 'changed');
  const skipped = mine.filter((site) => site.kind === 'skipped');
  const out: string[] = [];
  const entries = (list: TransformExpectation['changed']) =>
    (list ?? []).map((entry) => (typeof entry === 'string' ? { at: entry, why: '' } : { why: '', ...entry }));

  for (const { at, why } of entries(expectation.changed)) {
    if (sitesAt(changed, at).length === 0) out.push(`${at}: expected a changed site ${why}`.trimEnd());
  }
  for (const { at, why = '', reason } of expectation.skipped ?? []) {
    const refusals = sitesAt(skipped, at);
    if (sitesAt(changed, at).length > 0) out.push(`${at}: changed, but must be refused (${why})`);
    else if (refusals.length === 0) out.push(`${at}: expected a skipped site with a reason (${why})`);
    else if (reason && !refusals.some((site) => site.text === reason)) {
      out.push(`${at}: refused as ${refusals.map((site) => site.text).join(', ')}, expected ${reason} (${why})`);
    }
  }
  for (const { at, why = '' } of expectation.untouched ?? []) {
    for (const site of sitesAt(changed, at)) out.push(`${site.file}:${site.line}: changed, but must not be (${why}): ${site.text}`);
  }
  if (expectation.exact) {
    const wanted = new Set(entries(expectation.changed).map(({ at }) => at));
    for (const site of changed) {
      if (!wanted.has(`${site.file}:${site.line}`)) out.push(`${site.file}:${site.line}: unexpected changed site: ${site.text}`);
    }
  }
  return out;
}
