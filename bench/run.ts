/**
 * `npm run bench`: harden against its floors and against jscodeshift, on two corpora in one run.
 * - backends: the real backends of ../shared/corpus, each repository a project of its own (as users
 *   run harden), where most files match some transform;
 * - library: the JavaScript/TypeScript sources of packages installed from the npm registry into
 *   bench/corpus (typeorm, mongoose, mongodb, express, rxjs, lodash and their dependencies) plus the
 *   sample apps, copied to bench/corpus/src (node_modules itself is never processed by harden).
 * Prints seconds, files/s, peak memory and ratios, and each transform's time alone on the backends.
 * The Babel parse and harden -j1 (the ratio the target is set on) are measured `--repeat` times
 * (default 3), alternating, each in a fresh process: the fastest of each is reported (the load of a
 * shared machine moves a single run by 10% or more), and the highest peak memory.
 * `npm run bench -- --corpus backends|library` runs one; `--no-jscodeshift` skips the slowest row.
 * Nothing here is a test: no figure fails the build.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { harden } from '../src/package-root.js';
import { registry } from '../transforms/index.js';
import { resolveChain } from '../src/cli/chain.js';

const corpus = harden('bench', 'corpus');
const src = join(corpus, 'src');
const PACKAGES = ['typeorm@0.3', 'mongoose@8', 'mongodb@6', 'express@4', 'rxjs@7', 'lodash@4'];

function prepareCorpus(): void {
  if (!existsSync(join(corpus, 'node_modules', 'typeorm'))) {
    mkdirSync(corpus, { recursive: true });
    console.error(`installing the corpus packages into ${corpus} ...`);
    const install = spawnSync('npm', ['install', '--prefix', corpus, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', ...PACKAGES], {
      stdio: 'inherit',
    });
    if (install.status !== 0) throw new Error('npm install of the corpus failed');
  }
  if (existsSync(src)) return;
  const copy = (from: string, to: string) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const path = join(from, entry.name);
      if (entry.isDirectory()) copy(path, join(to, entry.name));
      else if (entry.isFile() && /\.(c|m)?[jt]s$/.test(entry.name) && !/\.d\.(c|m)?ts$|\.min\.js$/.test(entry.name)) {
        mkdirSync(to, { recursive: true });
        cpSync(path, join(to, entry.name));
      }
    }
  };
  copy(join(corpus, 'node_modules'), join(src, 'packages'));
  const apps = harden('fixtures', 'apps');
  for (const app of readdirSync(apps)) if (statSync(join(apps, app)).isDirectory()) copy(join(apps, app, 'src'), join(src, 'apps', app));
}

interface Measurement {
  mode: string;
  files: number;
  seconds: number;
  maxRssMb: number;
  parsed?: number;
  changed?: number;
  errors?: number;
}

function measure(args: string[]): Measurement {
  const result = spawnSync(process.execPath, ['--max-old-space-size=4096', harden('dist', 'bench', 'measure.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`measure ${args.slice(0, 3).join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Measurement;
}

/**
 * Each measurement `repeat` times, in turn (a, b, c, a, b, c, ...): for each, the fastest run's
 * figures with the highest peak memory of its runs, and every run's seconds.
 */
function alternating(measurements: string[][], repeat: number): Array<{ best: Measurement; seconds: number[] }> {
  const runs: Measurement[][] = measurements.map(() => []);
  for (let i = 0; i < repeat; i += 1) measurements.forEach((args, k) => runs[k]!.push(measure(args)));
  return runs.map((list) => {
    const fastest = list.reduce((x, y) => (y.seconds < x.seconds ? y : x));
    return { best: { ...fastest, maxRssMb: Math.max(...list.map((run) => run.maxRssMb)) }, seconds: list.map((run) => run.seconds) };
  });
}

