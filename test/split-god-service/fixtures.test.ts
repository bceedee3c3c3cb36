/**
 * Every folder case of fixtures/split-god-service/ through the real engine: exact bytes of every
 * changed and new file, a second run that changes nothing, type-checked output, no change on
 * `no-change-` cases (see test/support/project-cases.ts), and no import cycle in the written tree.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../transforms/index.js';
import { importCycles } from '../support/import-cycles.js';
import { checkProjectCase, discoverProjectCases, readTree, removeTree } from '../support/project-cases.js';

const transform = registry.get('split-god-service')!;
const cases = discoverProjectCases(join(import.meta.dirname, '..', '..', 'fixtures'), transform.id);
const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

const seen = new Set<string>();

describe('split-god-service fixtures', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const fixture of cases) {
    it(fixture.name, () => {
      const report = checkProjectCase(transform, fixture);
      roots.push(report.root);
      expect(report.failures, report.failures.join('\n')).toEqual([]);
      for (const site of report.sites) if (site.kind === 'skipped') expect(Object.keys(transform.skipReasons)).toContain(site.reason);
      for (const site of report.sites) if (site.reason) seen.add(site.reason);
      // parts and facade never import each other in a circle (values, constants, types alike)
      expect(importCycles(readTree(report.root)).map((cycle) => cycle.join(' -> '))).toEqual([]);
    });
  }
  // the registry meta-test asks this of file-level transforms; project cases are run once, here
  it('exercises every skip reason in some case', () => {
    expect([...seen].sort()).toEqual(Object.keys(transform.skipReasons).sort());
  });
});
