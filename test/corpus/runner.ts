/**
 * The corpus gate's I/O: temporary git copies of a corpus repository, the built CLI run on them as a
 * user would (dry-run, write, then check for idempotency), and the raw facts the checks need.
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { JsonReport } from '../../src/output/json.js';
import { harden } from '../../src/package-root.js';
import { babelParse } from './parse.js';

export interface Selection {
  name: string;
  args: string[];
}

export const SELECTIONS: Selection[] = [
  { name: 'mongo-express', args: ['--preset', 'mongo-express'] },
  { name: 'node-basics', args: ['--preset', 'node-basics'] },
  { name: 'express-safety', args: ['--preset', 'express-safety'] },
  { name: 'split', args: ['--transform', 'split-god-service'] },
];

export interface Proc {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WrittenFile {
  path: string;
  /** undefined for a file harden created */
  before: string | undefined;
  after: string;
}

export interface SelectionRun {
  repo: string;
  selection: string;
  seconds: number;
  /** harden's own dry-run time */
  dryRunSeconds: number;
  dry: JsonReport | undefined;
  /** problems running the CLI or git that are violations by themselves */
  failures: string[];
  written: WrittenFile[];
  idempotent: boolean;
  /** syntax errors the report gave, with whether the language accepts the file */
  syntaxErrors: Array<{ path: string; message: string; accepted: boolean }>;
  /** written files that the language rejects */
  invalidWritten: Array<{ path: string; message: string }>;
}

export function run(command: string, args: string[], cwd: string, input?: string): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
    if (input !== undefined) child.stdin!.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => { if (stdout.length < 1_000_000) stdout += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { if (stderr.length < 1_000_000) stderr += chunk.toString(); });
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: stderr + String(error) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

const GIT_USER = ['-c', 'user.email=corpus@harden.invalid', '-c', 'user.name=corpus gate', '-c', 'commit.gpgsign=false'];

