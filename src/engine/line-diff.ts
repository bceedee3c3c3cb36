/**
 * The line diff of harden: anchored, so its time stays near-linear on big files with many changed
 * lines (jsdiff's Myers diff alone is O(N·D): 77 s for a 0.8 MB file with 10,000 changed lines):
 * the common head and tail are cut, lines that occur once on each side and in the same order split
 * the rest (as patience diff does), and only the small gaps between them go through Myers. A gap
 * too large with no such line is written as removed-then-added, which is still a correct diff.
 * Used by the dry-run patch and by the engine's questions about inserted lines.
 */
import { diffArrays } from 'diff';

/** A run of lines (each with its own `\n`, the last one possibly without). */
export interface Run {
  kind: 'equal' | 'removed' | 'added';
  lines: string[];
}

/** Lines as jsdiff's line diff tokenises them: each keeps its `\n`. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Segments at most this many lines long (both sides together) go through Myers as they are. */
const MYERS_LINES = 3000;

/** The edit script from `a` to `b`, as runs; within a change, removed lines come before added ones. */
export function lineDiff(a: readonly string[], b: readonly string[]): Run[] {
  const runs: Run[] = [];
  const push = (kind: Run['kind'], lines: readonly string[]) => {
    if (lines.length === 0) return;
    const last = runs[runs.length - 1];
    if (last?.kind === kind) for (const line of lines) last.lines.push(line);
    else runs.push({ kind, lines: [...lines] });
  };
  const replace = (aFrom: number, aTo: number, bFrom: number, bTo: number) => {
    push('removed', a.slice(aFrom, aTo));
    push('added', b.slice(bFrom, bTo));
  };
  const segment = (aFrom: number, aTo: number, bFrom: number, bTo: number): void => {
    let head = 0;
    while (aFrom + head < aTo && bFrom + head < bTo && a[aFrom + head] === b[bFrom + head]) head += 1;
    push('equal', a.slice(aFrom, aFrom + head));
    aFrom += head;
    bFrom += head;
    let tail = 0;
    while (aTo - tail > aFrom && bTo - tail > bFrom && a[aTo - tail - 1] === b[bTo - tail - 1]) tail += 1;
    const tailLines = a.slice(aTo - tail, aTo);
    aTo -= tail;
    bTo -= tail;
    if (aFrom === aTo || bFrom === bTo) replace(aFrom, aTo, bFrom, bTo);
    else if (aTo - aFrom + (bTo - bFrom) <= MYERS_LINES) {
      for (const change of diffArrays(a.slice(aFrom, aTo), b.slice(bFrom, bTo))) {
        push(change.added ? 'added' : change.removed ? 'removed' : 'equal', change.value);
      }
    } else {
      const anchors = uniqueAnchors(a, aFrom, aTo, b, bFrom, bTo);
      if (anchors.length === 0) replace(aFrom, aTo, bFrom, bTo);
      else {
        let ai = aFrom;
        let bi = bFrom;
        for (const [x, y] of anchors) {
          segment(ai, x, bi, y);
          push('equal', [a[x]!]);
          ai = x + 1;
          bi = y + 1;
        }
        segment(ai, aTo, bi, bTo);
      }
    }
    push('equal', tailLines);
  };
  segment(0, a.length, 0, b.length);
  // jsdiff's order inside a change: every removed line of it before its added lines
  for (let i = 0; i + 1 < runs.length; i += 1) {
    if (runs[i]!.kind === 'added' && runs[i + 1]!.kind === 'removed') {
      [runs[i], runs[i + 1]] = [runs[i + 1]!, runs[i]!];
      if (i > 0 && runs[i - 1]!.kind === 'removed') {
        runs[i - 1]!.lines.push(...runs[i]!.lines);
        runs.splice(i, 1);
        i -= 1;
      }
    }
  }
  return runs;
}

/**
 * Lines that occur exactly once in each range, matched, in an order both sides agree on (the
 * longest increasing run of their positions in `b`): the patience diff's anchors.
 */
function uniqueAnchors(a: readonly string[], aFrom: number, aTo: number, b: readonly string[], bFrom: number, bTo: number): Array<[number, number]> {
  const seen = new Map<string, { a: number; ai: number; b: number; bi: number }>();
  for (let i = aFrom; i < aTo; i += 1) {
    const entry = seen.get(a[i]!);
    if (entry) entry.a += 1;
    else seen.set(a[i]!, { a: 1, ai: i, b: 0, bi: -1 });
  }
  for (let i = bFrom; i < bTo; i += 1) {
    const entry = seen.get(b[i]!);
    if (!entry) continue;
    entry.b += 1;
    entry.bi = i;
  }
  const pairs: Array<[number, number]> = [];
  for (const entry of seen.values()) if (entry.a === 1 && entry.b === 1) pairs.push([entry.ai, entry.bi]);
  pairs.sort((x, y) => x[0] - y[0]);
  // longest increasing subsequence of the b positions (patience sorting), O(k log k)
  const tops: number[] = [];
  const previous: number[] = new Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k += 1) {
    let low = 0;
    let high = tops.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (pairs[tops[mid]!]![1] < pairs[k]![1]) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[k] = tops[low - 1]!;
    tops[low] = k;
  }
  const chain: Array<[number, number]> = [];
  for (let k = tops.length > 0 ? tops[tops.length - 1]! : -1; k !== -1; k = previous[k]!) chain.push(pairs[k]!);
  return chain.reverse();
}

/**
 * For each line of `after`, whether it was inserted: new, and not in place of removed lines (an
 * edited line holds the user's code; only what stands between untouched lines was inserted).
 */
export function insertedLines(before: readonly string[], after: readonly string[]): boolean[] {
  const runs = lineDiff(before, after);
  const inserted: boolean[] = [];
  runs.forEach((run, index) => {
    if (run.kind === 'removed') return;
    const pure = run.kind === 'added' && runs[index - 1]?.kind !== 'removed' && runs[index + 1]?.kind !== 'removed';
    for (let k = 0; k < run.lines.length; k += 1) inserted.push(pure);
  });
  return inserted;
}
