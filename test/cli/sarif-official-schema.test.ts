/**
 * The SARIF report validated against the official SARIF 2.1.0 JSON schema (the copy shipped in
 * @microsoft/jest-sarif), as GitHub code scanning requires — changed sites with fixes, skipped
 * sites only on request (--sarif-skipped or the config's sarifSkipped), and a clean tree.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { harden, repo } from '../support/cli.js';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// the package is CommonJS with `exports.default`: under NodeNext types the default import is the module
const AjvClass = ((Ajv as any).default ?? Ajv) as typeof Ajv.default;
const validate = new AjvClass({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

function expectValid(text: string): any {
  const sarif = JSON.parse(text);
  const ok = validate(sarif);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
  return sarif;
}

describe('harden --format sarif', () => {
  it('is checked by a validator that rejects invalid SARIF', () => {
    expect(validate({ version: '2.1.0' })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
  });

  it('validates against the official SARIF 2.1.0 schema: changes as results with fixes; skipped sites only with --sarif-skipped', () => {
    const root = repo({
      'package.json': JSON.stringify({ name: 'app', dependencies: { mongoose: '^8.0.0' } }),
      'src/a.ts': "import { a } from 'm';\nimport { b } from 'm';\nexport const c = a + b;\n",
      'src/b.js': "import winston from 'winston';\nimport logging from 'winston';\nexport const l = [winston, logging];\n",
    });
    const result = harden(['check', '--transform', 'dedupe-imports', '--format', 'sarif'], root);
    expect(result.status).toBe(1);
    const sarif = expectValid(result.stdout);
    const results = sarif.runs[0].results as any[];
    expect(results.map((r) => [r.level, r.locations[0].physicalLocation.artifactLocation.uri])).toEqual([['warning', 'src/a.ts']]);
    expect(results[0].fixes.length).toBeGreaterThan(0);
    expect(sarif.runs[0].properties).toEqual({ changedSites: 1, skippedSites: 1, skippedSitesListed: false });

    const all = harden(['check', '--transform', 'dedupe-imports', '--format', 'sarif', '--sarif-skipped'], root);
    expect(all.status).toBe(1);
    const listed = expectValid(all.stdout).runs[0].results as any[];
    expect(listed.map((r) => [r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.properties.reason])).toEqual([
      ['warning', 'src/a.ts', undefined],
      ['note', 'src/b.js', 'second-default'],
    ]);
    expect(listed[1].fixes).toBeUndefined();
  });

  it('takes sarifSkipped from the config; --sarif-skipped without --format sarif is a usage error', () => {
    const root = repo({
      'package.json': JSON.stringify({ name: 'app' }),
      'harden.config.json': '{\n  // skipped sites as notes too\n  "sarifSkipped": true,\n}\n',
      'src/b.js': "import winston from 'winston';\nimport logging from 'winston';\nexport const l = [winston, logging];\n",
    });
    const result = harden(['check', '--transform', 'dedupe-imports', '--format', 'sarif'], root);
    expect(result.status, result.stderr).toBe(0);
    expect((expectValid(result.stdout).runs[0].results as any[]).map((r) => r.level)).toEqual(['note']);

    const misuse = harden(['check', '--transform', 'dedupe-imports', '--sarif-skipped'], root);
    expect(misuse.status).toBe(2);
    expect(misuse.stderr).toContain('--sarif-skipped only changes the SARIF report');
  });

  it('validates for a clean tree with no results', () => {
    const root = repo({ 'package.json': JSON.stringify({ name: 'app' }), 'src/ok.ts': 'export const ok = 1;\n' });
    const result = harden(['check', '--transform', 'dedupe-imports', '--format', 'sarif'], root);
    expect(result.status).toBe(0);
    expect(expectValid(result.stdout).runs[0].results).toEqual([]);
  });
});
