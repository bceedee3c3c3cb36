/**
 * One measurement in its own process (so peak memory is its own): prints one JSON line
 * `{ mode, files, seconds, cpuSeconds, maxRssMb, parsed, changed, errors }` (CPU time of all the
 * process's threads: steadier than wall time on a shared machine). Each directory is a project of its own (as a user
 * runs harden on one repository at a time); times add up over the directories.
 *   node dist/bench/measure.js parse <dir>...                 Babel parse of every source file as harden
 *                                                            reads it (its parser options: Flow where the
 *                                                            package uses Flow, TypeScript + JSX in .tsx)
 *   node dist/bench/measure.js parse-plain <dir>...           Babel parse with the jsx or typescript plugin
 *                                                            alone (the baseline until 2026-12-01: it stops
 *                                                            at a file's first Flow annotation, or at JSX
 *                                                            in a .tsx file)
 *   node dist/bench/measure.js recast <dir>...                recast parse + print of every file
 *   node dist/bench/measure.js harden <jobs> <chain> <dir>... the chain (`mongo-express`, or one
 *                                                            transform id) as --dry-run computes it
 */
import { readFileSync } from 'node:fs';
import { parse as babelParse } from '@babel/parser';
import { registry, REGISTRY_MODULE } from '../transforms/index.js';
import { resolveChain } from '../src/cli/chain.js';
import { discover } from '../src/engine/discover.js';
import { parseForAnalysis, parseSource, detectTextStyle, stripBom } from '../src/engine/parse.js';
import { printAst } from '../src/engine/print.js';
import { toAbsolute } from '../src/engine/paths.js';
import { runParallel } from '../src/changeset/run.js';
import { countCandidates } from '../src/engine/run.js';
import { Project } from '../src/engine/project.js';

const [mode, ...rest] = process.argv.slice(2) as [string, ...string[]];
const jobs = mode === 'harden' ? Number(rest.shift()) : 1;
const chainName = mode === 'harden' ? rest.shift()! : '';
const dirs = rest;
let files = 0;
let parsed = 0;
let changed = 0;
let errors = 0;
let seconds = 0;
let cpuSeconds = 0;

for (const dir of dirs) {
  const discovery = discover({ root: dir, cwd: dir, patterns: ['.'] });
  files += discovery.files.length;
  const chain = mode === 'harden' ? (registry.has(chainName) ? resolveChain({ transform: chainName }, registry) : resolveChain({ preset: chainName }, registry)) : [];
  if (mode === 'harden') parsed += countCandidates(new Project(dir, discovery.files), discovery.files, chain); // not timed: the run does not need it
  const started = performance.now();
  const cpu = process.cpuUsage();
  if (mode === 'parse') {
    const project = new Project(dir, discovery.files); // (its dialect answers come from package.json files)
    for (const path of discovery.files) {
      try {
        parseForAnalysis(stripBom(readFileSync(toAbsolute(dir, path), 'utf8')), path, project.dialectOf(path));
        parsed += 1;
      } catch {
        // counted as not parsed
      }
    }
  } else if (mode === 'parse-plain') {
    for (const path of discovery.files) {
      try {
        babelParse(stripBom(readFileSync(toAbsolute(dir, path), 'utf8')), {
          sourceType: 'unambiguous',
          errorRecovery: true,
          plugins: /\.[cm]?tsx?$/.test(path) ? ['typescript'] : ['jsx'],
        });
        parsed += 1;
      } catch {
        // counted as not parsed
      }
    }
  } else if (mode === 'recast') {
    for (const path of discovery.files) {
      try {
        const text = readFileSync(toAbsolute(dir, path), 'utf8');
        const source = stripBom(text);
        printAst(parseSource(source, path), source, detectTextStyle(text));
        parsed += 1;
      } catch {
        // counted as not parsed
      }
    }
  } else if (mode === 'harden') {
    const changeset = await runParallel({
      root: dir,
      discovery,
      chain,
      jobs,
      forceWorkers: jobs > 1,
      workerRegistry: { module: REGISTRY_MODULE, transforms: registry },
    });
    changed += changeset.changes.length;
    errors += changeset.errors.length;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  seconds += (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  cpuSeconds += (used.user + used.system) / 1e6;
}

const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const label = mode === 'harden' ? `harden ${chainName} -j${jobs}` : mode;
process.stdout.write(`${JSON.stringify({ mode: label, files, seconds, cpuSeconds, maxRssMb, parsed, changed, errors })}\n`);
