/**
 * `npm run corpus`: the real-code gate. Runs the built CLI on temporary copies of every repository
 * in the corpus (`../shared/corpus` by default), checks the results, prints one summary table and
 * the violations, and exits 1 when there is any. See docs/corpus.md.
 *
 *   node dist/test/corpus/gate.js [corpus] [--repo <name>] [--update] [--concurrency N] [--keep]
 */
import { mkdtempSync, readdirSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { harden } from '../../src/package-root.js';
import { churn, typescriptParseErrors, useBeforeInit } from './checks.js';
import { compareCounts, danglingLabels, malformedLabels, mergedLabels, readJson, score, siteCounts, writeJson, type Expected, type Label } from './labels.js';
import { baseCopy, runSelection, SELECTIONS, type SelectionRun } from './runner.js';
import { printSummary, type Row } from './table.js';

interface Options {
  corpus: string;
  repo: string | undefined;
  update: boolean;
  concurrency: number;
  keep: boolean;
}

interface RepoResult {
  repo: string;
  runs: SelectionRun[];
  rows: Row[];
  violations: string[];
  counts: Expected[string];
}

const CODE = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.tsx', '.mts', '.cts']);

function parseArgs(argv: string[]): Options {
  const options: Options = { corpus: harden('..', 'shared', 'corpus'), repo: undefined, update: false, concurrency: 2, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--repo') options.repo = argv[++i];
    else if (arg === '--update') options.update = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--concurrency') options.concurrency = Math.max(1, Number(argv[++i]) || 1);
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.corpus = resolve(arg);
  }
  return options;
}

function repositories(options: Options): string[] {
  const all = readdirSync(options.corpus).filter((name) => statSync(join(options.corpus, name)).isDirectory()).sort();
  if (!options.repo) return all;
  const wanted = options.repo.replace('/', '__');
  if (!all.includes(wanted)) throw new Error(`no repository ${options.repo} in ${options.corpus} (have: ${all.join(', ')})`);
  return [wanted];
}

/** Which run a transform's row (and labels) come from. */
function runFor(runs: SelectionRun[], transform: string): SelectionRun | undefined {
  const by = (name: string) => runs.find((r) => r.selection === name);
  if (transform === 'split-god-service') return by('split');
  for (const name of ['mongo-express', 'node-basics', 'express-safety', 'node-ops']) {
    const run = by(name);
    if (run?.dry?.transforms.some((t) => t.id === transform)) return run;
  }
  return by('node-basics');
}

function checkRun(run: SelectionRun, violations: string[]): Map<string, { churn: number; ubi: number }> {
  const tag = `[${run.repo} ${run.selection}]`;
  for (const failure of run.failures) violations.push(`${tag} ${failure}`);
  for (const error of run.dry?.errors ?? []) {
    if (!/^syntax error/i.test(error.message)) violations.push(`${tag} internal error: ${error.path}: ${error.message}`);
  }
  for (const e of run.syntaxErrors) if (e.accepted) violations.push(`${tag} false syntax error (the language accepts it): ${e.path}: ${e.message}`);
  for (const e of run.invalidWritten) violations.push(`${tag} written file does not parse: ${e.path}: ${e.message}`);
  const perTransform = new Map<string, { churn: number; ubi: number }>();
  for (const file of run.written) {
    if (file.before === undefined || !CODE.has(extname(file.path))) continue;
    const sites = (run.dry?.sites ?? []).filter((s) => s.file === file.path && s.kind === 'changed');
    const result = churn(file.before, file.after, file.path, sites.map((s) => [s.line, s.endLine] as const));
    const early = useBeforeInit(file.before, file.after, file.path);
    if (result.churn.length) {
      const first = result.churn.slice(0, 3).map((l) => `${l.side === 'after' ? '+' : '-'}${l.line} ${JSON.stringify(l.text.trim().slice(0, 60))}`);
      violations.push(`${tag} churn: ${result.churn.length} line(s) in ${file.path}: ${first.join(', ')}${result.churn.length > 3 ? ', …' : ''}`);
    }
    for (const t of result.templates) violations.push(`${tag} template literal text changed: ${file.path}:${t.line} ${JSON.stringify(t.text.slice(0, 60))}`);
    for (const u of early) violations.push(`${tag} use before initialisation: '${u.name}' in ${file.path}:${u.line} (${u.before} → ${u.after} early uses)`);
    const owners = [...new Set(sites.map((s) => s.transform))];
    for (const owner of owners.length ? owners : ['(none)']) {
      const entry = perTransform.get(owner) ?? { churn: 0, ubi: 0 };
      entry.churn += result.churn.length + result.templates.length;
      entry.ubi += early.length;
      perTransform.set(owner, entry);
    }
  }
  return perTransform;
}

async function runRepo(repo: string, options: Options, root: string): Promise<RepoResult> {
  const started = Date.now();
  const work = join(root, repo);
  mkdirSync(work);
  const base = join(work, 'base');
  await baseCopy(join(options.corpus, repo), base);
  const runs: SelectionRun[] = [];
  for (const selection of SELECTIONS) {
    const run = await runSelection(repo, base, work, selection, typescriptParseErrors);
    runs.push(run);
    const s = run.dry?.summary;
    process.stderr.write(`${repo} ${selection.name}: ${run.seconds.toFixed(1)}s (harden ${run.dryRunSeconds.toFixed(1)}s), ${s?.sitesChanged ?? '?'} changed, ${s?.sitesSkipped ?? '?'} skipped, ${s?.errors ?? '?'} errors\n`);
  }
  const violations: string[] = [];
  const findings = new Map(runs.map((run) => [run, checkRun(run, violations)]));
  const counts: Expected[string] = {};
  for (const run of runs) if (run.dry) counts[run.selection] = siteCounts(run.dry);
  const transforms = [...new Set(runs.flatMap((r) => r.dry?.transforms.map((t) => t.id) ?? []))];
  const rows = transforms.map((transform): Row => {
    const run = runFor(runs, transform)!;
    const c = counts[run.selection]?.[transform] ?? { changed: 0, skipped: 0 };
    const f = findings.get(run)?.get(transform) ?? { churn: 0, ubi: 0 };
    return { repo, transform, selection: run.selection, ...c, errors: run.dry?.errors.length ?? 0, churn: f.churn, ubi: f.ubi, idempotent: run.idempotent, seconds: run.dryRunSeconds };
  });
  process.stderr.write(`${repo}: done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  return { repo, runs, rows, violations, counts };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const repos = repositories(options);
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'harden-corpus-'));
  const results: RepoResult[] = [];
  try {
    // the biggest first, so the parallel lanes finish together
    const queue = [...repos].sort((a, b) => readdirSync(join(options.corpus, b), { recursive: true }).length - readdirSync(join(options.corpus, a), { recursive: true }).length);
    await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, async () => {
      for (let repo = queue.shift(); repo; repo = queue.shift()) results.push(await runRepo(repo, options, root));
    }));
  } finally {
    if (options.keep) process.stderr.write(`kept the temporary copies in ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  }
  results.sort((a, b) => a.repo.localeCompare(b.repo));
  const violations = results.flatMap((r) => r.violations);

  const expectedFile = harden('test', 'corpus', 'expected.json');
  const expected = readJson<Expected>(expectedFile, {});
  if (options.update) {
    for (const r of results) expected[r.repo] = r.counts;
    writeJson(expectedFile, expected);
    process.stderr.write(`updated ${expectedFile}\n`);
  } else {
    for (const r of results) violations.push(...compareCounts(r.repo, expected[r.repo], r.counts).map((v) => `[${r.repo}] site counts changed: ${v}`));
  }

  const labelsFile = harden('test', 'corpus', 'labels.json');
  const allLabels = readJson<Label[]>(labelsFile, []);
  violations.push(...mergedLabels(labelsFile, allLabels), ...malformedLabels(allLabels), ...danglingLabels(allLabels, options.corpus));
  const labels = allLabels.filter((l) => repos.includes(l.repo));
  const floors = readJson<Record<string, number>>(harden('test', 'corpus', 'floors.json'), {});
  const changed = (label: Label) => {
    const run = runFor(results.find((r) => r.repo === label.repo)?.runs ?? [], label.transform);
    return (run?.dry?.sites ?? []).some((s) => s.kind === 'changed' && s.transform === label.transform && s.file === label.file && s.line === label.line);
  };
  // floors are corpus-wide figures: a run on one repository scores its labels but holds no floor
  const scored = score(labels, changed, options.repo ? {} : floors);
  if (options.repo) process.stderr.write('one repository: recall floors are checked on full runs only\n');
  violations.push(...scored.violations);

  printSummary(results.flatMap((r) => r.rows), scored.scores, violations, (Date.now() - started) / 1000);
  return violations.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`corpus gate: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(2);
  },
);
