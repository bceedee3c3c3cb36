/**
 * The three report formats built from a real Changeset (dedupe-imports plus a test transform that
 * requests a support file and a dependency): JSON validated against its published schema, the
 * Markdown parsed (table rows, one <details> per change set whose diff applies alone with
 * `git apply --check`, skipped sites, the size cap), SARIF validated and its fixes applied.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../transforms/index.js';
import { computeChangeSets } from '../../src/changeset/change-sets.js';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import { buildJsonReport, jsonReportSchema } from '../../src/output/json.js';
import { formatMarkdown, MARKDOWN_MARKER } from '../../src/output/markdown.js';
import { buildSarif, replacements } from '../../src/output/sarif.js';
import { git, repo } from '../support/cli.js';
import { sarifSchema } from '../support/sarif.js';
import { chainOf, requestsSupport } from '../support/transforms.js';

const manifest = `${JSON.stringify({ name: 'app', version: '1.0.0' }, null, 2)}\n`;

function fixture() {
  const root = repo({
    'package.json': manifest,
    'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nconsole.error(a, b);\n",
    'src/b.ts': "import { x } from 'n';\nimport { y } from 'n';\nconsole.error('skip me');\nconsole.error(x, y);\n",
    'src/clean.ts': 'export const ok = 1;\n',
  });
  const chain = chainOf(registry.get('dedupe-imports')!, requestsSupport);
  const discovery = discover({ root, cwd: root, patterns: ['.'] });
  const changeset = run({ root, discovery, chain });
  const changeSets = computeChangeSets(changeset, { root, discovery, chain });
  const transforms = new Map([...registry, [requestsSupport.id, requestsSupport]]);
  const titles = new Map([...transforms].map(([id, t]) => [id, t.title]));
  return { root, changeset, changeSets, transforms, titles };
}

describe('change sets', () => {
  it('bring the support file and dependency with the site that needs them, and nothing else', () => {
    const { changeSets } = fixture();
    expect(changeSets.map((set) => [set.site.transform, set.site.file, set.site.line, set.changes.map((c) => c.path)])).toEqual([
      ['dedupe-imports', 'src/a.ts', 2, ['src/a.ts']],
      ['test-requests-support', 'src/a.ts', 3, ['package.json', 'src/a.ts', 'src/lib/log.ts']],
      ['dedupe-imports', 'src/b.ts', 2, ['src/b.ts']],
      ['test-requests-support', 'src/b.ts', 4, ['package.json', 'src/b.ts', 'src/lib/log.ts']],
    ]);
  });
});

describe('--format json', () => {
  it('validates against the documented schema and lists sites, new files and dependency edits', () => {
    const { changeset, titles } = fixture();
    const report = jsonReportSchema.parse(
      JSON.parse(JSON.stringify(buildJsonReport(changeset, { mode: 'check', version: '0.1.0', titles }))),
    );
    expect(report.summary).toEqual({
      filesProcessed: 3,
      filesChanged: 2,
      filesNotProcessed: 0,
      sitesChanged: 4,
      sitesSkipped: 1,
      newFiles: 1,
      errors: 0,
    });
    expect(report.transforms.map((t) => [t.id, t.filesChanged, t.sitesChanged, t.sitesSkipped])).toEqual([
      ['dedupe-imports', 2, 2, 0],
      ['test-requests-support', 2, 2, 1],
    ]);
    expect(report.sites.find((s) => s.kind === 'skipped')).toMatchObject({ file: 'src/b.ts', line: 3, reason: 'in-test' });
    expect(report.newFiles).toEqual([{ path: 'src/lib/log.ts', requestedBy: expect.any(Array) }]);
    expect(report.dependencies).toEqual([
      { manifest: 'package.json', name: 'pino', range: '^10.4.0', field: 'dependencies', requestedBy: expect.any(Array) },
    ]);
    expect(report.changes.find((c) => c.path === 'src/lib/log.ts')).toMatchObject({ kind: 'support-file', created: true });
  });

  it('is documented: docs/json-report.md names every top-level field', () => {
    const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'json-report.md'), 'utf8');
    for (const key of Object.keys(jsonReportSchema.shape)) expect(docs, key).toMatch(new RegExp(`\\| \`${key}(\\[\\])?\` \\|`));
  });
});

describe('--format markdown', () => {
  it('has a summary row per transform, one <details> per change set that applies alone, and the skipped sites', () => {
    const { root, changeset, changeSets, titles } = fixture();
    const markdown = formatMarkdown(changeset, { titles, changeSets, command: 'harden apply --dry-run' });
    expect(markdown.startsWith(`${MARKDOWN_MARKER}\n`)).toBe(true);
    expect(markdown).toContain('## harden: 4 changes in 2 files');

    const rows = markdown
      .split('\n')
      .filter((line) => /^\| `/.test(line))
      .map((row) => row.split('|').slice(1, -1).map((cell) => cell.trim()));
    expect(rows).toEqual([
      ['`dedupe-imports` — Merge repeated imports of the same module', '2', '2', '0'],
      ['`test-requests-support` — Test transform that requests support', '2', '2', '1'],
      ['`src/b.ts:3`', '`test-requests-support`', '`in-test`: the call is in a test'],
    ]);
    expect(markdown).toContain('- new file `src/lib/log.ts` (needed by 2 changes)');
    expect(markdown).toContain('- `package.json`: adds `pino@^10.4.0` to dependencies');

    const blocks = [...markdown.matchAll(/<details><summary>(.*?)<\/summary>\n\n```diff\n([\s\S]*?)```\n\n<\/details>/g)];
    // the support file and the package.json edit once, then one block per change with its own hunks
    expect(blocks.map(([, summary]) => summary).slice(0, 2)).toEqual([
      '<code>package.json</code> · dependencies · needed by 2 changes',
      '<code>src/lib/log.ts</code> · new file · needed by 2 changes',
    ]);
    const changeBlocks = blocks.slice(2);
    expect(changeBlocks).toHaveLength(changeSets.length);
    expect(changeBlocks[1]![1]).toBe(
      '<code>src/a.ts:3</code> · <code>test-requests-support</code> · console.error -&gt; log.error (with <code>package.json</code>, <code>src/lib/log.ts</code>)',
    );
    expect(changeBlocks[1]![2]).not.toContain('src/lib/log.ts');
    for (const [, , diff] of blocks) git(['apply', '--check'], root, diff);
    expect(markdown).not.toContain('more changes not shown');
  });

  it('stops adding diffs before the size cap and says how to see the rest', () => {
    const { changeset, changeSets, titles } = fixture();
    const full = formatMarkdown(changeset, { titles, changeSets });
    const capped = formatMarkdown(changeset, { titles, changeSets, maxLength: full.length - 300, command: 'harden apply -t x --dry-run' });
    expect(capped.length).toBeLessThan(full.length - 300);
    expect(capped.match(/<details>/g)!.length).toBeLessThan(full.match(/<details>/g)!.length);
    expect(capped).toMatch(/> \*\*Note:\*\* \d more changes? not shown: .*`harden apply -t x --dry-run`/);
    expect(capped).toContain('### Skipped (1)');
  });
});

describe('--format sarif', () => {
  const located = (r: { ruleId: string; level?: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } } }[] }) =>
    [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region?.startLine];

  it('is valid SARIF 2.1.0: one rule per transform, one result per change (skipped sites only counted), relative locations', () => {
    const { changeset, changeSets, transforms } = fixture();
    const built = buildSarif(changeset, { version: '0.1.0', transforms, changeSets });
    const sarif = sarifSchema.parse(JSON.parse(JSON.stringify(built)));
    const [theRun] = sarif.runs;
    expect(theRun!.tool.driver.rules.map((r) => r.id)).toEqual(['dedupe-imports', 'test-requests-support']);
    expect(theRun!.results.map(located)).toEqual([
      ['dedupe-imports', 'warning', 'src/a.ts', 2],
      ['test-requests-support', 'warning', 'src/a.ts', 3],
      ['dedupe-imports', 'warning', 'src/b.ts', 2],
      ['test-requests-support', 'warning', 'src/b.ts', 4],
    ]);
    for (const result of theRun!.results) expect(theRun!.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
    expect(built.runs[0]!.properties).toEqual({ changedSites: 4, skippedSites: 1, skippedSitesListed: false });
  });

  it('lists skipped sites as notes, without fixes, on request (--sarif-skipped)', () => {
    const { changeset, changeSets, transforms } = fixture();
    const built = buildSarif(changeset, { version: '0.1.0', transforms, changeSets, includeSkipped: true });
    const [theRun] = sarifSchema.parse(JSON.parse(JSON.stringify(built))).runs;
    expect(theRun!.results.map(located)).toEqual([
      ['dedupe-imports', 'warning', 'src/a.ts', 2],
      ['test-requests-support', 'warning', 'src/a.ts', 3],
      ['dedupe-imports', 'warning', 'src/b.ts', 2],
      ['test-requests-support', 'note', 'src/b.ts', 3],
      ['test-requests-support', 'warning', 'src/b.ts', 4],
    ]);
    expect(theRun!.results[3]!.fixes).toBeUndefined();
    expect(built.runs[0]!.results[3]!.message.text).toMatch(/^harden left this alone: /);
    expect(built.runs[0]!.properties).toEqual({ changedSites: 4, skippedSites: 1, skippedSitesListed: true });
  });

  it("has fixes whose replacements rebuild exactly each change set's files", () => {
    const { changeset, changeSets, transforms } = fixture();
    const sarif = buildSarif(changeset, { version: '0.1.0', transforms, changeSets });
    const results = sarif.runs[0]!.results.filter((r) => r.fixes);
    expect(results).toHaveLength(changeSets.length);
    results.forEach((result, index) => {
      const set = changeSets[index]!;
      for (const change of result.fixes![0]!.artifactChanges) {
        const original = set.changes.find((c) => c.path === decodeURIComponent(change.artifactLocation.uri))!;
        let text = original.before ?? '';
        for (const r of [...change.replacements].reverse()) {
          text = text.slice(0, r.deletedRegion.charOffset) + r.insertedContent.text + text.slice(r.deletedRegion.charOffset! + r.deletedRegion.charLength!);
        }
        expect(text).toBe(original.after);
      }
    });
  });

  it('computes line/column regions that agree with the character offsets (CRLF included)', () => {
    const before = 'one\r\ntwo\r\nthree\r\n';
    const [r] = replacements({ path: 'x', before, after: 'one\r\nTWO\r\nthree\r\n', sites: [], requestedBy: [], kind: 'source' });
    expect(r!.deletedRegion).toEqual({ startLine: 2, startColumn: 1, endLine: 3, endColumn: 1, charOffset: 5, charLength: 5 });
    expect(r!.insertedContent.text).toBe('TWO\r\n');
  });
});