function jscodeshiftChain(files: number, dirs: readonly string[]): Measurement {
  const ids = resolveChain({ preset: 'mongo-express' }, registry)
    .filter((t) => t.definition.scope === 'file')
    .map((t) => t.definition.id);
  const bin = harden('node_modules', 'jscodeshift', 'bin', 'jscodeshift.js');
  const adapter = harden('bench', 'jscodeshift-adapter.cjs');
  const started = performance.now();
  let maxRssMb = 0;
  for (const id of ids) {
    for (const [extensions, parser] of [['js,mjs,cjs', 'babel'], ['ts', 'ts']] as const) {
      const args = [bin, '--no-babel', '-t', adapter, `--transform-id=${id}`, '--dry', '--silent', `--extensions=${extensions}`, `--parser=${parser}`, ...dirs];
      const timed = existsSync('/usr/bin/time') ? ['/usr/bin/time', ['-f', '%M', process.execPath, ...args]] as const : [process.execPath, args] as const;
      const run = spawnSync(timed[0], [...timed[1]], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (run.status !== 0) throw new Error(`jscodeshift ${id} failed:\n${run.stderr.slice(-2000)}`);
      const rss = Number(run.stderr.trim().split('\n').pop());
      if (Number.isFinite(rss)) maxRssMb = Math.max(maxRssMb, Math.round(rss / 1024));
    }
  }
  return { mode: `jscodeshift x${ids.length} invocations`, files, seconds: (performance.now() - started) / 1000, maxRssMb };
}

const argv = process.argv.slice(2);
const only = argv.includes('--corpus') ? argv[argv.indexOf('--corpus') + 1] : undefined;
const withJscodeshift = !argv.includes('--no-jscodeshift');
const repeat = argv.includes('--repeat') ? Math.max(1, Number(argv[argv.indexOf('--repeat') + 1]) || 1) : 3;
const cores = availableParallelism();
console.error(`machine: ${cpus()[0]?.model ?? 'cpu'} x${cores}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

const table = (rows: Measurement[], reference: Measurement) => {
  console.log(`\n${'measurement'.padEnd(34)} ${'files'.padStart(6)} ${'seconds'.padStart(8)} ${'files/s'.padStart(8)} ${'peak MB'.padStart(8)}  ratio to Babel parse`);
  for (const row of rows) {
    console.log(
      `${row.mode.padEnd(34)} ${String(row.files).padStart(6)} ${row.seconds.toFixed(2).padStart(8)} ${Math.round(row.files / row.seconds).toString().padStart(8)} ${String(row.maxRssMb).padStart(8)}  ${(row.seconds / reference.seconds).toFixed(2)}x`,
    );
  }
};

/** Every measurement of one corpus (a list of project directories), printed as a table. */
function benchCorpus(name: string, dirs: readonly string[], perTransform: boolean): void {
  console.log(`\n## ${name}: ${dirs.length} project${dirs.length === 1 ? '' : 's'}`);
  const [parseRuns, plainRuns, oneRuns] = alternating([['parse', ...dirs], ['parse-plain', ...dirs], ['harden', '1', 'mongo-express', ...dirs]], repeat);
  const parse = parseRuns!.best;
  const plain = plainRuns!.best;
  const one = oneRuns!.best;
  const rows: Measurement[] = [parse, plain, measure(['recast', ...dirs]), one, measure(['harden', String(cores), 'mongo-express', ...dirs])];
  if (perTransform) {
    const ids = resolveChain({ preset: 'mongo-express' }, registry).filter((t) => t.definition.scope === 'file').map((t) => t.definition.id);
    for (const id of ids) rows.push(measure(['harden', '1', id, ...dirs]));
  }
  const jscodeshift = withJscodeshift ? jscodeshiftChain(parse.files, dirs) : undefined;
  if (jscodeshift) rows.push(jscodeshift);
  table(rows, parse);
  console.log(`\nparse: Babel parse of every file as harden reads it (${parse.parsed} of ${parse.files} parse); parse-plain: the jsx or typescript plugin alone, the baseline until 2026-12-01 (${plain.parsed} parse: it stops at a file's first Flow annotation, or at JSX in a .tsx file)`);
  console.log(`prefilter: ${one.parsed} of ${one.files} files contain a string some transform needs; ${one.changed} would change, ${one.errors} errors`);
  const list = (seconds: number[]) => seconds.map((s) => s.toFixed(2)).join(', ');
  console.log(`harden mongo-express -j1 vs Babel parse-only: ${(one.seconds / parse.seconds).toFixed(2)}x (target <= 2x); peak ${one.maxRssMb} MB (target < 1 GB)`);
  console.log(`harden mongo-express -j1 vs parse-plain: ${(one.seconds / plain.seconds).toFixed(2)}x`);
  console.log(`  fastest of ${repeat} alternating runs each: parse ${list(parseRuns!.seconds)} s; parse-plain ${list(plainRuns!.seconds)} s; harden -j1 ${list(oneRuns!.seconds)} s`);
  if (jscodeshift) console.log(`jscodeshift chain vs harden -j1: ${(jscodeshift.seconds / one.seconds).toFixed(1)}x faster (target >= 10x)`);
}

if (!only || only === 'backends') {
  const corpus = harden('..', 'shared', 'corpus');
  if (existsSync(corpus)) {
    const repos = readdirSync(corpus).filter((name) => statSync(join(corpus, name)).isDirectory()).map((name) => join(corpus, name));
    benchCorpus(`backends (${relative(process.cwd(), corpus)})`, repos, true);
  } else {
    console.error(`no ${corpus}: the backends corpus is skipped`);
  }
}
if (!only || only === 'library') {
  prepareCorpus();
  benchCorpus(`library (${relative(process.cwd(), src)})`, [src], false);
}
