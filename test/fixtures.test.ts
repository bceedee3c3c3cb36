/**
 * ONE suite for every fixture of every transform, discovered from fixtures/<id>/ (never listed
 * by hand), each case in LF, CRLF and BOM variants.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transforms } from '../transforms/index.js';
import { checkCase, discoverCases, VARIANTS } from '../src/testing/index.js';

const fixturesDir = join(import.meta.dirname, '..', 'fixtures');

// Project-level transforms have folder cases and their own suites (test/<id>/).
for (const transform of transforms.filter((t) => t.scope === 'file')) {
  describe(transform.id, () => {
    for (const fixture of discoverCases(fixturesDir, transform.id)) {
      for (const variant of VARIANTS) {
        it(`${fixture.name} (${fixture.ext}, ${variant})`, () => {
          const { failures } = checkCase(transform, fixture, variant);
          expect(failures, failures.join('\n')).toEqual([]);
        });
      }
    }
  });
}
