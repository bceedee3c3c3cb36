/** The matrix reads harden's --verbose summary; this pins its parser to the real formatter. */
import { describe, expect, it } from 'vitest';
import type { Changeset } from '../../src/changeset/changeset.js';
import { colors } from '../../src/output/color.js';
import type { Site } from '../../src/engine/sites.js';
import { formatSummary } from '../../src/output/text.js';
import { parseLocation, parseReport, sitesAt } from './support.js';

function site(transform: string, file: string, line: number, kind: Site['kind'], extra: Partial<Site> = {}): Site {
  return { id: `${transform}:${file}:${line}:1:0`, transform, file, kind, line, column: 3, endLine: line, endColumn: 9, ...extra };
}

describe('parseReport', () => {
  it('reads every changed and skipped site of every transform from the verbose summary', () => {
    const sites = [
      site('console-to-logger', 'src/a.js', 4, 'changed', { message: 'console.error -> logger.error' }),
      site('console-to-logger', 'scripts/b.js', 9, 'skipped', { reason: 'cli-script', reasonText: 'a script prints its output', detail: 'shebang' }),
      site('fs-sync-to-async', 'src/c.ts', 12, 'skipped', { reason: 'module-top-level', reasonText: 'start-up code' }),
    ];
    const changeset: Changeset = {
      root: '/tmp/x',
      transforms: ['console-to-logger', 'fs-sync-to-async'],
      outcomes: [
        { path: 'src/a.js', status: 'changed', sites: [sites[0]!] },
        { path: 'scripts/b.js', status: 'unchanged', sites: [sites[1]!] },
        { path: 'src/c.ts', status: 'unchanged', sites: [sites[2]!] },
        { path: 'big.min.js', status: 'skipped', message: 'minified', sites: [] },
      ],
      changes: [
        { path: 'src/a.js', before: 'a', after: 'b', sites: [sites[0]!], requestedBy: [], kind: 'source' },
        { path: 'src/lib/logger.js', before: undefined, after: 'l', sites: [], requestedBy: [sites[0]!.id], kind: 'support-file' },
      ],
      errors: [],
    };
    const text = formatSummary(changeset, { verbose: true, colors: colors(false), verb: 'changed' });

    const report = parseReport(text);

    expect(report.transforms).toEqual([
      { id: 'console-to-logger', changed: 1, skipped: 1 },
      { id: 'fs-sync-to-async', changed: 0, skipped: 1 },
    ]);
    expect(report.sites).toEqual([
      { transform: 'console-to-logger', kind: 'skipped', file: 'scripts/b.js', line: 9, text: 'cli-script' },
      { transform: 'console-to-logger', kind: 'changed', file: 'src/a.js', line: 4, text: 'console.error -> logger.error' },
      { transform: 'fs-sync-to-async', kind: 'skipped', file: 'src/c.ts', line: 12, text: 'module-top-level' },
    ]);
  });

  it('matches locations by line and by range', () => {
    expect(parseLocation('src/a.ts:3-9')).toEqual({ file: 'src/a.ts', first: 3, last: 9 });
    expect(parseLocation('src/a.ts')).toEqual({ file: 'src/a.ts', first: 1, last: Number.MAX_SAFE_INTEGER });
    const sites = parseReport('t: 1 file changed, 1 site changed, 0 skipped\n  changed src/a.ts:5:1 did it\n').sites;
    expect(sitesAt(sites, 'src/a.ts:3-9')).toHaveLength(1);
    expect(sitesAt(sites, 'src/a.ts:4')).toHaveLength(0);
  });
});
