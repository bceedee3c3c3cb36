/**
 * One measurement in its own process (so peak memory is its own): prints one JSON line
 * `{ mode, files, seconds, maxRssMb, parsed }`.
 *   node dist/bench/measure.js parse <dir>          Babel parse of every source file
 *   node dist/bench/measure.js recast <dir>         recast parse + print of every file
 *   node dist/bench/measure.js harden <dir> <jobs>  the mongo-express preset (Changeset only)
 */
import { readFileSync } from 'node:fs';
import { parse as babelParse } from '@babel/parser';
import recast from 'recast';
import { registry, REGISTRY_MODULE } from '../transforms/index.js';
import { resolveChain } from '../src/cli/chain.js';
import { discover } from '../src/engine/discover.js';
import { parseSource, detectTextStyle, stripBom } from '../src/engine/parse.js';
import { printAst } from '../src/engine/print.js';
import { toAbsolute } from '../src/engine/paths.js';
import { runParallel } from '../src/changeset/run.js';
import { countCandidates } from '../src/engine/run.js';

const [mode, dir, jobs] = process.argv.slice(2) as [string, string, string | undefined];
const discovery = discover({ root: dir, cwd: dir, patterns: ['.'] });
const files = discovery.files;
const started = performance.now();
let parsed = 0;

if (mode === 'parse') {
  for (const path of files) {
    try {
      babelParse(stripBom(readFileSync(toAbsolute(dir, path), 'utf8')), {
        sourceType: 'unambiguous',
        errorRecovery: true,
        plugins: path.endsWith('.ts') ? ['typescript'] : ['jsx'],
      });
      parsed += 1;
    } catch {
      // counted as not parsed
    }
  }
} else if (mode === 'recast') {
  for (const path of files) {
    try {
      const text = readFileSync(toAbsolute(dir, path), 'utf8');
      const source = stripBom(text);
      const file = parseSource(source, path);
      printAst(file, source, detectTextStyle(text));
      parsed += 1;
    } catch {
      // counted as not parsed
    }
  }
  void recast;
} else if (mode === 'harden') {
  const chain = resolveChain({ preset: 'mongo-express' }, registry);
  parsed = countCandidates(dir, files, chain);
  const changeset = await runParallel({ root: dir, discovery, chain, jobs: Number(jobs ?? 1), forceWorkers: Number(jobs) > 1, workerRegistry: { module: REGISTRY_MODULE, transforms: registry } });
  process.stderr.write(`harden: ${changeset.changes.length} files would change, ${changeset.errors.length} errors\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}

const seconds = (performance.now() - started) / 1000;
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ mode: jobs ? `${mode}-j${jobs}` : mode, files: files.length, seconds, maxRssMb, parsed })}\n`);
