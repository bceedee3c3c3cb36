/**
 * Where a run's report goes: machine formats (patch, json, sarif) and Markdown on stdout or in
 * `--output <file>`, never coloured; the human summary always on stderr. Markdown and SARIF show
 * each change set on its own, so they compute the change sets (one re-run per changed site).
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { computeChangeSets, lazyChangeSets, type ChangeSet } from '../changeset/change-sets.js';
import type { Changeset } from '../changeset/changeset.js';
import { formatJson } from '../output/json.js';
import { formatMarkdown } from '../output/markdown.js';
import { formatChangesetPatch } from '../output/patch.js';
import { formatSarif } from '../output/sarif.js';
import { formatSummary } from '../output/text.js';
import { hardenVersion } from '../package-root.js';
import { colors } from '../output/color.js';
import { HardenError, UsageError } from '../errors.js';
import type { Io } from './io.js';
import type { RunSetup } from './setup.js';

export const FORMATS = ['text', 'markdown', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];
export type ReportMode = 'check' | 'dry-run' | 'write';

export interface ReportRequest {
  format: Format;
  output: string | undefined;
  mode: ReportMode;
  /** The command line that reproduces the run, for the Markdown note. */
  command: string;
  verbose: boolean;
  /** SARIF: list skipped sites as results too (`--sarif-skipped`, or the config's `sarifSkipped`). */
  sarifSkipped?: boolean;
}

/** Writes the report for `changeset` to stdout or the output file (nothing for text without one in check/write mode). */
export function emitReport(changeset: Changeset, setup: RunSetup, request: ReportRequest, io: Io, changeSets?: readonly ChangeSet[]): void {
  const text = renderReport(changeset, setup, request, changeSets);
  if (text === undefined) return;
  if (!request.output) return void io.stdout.write(text);
  try {
    writeFileSync(resolve(setup.cwd, request.output), text);
  } catch (error) {
    throw new HardenError(`cannot write the report to ${request.output}: ${(error as Error).message}`);
  }
}

/**
 * Checks `--output <file>` before anything is read or written: its directory must exist and be
 * writable, and the file must not be a directory.
 */
export function checkOutputPath(cwd: string, output: string): void {
  const file = resolve(cwd, output);
  const problem = (() => {
    try {
      if (statSync(file).isDirectory()) return 'is a directory';
      accessSync(file, constants.W_OK);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return 'is not writable';
    }
    try {
      if (!statSync(dirname(file)).isDirectory()) return `${dirname(output) || '.'} is not a directory`;
      accessSync(dirname(file), constants.W_OK);
      return undefined;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no such directory: ${dirname(output)}` : 'its directory is not writable';
    }
  })();
  if (problem) throw new UsageError(`--output ${output}: ${problem}`, 'choose a file in an existing, writable directory');
}

/** Whether a format shows each change set on its own (then write mode must compute them before writing). */
export function needsChangeSets(format: Format): boolean {
  return format === 'markdown' || format === 'sarif';
}

function renderReport(
  changeset: Changeset,
  setup: RunSetup,
  request: ReportRequest,
  precomputed: readonly ChangeSet[] | undefined,
): string | undefined {
  const sets = () => {
    const all = precomputed ?? computeChangeSets(changeset, setup);
    const sites = new Set(changeset.changes.flatMap((c) => c.sites.map((s) => s.id)));
    return all.filter((set) => sites.has(set.id));
  };
  const titles = new Map([...setup.registry].map(([id, t]) => [id, t.title]));
  switch (request.format) {
    case 'text':
      if (request.mode === 'dry-run') return formatChangesetPatch(changeset);
      if (!request.output) return undefined;
      return formatSummary(changeset, { verbose: request.verbose, colors: colors(false), verb: request.mode === 'write' ? 'changed' : 'would change' });
    case 'json':
      const standAlone = new Set([...setup.registry].filter(([, t]) => t.standAloneSites).map(([id]) => id));
      return formatJson(changeset, { mode: request.mode, version: hardenVersion(), titles, standAlone });
    case 'markdown':
      return formatMarkdown(changeset, {
        titles,
        changeSets: precomputed ? sets() : lazyChangeSets(changeset, setup),
        command: request.command,
      });
    case 'sarif':
      return formatSarif(changeset, {
        version: hardenVersion(),
        transforms: setup.registry,
        changeSets: sets(),
        includeSkipped: Boolean(request.sarifSkipped),
      });
  }
}
