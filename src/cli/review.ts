/**
 * `harden apply --interactive`: review change sets at a terminal, then write exactly the accepted
 * ones. The Changeset is computed once to list the change sets; the accepted selection is applied
 * by re-running the chain with a filter (rejected sites' edits, and support files and dependencies
 * only they needed, disappear), the result is validated, confirmed, and only then written.
 */
import { BASELINE_FILE, baselineEntries, loadBaseline, writeBaseline } from '../engine/baseline.js';
import { computeChangeSets, selectChangeSets, type ChangeSet } from '../changeset/change-sets.js';
import type { Changeset } from '../changeset/changeset.js';
import type { Colors } from '../output/color.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from './io.js';
import type { RunSetup } from './setup.js';
import { passesDirtyGuard, writeMode, type WriteOptions } from './write-mode.js';
import { formatCreatedFiles } from '../changeset/prettier.js';
import { formatSummary } from '../output/text.js';
import { keyReader, ReviewInterrupted } from '../review/keys.js';
import { confirmBaseline, chooseTransforms, confirmWrite, reviewChangeSets, type ReviewUi } from '../review/session.js';

/** --interactive needs a terminal on both stdin and stdout; it never reads piped input. */
export function assertTerminal(io: Io): void {
  if (!io.stdin?.isTTY || !io.stdout.isTTY) {
    throw new UsageError(
      '--interactive needs a terminal on stdin and stdout',
      'use --dry-run to get a patch to review (harden apply --dry-run > harden.patch), or run without --interactive to apply everything',
    );
  }
}

export async function reviewAndWrite(
  changeset: Changeset,
  setup: RunSetup,
  options: WriteOptions,
  io: Io,
  c: Colors,
  /** An extra check of the accepted selection (--verify type-checks it again); a message refuses it. */
  recheck?: (selection: Changeset) => string | undefined,
): Promise<number> {
  const hasErrors = changeset.errors.length > 0;
  if (changeset.changes.length === 0) {
    io.stderr.write(formatSummary(changeset, { verbose: Boolean(options.verbose), colors: c, verb: 'would change' }));
    io.stderr.write('nothing to review\n');
    return hasErrors ? EXIT.error : EXIT.ok;
  }
  if (!passesDirtyGuard(changeset, options, io, c)) return EXIT.error;

  const sets = sortForReview(computeChangeSets(changeset, setup));
  const keys = keyReader(io.stdin!);
  const ui: ReviewUi = { write: (text) => void io.stderr.write(text), readKey: keys.read, colors: c };
  let selection: Changeset;
  try {
    const infos = setup.chain.map(({ definition }) => ({ id: definition.id, title: definition.title, lowRisk: definition.risk === 'low' }));
    const transforms = await chooseTransforms(sets, infos, ui);
    const { accepted, rejected } = await reviewChangeSets(
      sets.filter((set) => transforms.has(set.site.transform)),
      ui,
    );
    if (rejected.size > 0 && (await confirmBaseline(rejected.size, BASELINE_FILE, ui))) {
      const known = loadBaseline(changeset.root)?.entries ?? [];
      const added = baselineEntries(changeset.changes, (id) => rejected.has(id));
      writeBaseline(changeset.root, [...known, ...added]);
      io.stderr.write(`${added.length} rejected change(s) recorded in ${BASELINE_FILE}; commit it so they stay out\n`);
    }
    if (accepted.size === 0) {
      io.stderr.write('no change accepted; nothing was written\n');
      return hasErrors ? EXIT.error : EXIT.ok;
    }
    selection = selectChangeSets(accepted, setup);
    const problem = validateSelection(selection, accepted, changeset) ?? recheck?.(selection);
    if (problem) {
      io.stderr.write(`${c.red('error')}: ${problem}; nothing was written\n`);
      return EXIT.error;
    }
    if (!(await confirmWrite(accepted.size, selection.changes.map((change) => change.path), ui))) {
      io.stderr.write('nothing was written\n');
      return hasErrors ? EXIT.error : EXIT.ok;
    }
  } catch (error) {
    if (error instanceof ReviewInterrupted) {
      io.stderr.write(`\n${error.message}\n`);
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    keys.close();
  }
  const { code } = await writeMode(await formatCreatedFiles(selection), options, io, c);
  return code === EXIT.ok && hasErrors ? EXIT.error : code;
}

/** File by file, then by position: the order of `git add -p`. */
function sortForReview(sets: ChangeSet[]): ChangeSet[] {
  return [...sets].sort(
    (a, b) =>
      (a.site.file < b.site.file ? -1 : a.site.file > b.site.file ? 1 : 0) ||
      a.site.line - b.site.line ||
      a.site.column - b.site.column,
  );
}

/** The re-run must hold exactly the accepted sites and no errors, or nothing is written. */
function validateSelection(selection: Changeset, accepted: ReadonlySet<string>, full: Changeset): string | undefined {
  const known = new Set(full.errors.map((e) => `${e.path}\0${e.message}`));
  const fresh = selection.errors.filter((e) => !known.has(`${e.path}\0${e.message}`));
  if (fresh.length > 0) {
    return `the accepted changes do not apply cleanly: ${fresh.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
  }
  const present = new Set(selection.changes.flatMap((change) => change.sites.map((site) => site.id)));
  const missing = [...accepted].filter((id) => !present.has(id));
  if (missing.length > 0) {
    return `${missing.length} accepted change(s) depend on rejected ones and cannot be applied alone (${missing.join(', ')}); accept those too`;
  }
  return undefined;
}
