/**
 * `harden apply` (and `harden check`): compute the Changeset, then write it (default), review it
 * first (`--interactive`), print it as a patch (`--dry-run`) or gate on it (`--check`). Every mode
 * computes the same Changeset; `--format` and `--output` choose the report.
 */
import { registry as builtIn, REGISTRY_MODULE } from '../../../transforms/index.js';
import { computeChangeSets } from '../../changeset/change-sets.js';
import { formatCreatedFiles } from '../../changeset/prettier.js';
import { BASELINE_FILE, baselineEntries, writeBaseline } from '../../engine/baseline.js';
import type { Changeset } from '../../changeset/changeset.js';
import { run, runParallel } from '../../changeset/run.js';
import { defaultJobs, RunInterrupted } from '../../engine/pool.js';
import { formatSummary } from '../../output/text.js';
import { assertTerminal, reviewAndWrite } from '../review.js';
import { colorEnabled, colors } from '../../output/color.js';
import { EXIT, UsageError } from '../../errors.js';
import type { Io } from '../io.js';
import { createProgress } from '../progress.js';
import { checkOutputPath, emitReport, FORMATS, needsChangeSets, type Format, type ReportMode } from '../report.js';
import { prepareRun, type RunSetup } from '../setup.js';
import { formatVerify, describe } from '../../verify/format.js';
import { verifyChangeset, type VerifyReport } from '../../verify/index.js';
import { writeMode } from '../write-mode.js';

export interface ApplyOptions {
  preset?: string;
  transform?: string;
  dryRun?: boolean;
  check?: boolean;
  interactive?: boolean;
  format?: string;
  output?: string;
  config?: string | false;
  verbose?: boolean;
  allowDirty?: boolean;
  install?: boolean;
  changedSince?: string;
  baseline?: boolean;
  /** `harden baseline`: record every change the run would make in the baseline file, write nothing else. */
  writeBaseline?: boolean;
  color?: boolean;
  jobs?: string;
  verify?: boolean;
  sarifSkipped?: boolean;
}

export async function applyCommand(paths: string[], options: ApplyOptions, io: Io): Promise<number> {
  const format = checkFlags(options);
  if (options.interactive) assertTerminal(io);
  if (options.output) checkOutputPath(io.cwd, options.output);
  const setup = await prepareRun(paths, options, io);
  const progress = createProgress({ stream: io.stderr });
  const jobs = parseJobs(options.jobs);
  const c = colors(colorEnabled(options.color, io.stderr));
  let changeset: Changeset;
  try {
    changeset = await runParallel({
      ...setup,
      workerRegistry: { module: REGISTRY_MODULE, transforms: builtIn },
      jobs,
      onFile: (path, index, total) => progress.tick(path, index, total),
      shouldStop: io.interrupted,
    });
  } catch (error) {
    if (!(error instanceof RunInterrupted)) throw error;
    progress.done();
    io.stderr.write(`${c.yellow('interrupted')} during analysis: ${error.done} of ${error.total} files looked at; nothing was written\n`);
    return EXIT.interrupted;
  }
  progress.done();
  if (options.writeBaseline) return recordBaseline(changeset, io, c);
  changeset = await formatCreatedFiles(changeset);
  let verified: VerifyReport | undefined;
  if (options.verify) {
    ({ changeset, report: verified } = verifyChangeset(changeset, (filter) => run({ ...setup, filter })));
    if (verified.mode === 'unavailable') {
      io.stderr.write(`${formatVerify(verified, c)}nothing was written\n`);
      return EXIT.error;
    }
  }
  const noteVerify = () => verified && io.stderr.write(formatVerify(verified, c, Boolean(options.verbose)));
  const hasErrors = changeset.errors.length > 0;
  const verbose = Boolean(options.verbose);

  if (options.interactive) {
    noteVerify();
    return reviewAndWrite(changeset, setup, options, io, c, options.verify ? (selection) => recheck(selection, setup) : undefined);
  }

  if (io.interrupted()) {
    io.stderr.write(`${c.yellow('interrupted')} after analysis: nothing was written\n`);
    return EXIT.interrupted;
  }
  const mode: ReportMode = options.dryRun ? 'dry-run' : options.check ? 'check' : 'write';
  const sarifSkipped = options.sarifSkipped ?? setup.config?.sarifSkipped ?? false;
  const request = { format, output: options.output, mode, command: reproduce(paths, options), verbose, sarifSkipped };
  if (mode !== 'write') {
    emitReport(changeset, setup, request, io);
    io.stderr.write(formatSummary(changeset, { verbose, colors: c, verb: 'would change' }));
    noteVerify();
    if (hasErrors) return EXIT.error;
    return mode === 'check' && changeset.changes.length > 0 ? EXIT.pending : EXIT.ok;
  }
  // after writing, a re-run would see the new texts: per-site change sets are computed first
  const changeSets = needsChangeSets(format) ? computeChangeSets(changeset, setup) : undefined;
  const { code, written } = await writeMode(changeset, options, io, c);
  noteVerify();
  emitReport(written, setup, request, io, changeSets);
  return code;
}

