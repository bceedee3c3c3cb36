/** The corpus gate's summary on stdout: repo × transform table, labelled scores, violations. */
import type { Score } from './labels.js';

export interface Row {
  repo: string;
  transform: string;
  /** the run the row comes from */
  selection: string;
  changed: number;
  skipped: number;
  /** errors, idempotent and seconds belong to the whole run */
  errors: number;
  churn: number;
  ubi: number;
  idempotent: boolean;
  seconds: number;
}

function table(header: string[], rows: string[][], left = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`);

export function printSummary(rows: Row[], scores: Score[], violations: string[], seconds: number): void {
  const out: string[] = [];
  out.push(table(
    ['repo', 'transform', 'run', 'changed', 'skipped', 'errors', 'churn', 'use-before-init', 'idempotent', 'seconds'],
    rows.map((r) => [r.repo, r.transform, r.selection, String(r.changed), String(r.skipped), String(r.errors), String(r.churn), String(r.ubi), r.idempotent ? 'yes' : 'NO', r.seconds.toFixed(1)]),
    3,
  ));
  out.push('(errors, idempotent and seconds are per run: the harden dry run of that selection at --jobs 1)');
  const total = (key: 'changed' | 'skipped' | 'churn' | 'ubi') => rows.reduce((sum, r) => sum + r[key], 0);
  out.push(`totals: ${total('changed')} changed, ${total('skipped')} skipped, ${total('churn')} churn lines, ${total('ubi')} use-before-init`);
  out.push('');
  if (scores.length) {
    out.push(table(
      ['transform', 'labels +/-', 'precision', 'recall', 'floor'],
      scores.map((s) => [
        s.transform,
        `${s.positives}/${s.negatives}`,
        `${percent(s.precision)} (${s.truePositives}/${s.truePositives + s.falsePositives})`,
        `${percent(s.recall)} (${s.truePositives}/${s.positives})`,
        percent(s.floor),
      ]),
      2,
    ));
  } else {
    out.push('no labels (test/corpus/labels.json is empty)');
  }
  out.push('');
  out.push(violations.length ? `${violations.length} violation(s):` : 'no violations');
  for (const v of violations) out.push(`  ${v}`);
  out.push('');
  out.push(`wall time ${seconds.toFixed(1)}s`);
  process.stdout.write(`${out.join('\n')}\n`);
}
