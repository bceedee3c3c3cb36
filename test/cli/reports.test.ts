/**
 * Reports from the built CLI, as CI runs them: `harden check` with each format on stdout or in
 * --output, never coloured even when colour is forced, no progress output when piped; the
 * --dry-run patch in --output applies with git.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonReportSchema } from '../../src/output/json.js';
import { MARKDOWN_MARKER } from '../../src/output/markdown.js';
import { git, harden, repo } from '../support/cli.js';
import { sarifSchema } from '../support/sarif.js';

const duplicated = "import { a } from 'm';\nimport { b } from 'm';\nexport const c = a + b;\n";
const ANSI = /\u001b\[/;

function project() {
  return repo({
    'package.json': JSON.stringify({ name: 'app', harden: { transforms: ['dedupe-imports'] } }),
    'src/a.ts': duplicated,
    'src/b.js': "const x = require('x');\nconst x = require('x');\nmodule.exports = x;\n",
    'src/ok.ts': 'export const ok = 1;\n',
  });
}

describe('harden check --format', () => {
  it('json on stdout validates against the schema; exit 1 because changes are pending', () => {
    const root = project();
    const result = harden(['check', '--format', 'json'], root, { FORCE_COLOR: '1' });
    expect(result.status).toBe(1);
    expect(result.stdout).not.toMatch(ANSI);
    const report = jsonReportSchema.parse(JSON.parse(result.stdout));
    expect(report.mode).toBe('check');
    expect(report.changes.map((c) => c.path)).toEqual(['src/a.ts', 'src/b.js']);
    expect(result.stderr).toContain('dedupe-imports: 2 files would change');
    expect(result.stderr).not.toContain('\r');
  });

  it('markdown to --output: a comment body with the marker, the table and one details block per change', () => {
    const root = project();
    const result = harden(['check', '--format', 'markdown', '--output', 'report.md'], root, { FORCE_COLOR: '1' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const markdown = readFileSync(join(root, 'report.md'), 'utf8');
    expect(markdown).not.toMatch(ANSI);
    expect(markdown.startsWith(MARKDOWN_MARKER)).toBe(true);
    expect(markdown).toContain('| `dedupe-imports` — Merge repeated imports of the same module | 2 | 2 | 0 |');
    expect(markdown.match(/<details>/g)).toHaveLength(2);
  });

  it('sarif validates; a clean tree gives exit 0 and no results', () => {
    const root = project();
    const result = harden(['check', '--format', 'sarif'], root);
    expect(result.status).toBe(1);
    const sarif = sarifSchema.parse(JSON.parse(result.stdout));
    expect(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['src/a.ts', 'src/b.js']);

    const clean = repo({ 'package.json': JSON.stringify({ name: 'app' }), 'src/ok.ts': 'export const ok = 1;\n' });
    const none = harden(['check', '-t', 'dedupe-imports', '--format', 'sarif'], clean);
    expect(none.status).toBe(0);
    expect(sarifSchema.parse(JSON.parse(none.stdout)).runs[0]!.results).toEqual([]);
  });

  it('--dry-run --output writes a patch that git apply accepts; write mode can report in json', () => {
    const root = project();
    const dry = harden(['apply', '--dry-run', '--output', 'harden.patch'], root);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toBe('');
    git(['apply', '--check', 'harden.patch'], root);

    const write = harden(['apply', '--format', 'json'], root);
    expect(write.status).toBe(0);
    const report = jsonReportSchema.parse(JSON.parse(write.stdout));
    expect(report.mode).toBe('write');
    expect(report.changes.map((c) => c.path)).toEqual(['src/a.ts', 'src/b.js']);
    expect(readFileSync(join(root, 'src/a.ts'), 'utf8')).toBe("import { a, b } from 'm';\nexport const c = a + b;\n");
  });

  it('rejects an unknown format and a config error with exit 2, naming the file and key', () => {
    const root = repo({ 'harden.config.json': JSON.stringify({ ignore: 'dist' }), 'a.ts': duplicated });
    const format = harden(['check', '-t', 'dedupe-imports', '--format', 'xml'], root);
    expect(format.status).toBe(2);
    const config = harden(['check'], root);
    expect(config.status).toBe(2);
    expect(config.stderr).toContain(`${join(root, 'harden.config.json')}: ignore: Invalid input: expected array, received string`);
  });

  it('--help lists check, --format, --config and --interactive', () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'dist', 'bin', 'harden.js'), 'apply', '--help'], { encoding: 'utf8' });
    for (const flag of ['--interactive', '--format <format>', '--config <path>', '--output <file>']) expect(result.stdout).toContain(flag);
  });
});
