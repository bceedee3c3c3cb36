/**
 * `harden apply`: compute the Changeset, then write it (default), print it as a patch
 * (`--dry-run`) or gate on it (`--check`). Every mode computes the same Changeset.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { registry } from '../../../transforms/index.js';
import type { Changeset } from '../../changeset/changeset.js';
import { dirtyFiles } from '../../changeset/git.js';
import { findRefusals, writeChangeset, type WriteRefusal } from '../../changeset/write.js';
import { discover, findRoot } from '../../engine/discover.js';
import { defaultJobs, runParallel } from '../../engine/pool.js';
import { formatChangesetPatch } from '../../output/patch.js';
import { formatSummary } from '../../output/text.js';
import { resolveChain } from '../chain.js';
import { colorEnabled, colors } from '../color.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';

export interface ApplyOptions {
  preset?: string;
  transform?: string;
  dryRun?: boolean;
  check?: boolean;
  output?: string;
  verbose?: boolean;
  allowDirty?: boolean;
  color?: boolean;
  jobs?: string;
}

export async function applyCommand(paths: string[], options: ApplyOptions, io: Io): Promise<number> {
  if (options.dryRun && options.check) throw new UsageError('use either --dry-run or --check, not both');
  if (options.output && !options.dryRun) throw new UsageError('--output writes the patch of --dry-run; add --dry-run');
  const chain = resolveChain(options, registry);
  const cwd = realpathSync(io.cwd);
  const root = findRoot(cwd, paths[0]);
  const discovery = discover({ root, cwd, patterns: paths });
  const jobs = parseJobs(options.jobs);
  const changeset = await runParallel({ root, discovery, chain, jobs });
  const c = colors(colorEnabled(options.color, io.stderr));
  const hasErrors = changeset.errors.length > 0;

  if (options.dryRun) {
    const patch = formatChangesetPatch(changeset);
    if (options.output) writeFileSync(options.output, patch);
    else io.stdout.write(patch);
    io.stderr.write(formatSummary(changeset, { verbose: Boolean(options.verbose), colors: c, verb: 'would change' }));
    return hasErrors ? EXIT.error : EXIT.ok;
  }
  if (options.check) {
    io.stderr.write(formatSummary(changeset, { verbose: Boolean(options.verbose), colors: c, verb: 'would change' }));
    if (hasErrors) return EXIT.error;
    return changeset.changes.length > 0 ? EXIT.pending : EXIT.ok;
  }
  return writeMode(changeset, options, io, c);
}

async function writeMode(changeset: Changeset, options: ApplyOptions, io: Io, c: ReturnType<typeof colors>): Promise<number> {
  const existing = changeset.changes.filter((change) => change.before !== undefined).map((change) => change.path);
  const dirty = options.allowDirty ? [] : dirtyFiles(changeset.root, existing) ?? [];
  if (dirty.length > 0) {
    io.stderr.write(
      `${c.red('error')}: these files have uncommitted changes; commit or stash them first, or pass --allow-dirty:\n` +
        dirty.map((path) => `  ${path}\n`).join('') +
        'nothing was written\n',
    );
    return EXIT.error;
  }

  const refusals = withDependents(changeset, findRefusals(changeset));
  const refused = new Set(refusals.map((refusal) => refusal.path));
  const result = await writeChangeset(changeset, refused, io.interrupted);
  const written = new Set(result.written);
  const shown: Changeset = {
    ...changeset,
    changes: changeset.changes.filter((change) => written.has(change.path)),
    errors: [...changeset.errors, ...result.failed.map(({ path, message }) => ({ path, message: `write failed: ${message}` }))],
  };
  io.stderr.write(formatSummary(shown, { verbose: Boolean(options.verbose), colors: c, verb: 'changed' }));
  for (const refusal of refusals) io.stderr.write(`${c.yellow('not written')} ${refusal.path}: ${refusal.reason}\n`);
  if (result.interrupted) {
    const left = changeset.changes.length - refused.size - result.written.length - result.failed.length;
    io.stderr.write(`interrupted: ${result.written.length} file(s) written, ${left} left unwritten; every file is whole\n`);
    return EXIT.interrupted;
  }
  return shown.errors.length > 0 ? EXIT.error : EXIT.ok;
}

/**
 * A refused file takes with it what depends on it: sources that need a refused support file, and
 * support files only refused sources need, so a write never leaves a dangling import.
 */
function withDependents(changeset: Changeset, refusals: WriteRefusal[]): WriteRefusal[] {
  const all = [...refusals];
  const refused = () => new Set(all.map((r) => r.path));
  let grew = true;
  while (grew) {
    grew = false;
    const paths = refused();
    const refusedSites = new Set(
      changeset.changes.filter((c) => paths.has(c.path)).flatMap((c) => c.sites.map((site) => site.id)),
    );
    const neededByRefusedSupport = new Set(
      changeset.changes.filter((c) => paths.has(c.path) && c.kind !== 'source').flatMap((c) => c.requestedBy),
    );
    for (const change of changeset.changes) {
      if (paths.has(change.path)) continue;
      if (change.kind === 'source' && change.sites.some((site) => neededByRefusedSupport.has(site.id))) {
        all.push({ path: change.path, reason: 'needs a support file or dependency that cannot be written' });
        grew = true;
      } else if (change.kind !== 'source' && change.requestedBy.length > 0 && change.requestedBy.every((id) => refusedSites.has(id))) {
        all.push({ path: change.path, reason: 'only needed by changes that cannot be written' });
        grew = true;
      }
    }
  }
  return all;
}

function parseJobs(value: string | undefined): number {
  if (value === undefined) return defaultJobs();
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${value}"`);
  return jobs;
}
