/**
 * GitHub suggested changes from a JSON report and the pull request's files (the shape GitHub's
 * `GET /pulls/{n}/files` returns): only edits that stand alone and lie inside the pull request's
 * diff become ```suggestion comments; the rest stay in the report.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../src/output/json.js';
import { editsOf, pullRequestRanges, suggestionReview } from '../../src/output/suggestions.js';
import { harden, repo } from '../support/cli.js';

const manifest = `${JSON.stringify({ name: 'app', private: true, scripts: { start: 'node src/a.js' } })}\n`;
const filler = Array.from({ length: 8 }, (_, i) => `export const v${i} = ${i};`).join('\n');

describe('harden suggestions', () => {
  it('suggests the stand-alone edits on lines the pull request touches, and names what it left out', () => {
    const root = repo({
      'package.json': manifest,
      'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nexport const ab = a + b;\n",
      'src/b.ts': "try {\n  run();\n} catch (err) {\n  console.error('run failed', err);\n}\n",
      'src/c.ts': `${filler}\nimport { c } from 'm';\nimport { d } from 'm';\nexport const cd = c + d;\n`,
    });
    const check = harden(['check', '-t', 'dedupe-imports,console-to-logger', '--format', 'json', '-o', 'report.json', '.'], root);
    expect(check.status, check.stderr).toBe(1);
    // what GitHub lists for the pull request: src/a.ts added, src/b.ts added, one line of src/c.ts edited
    const files = [
      { filename: 'src/a.ts', patch: "@@ -0,0 +1,3 @@\n+import { a } from 'm';\n+import { b } from 'm';\n+export const ab = a + b;" },
      { filename: 'src/b.ts', patch: "@@ -0,0 +1,5 @@\n+try {\n+  run();\n+} catch (err) {\n+  console.error('run failed', err);\n+}" },
      { filename: 'src/c.ts', patch: '@@ -1 +1 @@\n-export const v0 = -1;\n+export const v0 = 0;' },
    ];
    writeFileSync(join(root, 'files.json'), JSON.stringify(files));
    const result = harden(['suggestions', 'report.json', 'files.json'], root);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('1 suggested change; 3 left to the report\n');
    const review = JSON.parse(result.stdout);
    expect(review.event).toBe('COMMENT');
    expect(review.comments).toEqual([
      {
        path: 'src/a.ts',
        side: 'RIGHT',
        line: 2,
        start_line: 1,
        start_side: 'RIGHT',
        body: expect.stringMatching(
          /^`dedupe-imports`: merged repeated import of 'm' into the one on line 1\n\n```suggestion\nimport \{ a, b \} from 'm';\n```\n<!-- harden-suggestion:[0-9a-f]{16} -->$/,
        ),
      },
    ]);
    expect(review.body).toContain('3 other changes');

    // the next push: the same suggestion is among the pull request's review comments, so it is not posted again
    writeFileSync(join(root, 'comments.json'), JSON.stringify([[{ body: review.comments[0].body }]]));
    const again = harden(['suggestions', 'report.json', 'files.json', 'comments.json'], root);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('0 suggested changes; 3 left to the report; 1 already suggested by an earlier run\n');
  });

  it('prints nothing when nothing can be suggested', () => {
    const root = repo({ 'package.json': manifest, 'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nexport const ab = a + b;\n" });
    harden(['check', '-t', 'dedupe-imports', '--format', 'json', '-o', 'report.json', '.'], root);
    writeFileSync(join(root, 'files.json'), '[]');
    const result = harden(['suggestions', 'report.json', 'files.json'], root);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
  });
});

describe('which edits stand alone', () => {
  /** A report of one file with two runs of changed lines, one site each, from transform `t`. */
  const report = (standAloneSites: boolean) =>
    ({
      transforms: [{ id: 't', title: 'T', filesChanged: 1, sitesChanged: 2, sitesSkipped: 0, standAloneSites }],
      sites: [
        { id: 't:a.js:2:1:0', transform: 't', file: 'a.js', kind: 'changed', line: 2, column: 1, endLine: 2, endColumn: 9, message: 'one' },
        { id: 't:a.js:8:1:0', transform: 't', file: 'a.js', kind: 'changed', line: 8, column: 1, endLine: 8, endColumn: 9, message: 'two' },
      ],
      changes: [
        {
          path: 'a.js',
          kind: 'source',
          created: false,
          sites: ['t:a.js:2:1:0', 't:a.js:8:1:0'],
          requestedBy: [],
          diff: '--- a/a.js\n+++ b/a.js\n@@ -1,9 +1,9 @@\n a\n-b\n+B\n c\n d\n e\n f\n g\n-h\n+H\n i\n',
        },
      ],
    }) as unknown as JsonReport;
  const files = [{ filename: 'a.js', patch: '@@ -1,9 +1,9 @@' }];

  it('suggests each run of a transform whose sites stand alone, and none of one whose runs may belong together', () => {
    expect(suggestionReview(report(true), files).review?.comments.map((c) => c.line)).toEqual([2, 8]);
    expect(suggestionReview(report(false), files)).toMatchObject({ review: undefined, outside: 2 });
  });
});

describe('diff reading', () => {
  it('reads the new-side ranges of a pull request patch and the runs of a harden diff', () => {
    expect(pullRequestRanges('@@ -1,3 +1,4 @@\n x\n@@ -20 +21 @@\n-a\n+b\n@@ -30,2 +31,0 @@')).toEqual([
      [1, 4],
      [21, 21],
    ]);
    const diff = '--- a/x\n+++ b/x\n@@ -1,5 +1,7 @@\n+first\n keep\n-old\n+new\n keep2\n+inserted\n tail\n';
    expect(editsOf(diff)).toEqual([
      { from: 1, to: 1, lines: ['first', 'keep'] },
      { from: 2, to: 2, lines: ['new'] },
      { from: 3, to: 3, lines: ['keep2', 'inserted'] },
    ]);
  });
});