/** `harden baseline`: the changes the run would make become the baseline (replacing the old one). */
function recordBaseline(changeset: Changeset, io: Io, c: ReturnType<typeof colors>): number {
  const entries = baselineEntries(changeset.changes);
  writeBaseline(changeset.root, entries);
  io.stderr.write(formatSummary(changeset, { verbose: false, colors: c, verb: 'would change' }));
  io.stderr.write(
    `${entries.length} change(s) recorded in ${BASELINE_FILE}: apply and check leave them alone until the code there changes (commit the file; delete an entry to see it again)\n`,
  );
  return changeset.errors.length > 0 ? EXIT.error : EXIT.ok;
}

/** With --verify, a reviewed selection (a subset of verified change sets) is type-checked again. */
function recheck(selection: Changeset, setup: RunSetup): string | undefined {
  const accepted = new Set(selection.changes.flatMap((change) => change.sites.map((site) => site.id)));
  const { report } = verifyChangeset(selection, (filter) => run({ ...setup, filter: (site) => accepted.has(site.id) && filter(site) }));
  if (report.mode === 'unavailable') return `verification unavailable: ${report.reason}`;
  if (report.mode !== 'typecheck' || report.dropped.length === 0) return undefined;
  const errors = report.dropped.flatMap((set) => set.diagnostics.map(describe));
  return `the accepted changes add type errors without the ones you rejected (${errors.join('; ')}); accept those too or leave these out`;
}

function checkFlags(options: ApplyOptions): Format {
  const modes = [options.dryRun && '--dry-run', options.check && '--check', options.interactive && '--interactive'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`use one of ${modes.join(', ')}, not several`);
  const format = (options.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${options.format}"`, `choose one of ${FORMATS.join(', ')}`);
  if (options.sarifSkipped && format !== 'sarif') {
    throw new UsageError('--sarif-skipped only changes the SARIF report', 'add --format sarif, or leave --sarif-skipped out');
  }
  if (options.interactive && (options.format || options.output)) {
    throw new UsageError('--interactive writes the changes you accept; it takes no --format or --output', 'for a report, use --dry-run or --check with --format');
  }
  return format;
}

/** The command a reader of a report runs to get the same patch locally. */
function reproduce(paths: readonly string[], options: ApplyOptions): string {
  const selection = options.preset ? ` --preset ${options.preset}` : options.transform ? ` --transform ${options.transform}` : '';
  const targets = paths.length ? ` ${paths.join(' ')}` : '';
  return `harden apply${selection}${targets} --dry-run`;
}

function parseJobs(value: string | undefined): number {
  if (value === undefined) return defaultJobs();
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${value}"`);
  return jobs;
}
