/**
 * The gate's committed expectations: labelled sites (precision and recall per transform, recall
 * floors) and the expected site counts per repository, selection and transform.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonReport } from '../../src/output/json.js';

export interface Label {
  repo: string;
  file: string;
  line: number;
  transform: string;
  label: '+' | '-';
  reason: string;
}

export interface Score {
  transform: string;
  /** + labels rewritten */
  truePositives: number;
  /** - labels rewritten */
  falsePositives: number;
  /** all + labels */
  positives: number;
  negatives: number;
  precision: number | undefined;
  recall: number | undefined;
  floor: number | undefined;
}

export type Counts = { changed: number; skipped: number };
/** repo → selection → transform → counts */
export type Expected = Record<string, Record<string, Record<string, Counts>>>;

export function readJson<T>(path: string, fallback: T): T {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback;
}

/** Object with its keys sorted at every level, for a stable file. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(sorted(value), null, 2)}\n`);
}

export function siteCounts(report: JsonReport): Record<string, Counts> {
  const counts: Record<string, Counts> = {};
  for (const t of report.transforms) counts[t.id] = { changed: 0, skipped: 0 };
  for (const site of report.sites) {
    const c = (counts[site.transform] ??= { changed: 0, skipped: 0 });
    c[site.kind]++;
  }
  return counts;
}

/** Differences between expected and actual counts of one repository, as violation lines. */
export function compareCounts(repo: string, expected: Expected[string] | undefined, actual: Expected[string]): string[] {
  if (!expected) return [`${repo}: no expected site counts (run with --update)`];
  const out: string[] = [];
  for (const selection of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const e = expected[selection] ?? {};
    const a = actual[selection] ?? {};
    for (const transform of new Set([...Object.keys(e), ...Object.keys(a)])) {
      const before = e[transform];
      const now = a[transform];
      const show = (c: Counts | undefined) => (c ? `${c.changed} changed / ${c.skipped} skipped` : 'absent');
      if (before?.changed !== now?.changed || before?.skipped !== now?.skipped) {
        out.push(`${repo} ${selection} ${transform}: ${show(before)} → ${show(now)}`);
      }
    }
  }
  return out;
}

/**
 * A label object that swallowed another's keys (a merge that joined two objects): JSON.parse keeps
 * the last of each duplicate key, so one label silently disappears. Counted on the file's text.
 */
export function mergedLabels(path: string, labels: Label[]): string[] {
  if (!existsSync(path)) return [];
  const keys = readFileSync(path, 'utf8').match(/"repo"\s*:/g)?.length ?? 0;
  return keys === labels.length ? [] : [`${path}: ${keys} "repo" keys for ${labels.length} labels: an object holds another's keys (a bad merge?), so a label is lost`];
}

/** Labels that do not have the documented shape. */
export function malformedLabels(labels: Label[]): string[] {
  return labels
    .map((l, index) => ({ l, index }))
    .filter(({ l }) => !(typeof l.repo === 'string' && typeof l.file === 'string' && Number.isInteger(l.line) && l.line > 0
      && typeof l.transform === 'string' && (l.label === '+' || l.label === '-') && typeof l.reason === 'string' && l.reason.trim() !== ''))
    .map(({ l, index }) => `label #${index} is malformed (needs repo, file, line ≥ 1, transform, label "+" or "-", reason): ${JSON.stringify(l)}`);
}

/** Labels that point nowhere: unknown repository or a file missing from the corpus. */
export function danglingLabels(labels: Label[], corpus: string): string[] {
  return labels
    .filter((l) => !existsSync(join(corpus, l.repo, l.file)))
    .map((l) => `label ${l.repo}/${l.file}:${l.line} (${l.transform}): the file does not exist in the corpus`);
}

/**
 * Precision and recall per transform. `changed(label)` says whether the run responsible for the
 * label's transform changed a site at the label's file and line.
 */
export function score(labels: Label[], changed: (label: Label) => boolean, floors: Record<string, number>): { scores: Score[]; violations: string[] } {
  const transforms = [...new Set([...labels.map((l) => l.transform), ...Object.keys(floors)])].sort();
  const violations: string[] = [];
  const scores = transforms.map((transform): Score => {
    const mine = labels.filter((l) => l.transform === transform);
    const rewritten = mine.filter(changed);
    const truePositives = rewritten.filter((l) => l.label === '+').length;
    const falsePositives = rewritten.filter((l) => l.label === '-').length;
    const positives = mine.filter((l) => l.label === '+').length;
    for (const l of rewritten) if (l.label === '-') violations.push(`${transform} rewrote a '-' site ${l.repo}/${l.file}:${l.line}: ${l.reason}`);
    const recall = positives ? truePositives / positives : undefined;
    const floor = floors[transform];
    if (floor !== undefined && recall !== undefined && recall < floor) {
      violations.push(`${transform} recall ${(recall * 100).toFixed(1)}% (${truePositives}/${positives}) is below its floor ${(floor * 100).toFixed(1)}%`);
    }
    return {
      transform,
      truePositives,
      falsePositives,
      positives,
      negatives: mine.length - positives,
      precision: rewritten.length ? truePositives / rewritten.length : undefined,
      recall,
      floor,
    };
  });
  return { scores, violations };
}
