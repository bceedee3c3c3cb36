import { describe, expect, it } from 'vitest';
import { compareCounts, malformedLabels, score, type Label } from './labels.js';

const label = (line: number, sign: '+' | '-', transform = 't'): Label => ({ repo: 'r', file: 'a.js', line, transform, label: sign, reason: 'why' });

describe('score', () => {
  it('computes precision and recall and flags a rewritten - label and a recall under its floor', () => {
    const labels = [label(1, '+'), label(2, '+'), label(3, '-'), label(4, '-')];
    const changed = (l: Label) => l.line === 1 || l.line === 3;
    const { scores, violations } = score(labels, changed, { t: 0.9 });
    expect(scores).toEqual([{ transform: 't', truePositives: 1, falsePositives: 1, positives: 2, negatives: 2, precision: 0.5, recall: 0.5, floor: 0.9 }]);
    expect(violations).toHaveLength(2);
    expect(violations[0]).toContain("rewrote a '-' site r/a.js:3: why");
    expect(violations[1]).toContain('below its floor');
  });
});

describe('compareCounts', () => {
  it('prints old → new for a changed count and passes equal counts', () => {
    const expected = { p: { t: { changed: 1, skipped: 2 } } };
    expect(compareCounts('r', expected, { p: { t: { changed: 1, skipped: 2 } } })).toEqual([]);
    expect(compareCounts('r', expected, { p: { t: { changed: 2, skipped: 2 } } })).toEqual(['r p t: 1 changed / 2 skipped → 2 changed / 2 skipped']);
  });
});

describe('malformedLabels', () => {
  it('rejects a label without a sign or reason', () => {
    expect(malformedLabels([label(1, '+'), { ...label(2, '+'), label: '±' as '+' }, { ...label(3, '-'), reason: '' }])).toHaveLength(2);
  });
});