async function git(cwd: string, ...args: string[]): Promise<Proc> {
  const proc = await run('git', [...GIT_USER, ...args], cwd);
  if (proc.code !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${proc.stderr.trim()}`);
  return proc;
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else if (entry.isFile()) chmodSync(path, 0o644);
  }
}

/** A committed git copy of a corpus repository (the corpus itself is read-only). */
export async function baseCopy(source: string, dest: string): Promise<void> {
  cpSync(source, dest, { recursive: true });
  makeWritable(dest);
  await git(dest, 'init', '-q');
  await git(dest, 'add', '-A');
  await git(dest, 'commit', '-q', '--no-verify', '-m', 'corpus');
}

/** Changed and new files of a work tree, relative paths. */
async function changedPaths(dir: string): Promise<string[]> {
  const proc = await git(dir, 'status', '--porcelain', '-uall', '-z');
  return proc.stdout.split('\0').filter(Boolean).map((entry) => entry.slice(3)).sort();
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

const JS = new Set(['.js', '.cjs', '.mjs']);
const TS = new Set(['.ts', '.tsx', '.mts', '.cts', '.jsx']);

/** Whether the language accepts a file: `node --check` for JavaScript, TypeScript's parser otherwise. */
export async function languageCheck(dir: string, path: string, tsErrors: (text: string, file: string) => string[]): Promise<string | undefined> {
  const ext = extname(path);
  if (JS.has(ext)) {
    const verdict = (proc: Proc) => (proc.code === 0 ? undefined : proc.stderr.split('\n').find((l) => /Error/.test(l))?.trim() ?? `node --check exit ${proc.code}`);
    const first = verdict(await run(process.execPath, ['--check', path], dir));
    if (first || ext !== '.js') return first;
    // Node 20's `--check` passes any .js file with import/export outside a "type": "module" package
    // without parsing it (module detection); parse such a file as a module explicitly
    const text = readFileSync(join(dir, path), 'utf8');
    const program = babelParse(text, path)?.program;
    const esm = program ? program.sourceType === 'module' : /^[ \t]*(import|export)\b(?!\s*\()/m.test(text);
    if (!esm) return undefined;
    return verdict(await run(process.execPath, ['--input-type=module', '--check'], dir, text));
  }
  if (TS.has(ext)) return tsErrors(readFileSync(join(dir, path), 'utf8'), path)[0];
  return undefined;
}

function loadReport(path: string): JsonReport | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
  } catch {
    return undefined;
  }
}

export async function runSelection(repo: string, base: string, work: string, selection: Selection, tsErrors: (text: string, file: string) => string[]): Promise<SelectionRun> {
  const started = Date.now();
  const cli = harden('dist', 'bin', 'harden.js');
  const result: SelectionRun = { repo, selection: selection.name, seconds: 0, dryRunSeconds: 0, dry: undefined, failures: [], written: [], idempotent: false, syntaxErrors: [], invalidWritten: [] };
  const apply = (cwd: string, mode: string[], report: string) =>
    run(process.execPath, [cli, 'apply', ...selection.args, ...mode, '--format', 'json', '-o', report, '--jobs', '1'], cwd);
  const expectExit = (what: string, proc: Proc, allowed: number[]) => {
    if (!allowed.includes(proc.code)) result.failures.push(`${what} exited ${proc.code}: ${proc.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  };

  // 1. dry run, and its patch applied to a clean copy
  const dryDir = join(work, `${selection.name}-dry`);
  cpSync(base, dryDir, { recursive: true });
  const dryStarted = Date.now();
  const dryProc = await apply(dryDir, ['--dry-run'], join(work, `${selection.name}-dry.json`));
  result.dryRunSeconds = (Date.now() - dryStarted) / 1000;
  expectExit('dry run', dryProc, [0, 2]);
  result.dry = loadReport(join(work, `${selection.name}-dry.json`));
  if (!result.dry) {
    result.failures.push('dry run wrote no JSON report');
    result.seconds = (Date.now() - started) / 1000;
    return result;
  }
  const patch = result.dry.changes.map((change) => change.diff).join('');
  const patchFile = join(work, `${selection.name}.patch`);
  writeFileSync(patchFile, patch);
  if (patch) {
    const check = await run('git', ['apply', '--check', patchFile], dryDir);
    if (check.code !== 0) result.failures.push(`git apply --check of the dry-run patch failed: ${check.stderr.trim().split('\n')[0]}`);
    else await git(dryDir, 'apply', patchFile);
  }

  // 2. write mode must produce what the patch does
  const writeDir = join(work, `${selection.name}-write`);
  cpSync(base, writeDir, { recursive: true });
  expectExit('write run', await apply(writeDir, [], join(work, `${selection.name}-write.json`)), [0, 2]);
  const [expected, written] = await Promise.all([changedPaths(dryDir), changedPaths(writeDir)]);
  const mismatched = new Set([...expected.filter((p) => !written.includes(p)), ...written.filter((p) => !expected.includes(p))]);
  for (const path of written) if (readIfExists(join(dryDir, path)) !== readIfExists(join(writeDir, path))) mismatched.add(path);
  if (mismatched.size) result.failures.push(`write mode differs from the dry-run patch in ${[...mismatched].slice(0, 5).join(', ')}${mismatched.size > 5 ? ` (+${mismatched.size - 5})` : ''}`);
  result.written = written.map((path) => ({ path, before: readIfExists(join(base, path)), after: readFileSync(join(writeDir, path), 'utf8') }));

  // 3. a second run changes nothing (with nothing written, the tree is the one the dry run saw)
  if (written.length) {
    await git(writeDir, 'add', '-A');
    await git(writeDir, 'commit', '-q', '--no-verify', '-m', 'harden');
    const checkReport = join(work, `${selection.name}-check.json`);
    const checkProc = await apply(writeDir, ['--check'], checkReport);
    const again = loadReport(checkReport);
    result.idempotent = checkProc.code !== 1 && again !== undefined && again.changes.length === 0;
    if (!result.idempotent) result.failures.push(`not idempotent: a second run (exit ${checkProc.code}) would change ${again ? again.changes.map((c) => c.path).slice(0, 5).join(', ') : '(no report)'}`);
  } else {
    result.idempotent = true;
  }

  // 4. the language's own verdict on reported syntax errors and on written files
  const syntax = result.dry.errors.filter((error) => /^syntax error/i.test(error.message));
  await pool(syntax, 4, async (error) => {
    const verdict = existsSync(join(base, error.path)) ? await languageCheck(base, error.path, tsErrors) : 'missing';
    const ext = extname(error.path);
    result.syntaxErrors.push({ path: error.path, message: error.message, accepted: verdict === undefined && (JS.has(ext) || TS.has(ext)) });
  });
  await pool(result.written, 4, async ({ path, before, after }) => {
    const verdict = await languageCheck(writeDir, path, tsErrors);
    if (!verdict) return;
    // an original the language rejects too (JSX or Flow in a .js file): fail only on new parse errors
    if (before !== undefined && (await languageCheck(base, path, tsErrors))) {
      const jsx = path.replace(/\.[cm]?js$/, '.jsx');
      if (tsErrors(after, jsx).length <= tsErrors(before, jsx).length) return;
    }
    result.invalidWritten.push({ path, message: verdict });
  });
  result.seconds = (Date.now() - started) / 1000;
  return result;
}
