/**
 * Every file has one role, decided here once per run, so no transform re-implements "is this a
 * test": what runs in production on the server (`source`), tests and their set-up, tool
 * configuration, scripts and CLIs, code that runs in a browser (or is bundled for one, directly or
 * through an import), and generated files. A transform declares the roles it applies to; a site in
 * a file of another role is reported as skipped with the role.
 */
import { posix } from 'node:path';
import type { FileRole, PackageInfo } from '../transform.js';

/** What a role means, for the skip message. */
export const ROLE_TEXT: Record<FileRole, string> = {
  source: 'server source',
  test: 'a test or test set-up file',
  config: 'a tool configuration file',
  script: 'a script, CLI or example, not the running server',
  'front-end': 'code that runs in a browser (front-end, or imported by front-end code)',
  generated: 'a generated file',
};

const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'e2e', 'test-int', 'testing', '__mocks__', 'cypress', 'playwright', '__fixtures__']);
const SCRIPT_DIRS = new Set(['bin', 'scripts', 'script', 'cli', 'tools', 'extra', 'examples', 'example', 'demo', 'demos', 'samples', 'sample', 'benchmark', 'benchmarks', 'bench']);
const FRONTEND_DIRS = new Set(['public', 'static', 'client', 'frontend', 'front-end', 'browser', 'www', 'bundle', 'views', 'assets', 'web-app', 'webapp']);
const FRONTEND_IMPORT =
  /\b(?:from\s*|require\(\s*)['"](?:vue|react|react-dom|react-dom\/client|preact|svelte|@angular\/core|next\/(?:link|router|navigation|image))['"]|\bimport\s+[\w{},\s*]+\s+from\s+['"][^'"]+\.(?:vue|svelte)['"]/;
/** A word each match of FRONTEND_IMPORT contains (a scan for a word is much cheaper than the expression). */
const FRONTEND_IMPORT_WORDS = ['vue', 'react', 'preact', 'svelte', '@angular/core', 'next/'];
const BROWSER_GLOBALS =
  /\bdocument\.(getElementById|querySelector(All)?|createElement|body|cookie|addEventListener)\b|\bwindow\.(location|addEventListener|localStorage|sessionStorage|document|navigator)\b|\blocalStorage\.(getItem|setItem)\b|\$\(\s*document\s*\)/;
/** A word each match of BROWSER_GLOBALS contains. */
const BROWSER_GLOBAL_WORDS = ['document', 'window.', 'localStorage.'];
/** The role is decided once per file of the run, over every file: the text's expressions run only where a word they need is there. */
const mentions = (text: string, words: readonly string[]) => words.some((word) => text.includes(word));
const FRONTEND_LIBRARIES = ['vue', 'react', 'react-dom', 'next', 'nuxt', 'svelte', '@angular/core', 'preact', 'solid-js', 'react-native', 'vite'];

/** The role a file's path, text and package give it, before front-end propagation through imports. */
export function directRole(path: string, text: string, pkg: PackageInfo | undefined, hasDir: (dir: string) => boolean): FileRole {
  if (/@generated\b|\bDO NOT (EDIT|MODIFY)\b|\bauto-?generated\b|\bThis file (is|was|has been) (automatically )?generated\b/i.test(text.slice(0, 1024))) {
    return 'generated';
  }
  const inPackage = pkg && pkg.dir !== '' && path.startsWith(`${pkg.dir}/`) ? path.slice(pkg.dir.length + 1) : path;
  const segments = inPackage.split('/');
  const base = segments.pop()!;
  const dirs = segments.map((segment) => segment.toLowerCase());
  // folders above the package count for tests, scripts and examples (a package inside examples/ is an example)
  const allDirs = path.split('/').slice(0, -1).map((segment) => segment.toLowerCase());
  if (
    allDirs.some((dir) => TEST_DIRS.has(dir) || /^tests?[-_]|[-_]tests?$/.test(dir)) ||
    /\.(test|spec|e2e|int|integration)\.[cm]?[jt]sx?$/.test(base) ||
    /^tests?[-_.]|[-_.](test|spec)\.[cm]?[jt]sx?$/.test(base) ||
    /^(setupTests|test-setup|jest\.setup|vitest\.setup)\b/.test(base)
  ) {
    return 'test';
  }
  if (
    /\.(config|conf)\.[cm]?[jt]s$/.test(base) ||
    /^\.[\w-]+rc\.[cm]?[jt]s$/.test(base) ||
    /^(gruntfile|gulpfile|jakefile)\.[cm]?[jt]s$/i.test(base) ||
    /^(webpack|rollup|vite|babel|jest|karma|postcss|tailwind|eslint|prettier|ecosystem|nodemon|esbuild|tsup)\b[\w.-]*\.[cm]?[jt]s$/.test(base)
  ) {
    return 'config';
  }
  if (isFrontEnd(dirs, base, text, pkg, hasDir)) return 'front-end';
  if (
    text.startsWith('#!') ||
    allDirs.some((dir) => SCRIPT_DIRS.has(dir) || /[-_]examples?$/.test(dir)) ||
    isBinEntry(inPackage, pkg) ||
    /^(postinstall|preinstall|install)\.[cm]?js$/.test(base) ||
    /^cli\.[cm]?[jt]sx?$/.test(base) ||
    (text.includes('process.stdin') && /\bprocess\.stdin\b/.test(text))
  ) {
    return 'script';
  }
  return 'source';
}

function isFrontEnd(dirs: readonly string[], base: string, text: string, pkg: PackageInfo | undefined, hasDir: (dir: string) => boolean): boolean {
  if (dirs.some((dir) => FRONTEND_DIRS.has(dir))) return true;
  if (/^\s*(['"])use client\1/.test(text)) return true;
  if (mentions(text, FRONTEND_IMPORT_WORDS) && FRONTEND_IMPORT.test(text)) return true;
  if (/\.jsx$/.test(base) || (/\.tsx$/.test(base) && /<\/[A-Za-z]|\/>/.test(text))) return true;
  if (mentions(text, BROWSER_GLOBAL_WORDS) && BROWSER_GLOBALS.test(text)) return true;
  if (!pkg) return false;
  if (pkg.json.browser !== undefined) return true;
  // A package with a front-end framework: its `src/` is the front-end when the server lives apart.
  if (FRONTEND_LIBRARIES.some((name) => pkg.dependencyRange(name) !== undefined) && dirs[0] === 'src') {
    if (['server', 'backend'].some((dir) => hasDir(pkg.dir === '' ? dir : `${pkg.dir}/${dir}`))) return true;
  }
  return false;
}

function isBinEntry(inPackage: string, pkg: PackageInfo | undefined): boolean {
  const bin = pkg?.json.bin;
  const entries = typeof bin === 'string' ? [bin] : bin && typeof bin === 'object' ? Object.values(bin as Record<string, unknown>) : [];
  return entries.some((entry) => typeof entry === 'string' && posix.normalize(entry) === posix.normalize(inPackage));
}

/** Relative module specifiers a file imports or requires (a text scan: cheap, and enough for reachability). */
export function relativeSpecifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\brequire\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*\)|\bfrom\s*(['"])(\.{1,2}\/[^'"]+)\3|\bimport\s*\(?\s*(['"])(\.{1,2}\/[^'"]+)\5/g)) {
    found.push(match[2] ?? match[4] ?? match[6]!);
  }
  return found;
}
