/**
 * The anchored line diff behind every patch: whatever the edit, the patch applied to the old text
 * gives the new one (jsdiff's applyPatch reads it as git would), line ends and a missing final
 * newline included; on small inputs it is as small as jsdiff's (minimal) one; big files with many changed lines
 * go through too (the Myers diff alone is O(N·D): minutes for a 1 MB file).
 */
import { applyPatch, structuredPatch, formatPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { patchFor } from '../../src/output/patch.js';

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function edited(lines: string[], next: () => number, alphabet: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const roll = next();
    if (roll < 0.1) continue; // removed
    if (roll < 0.2) out.push(`new ${Math.floor(next() * alphabet)}`); // replaced
    else out.push(line);
    if (next() < 0.05) out.push(`added ${Math.floor(next() * alphabet)}`);
  }
  return out;
}

const change = (before: string, after: string) => ({ path: 'src/a.js', before, after, sites: [], requestedBy: [], kind: 'source' as const });

describe('the patch line diff', () => {
  it('round-trips random edits (repeated lines, CRLF, missing final newline)', () => {
    const next = random(42);
    for (let round = 0; round < 300; round += 1) {
      const alphabet = round % 3 === 0 ? 4 : 50;
      const size = Math.floor(next() * (round % 10 === 0 ? 4000 : 60));
      const eol = round % 7 === 0 ? '\r\n' : '\n';
      const lines = Array.from({ length: size }, () => `line ${Math.floor(next() * alphabet)}`);
      const after = edited(lines, next, alphabet);
      const end = (n: number) => (n % 5 === 0 ? '' : eol);
      const beforeText = lines.join(eol) + (lines.length ? end(round) : '');
      const afterText = after.join(eol) + (after.length ? end(round + 1) : '');
      const patch = patchFor(change(beforeText, afterText));
      expect(applyPatch(beforeText, patch), `round ${round}`).toBe(afterText);
    }
  });

  it('is as small as jsdiff’s (minimal) patch on small inputs', () => {
    const next = random(7);
    for (let round = 0; round < 100; round += 1) {
      const lines = Array.from({ length: 40 }, () => `line ${Math.floor(next() * 30)}`);
      const before = `${lines.join('\n')}\n`;
      const after = `${edited(lines, next, 30).join('\n')}\n`;
      const theirs = structuredPatch('a/src/a.js', 'b/src/a.js', before, after, undefined, undefined, { context: 3 });
      theirs.isGit = true;
      const count = (patch: string, sign: string) => patch.split('\n').filter((line) => line.startsWith(sign) && !line.startsWith(`${sign}${sign}${sign}`)).length;
      const ours = patchFor(change(before, after));
      // which of several equal lines is kept may differ; how many lines change does not
      expect(count(ours, '+')).toBe(count(formatPatch(theirs), '+'));
      expect(count(ours, '-')).toBe(count(formatPatch(theirs), '-'));
    }
  });

  it('handles a 1.6 MB file with 20,000 changed lines', () => {
    const n = 40_000;
    const before = Array.from({ length: n }, (_, i) => `  console.log('line ${i}', value${i});`).join('\n') + '\n';
    const after = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `  logger.info('line ${i}', value${i});` : `  console.log('line ${i}', value${i});`)).join('\n') + '\n';
    const patch = patchFor(change(before, after));
    expect(patch.match(/^-  console/gm)).toHaveLength(n / 2);
    expect(applyPatch(before, patch)).toBe(after);
  });

  it('writes a created file against /dev/null', () => {
    expect(patchFor({ ...change('', 'a\n'), before: undefined })).toBe(
      'diff --git a/src/a.js b/src/a.js\nnew file mode 100644\n--- /dev/null\n+++ b/src/a.js\n@@ -0,0 +1,1 @@\n+a\n',
    );
  });
});
