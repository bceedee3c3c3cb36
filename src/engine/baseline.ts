/**
 * The baseline: changes a team has decided not to take (yet). `harden baseline` records every
 * change the run would make in `.harden-baseline.json` at the root of the run; later runs (apply,
 * check, the Action) leave those sites alone — reported as skipped, reason `baselined` — until the
 * code there changes. A site is known by its transform, its file and the text of its lines
 * (whitespace-trimmed), not by its line number: code added above it does not bring it back, an
 * edit of the site itself does. Identical sites in one file are counted.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BASELINE_FILE = '.harden-baseline.json';
export const BASELINED_REASON = 'baselined';

export interface BaselineEntry {
  transform: string;
  file: string;
  fingerprint: string;
  /** Where the site was when recorded, and what harden would have done (for people reading the file). */
  line: number;
  message: string;
}

export interface BaselineFile {
  version: 1;
  entries: BaselineEntry[];
}

/** The fingerprint of a site: its transform, file, and the trimmed text of its lines. */
export function siteFingerprint(transform: string, file: string, lines: readonly string[], line: number, endLine: number): string {
  const text = lines
    .slice(Math.max(0, line - 1), Math.max(line, endLine))
    .map((l) => l.trim())
    .join('\n');
  return createHash('sha256').update(`${transform}\0${file}\0${text}`).digest('hex').slice(0, 20);
}

/** Splits a file's text into lines the way fingerprints read them. */
export function sourceLines(source: string): string[] {
  return source.split(/\r\n|\r|\n/);
}

/** Reads the baseline at `root`; undefined when there is none; throws with a clear message when it is not readable. */
export function loadBaseline(root: string): BaselineFile | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, BASELINE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${BASELINE_FILE}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${BASELINE_FILE} is not valid JSON (${(error as Error).message}); run \`harden baseline\` again or delete it`);
  }
  const file = parsed as Partial<BaselineFile>;
  if (file?.version !== 1 || !Array.isArray(file.entries)) throw new Error(`${BASELINE_FILE} is not a harden baseline (version 1); run \`harden baseline\` again or delete it`);
  return file as BaselineFile;
}

/**
 * Baseline entries for the changed sites of `changes` that `keep` selects (all by default), from
 * the files' original texts.
 */
export function baselineEntries(
  changes: ReadonlyArray<{ kind: string; before: string | undefined; sites: ReadonlyArray<{ kind: string; transform: string; file: string; line: number; endLine: number; message?: string; id: string }> }>,
  keep: (siteId: string) => boolean = () => true,
): BaselineEntry[] {
  const entries: BaselineEntry[] = [];
  for (const change of changes) {
    if (change.kind !== 'source' || change.before === undefined) continue;
    const lines = sourceLines(change.before.replace(/^\uFEFF/, ''));
    for (const site of change.sites) {
      if (site.kind !== 'changed' || !keep(site.id)) continue;
      const fingerprint = siteFingerprint(site.transform, site.file, lines, site.line, site.endLine);
      entries.push({ transform: site.transform, file: site.file, fingerprint, line: site.line, message: site.message ?? '' });
    }
  }
  return entries;
}

/** Writes the baseline at `root` (entries in file and line order). */
export function writeBaseline(root: string, entries: readonly BaselineEntry[]): void {
  writeFileSync(join(root, BASELINE_FILE), formatBaseline(entries));
}

/** The baseline file's text, entries in file and line order. */
function formatBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.transform < b.transform ? -1 : 1)));
  const file: BaselineFile = { version: 1, entries: sorted };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** For one file: whether a site is in the baseline (each entry matches one site). */
export type BaselineMatcher = (transform: string, line: number, endLine: number) => boolean;

/** The baseline entries grouped by file, for matchers. */
export class BaselineIndex {
  private readonly byFile = new Map<string, Map<string, number>>();

  constructor(readonly entries: readonly BaselineEntry[]) {
    for (const entry of entries) {
      let counts = this.byFile.get(entry.file);
      if (!counts) this.byFile.set(entry.file, (counts = new Map()));
      counts.set(entry.fingerprint, (counts.get(entry.fingerprint) ?? 0) + 1);
    }
  }

  /** A fresh matcher for `file` (one per pass over the file: each entry is used once). */
  matcher(file: string, lines: () => readonly string[]): BaselineMatcher | undefined {
    const recorded = this.byFile.get(file);
    if (!recorded) return undefined;
    const left = new Map(recorded);
    return (transform, line, endLine) => {
      const key = siteFingerprint(transform, file, lines(), line, endLine);
      const count = left.get(key) ?? 0;
      if (count === 0) return false;
      left.set(key, count - 1);
      return true;
    };
  }
}
