/**
 * The guarded TypeScript of guard-json-parse's fixtures type-checks, strict, against the real
 * typings of ws and express: the declared type stays on the `let` (`let message: ClientMessage;`,
 * `JSON.parse(s) as Settings` -> `let settings: Settings;`), the variable is definitely assigned
 * after the `try` whose `catch` returns, and the 400 answer fits a handler declared
 * `Promise<void>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';
import { typeErrorsWithTypings } from '../support/typecheck.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'fixtures', 'guard-json-parse');

describe('guard-json-parse output (TypeScript)', () => {
  const outputs = readdirSync(fixtures).filter((name) => name.endsWith('.output.ts'));

  it('has TypeScript rewrite cases', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(2);
  });

  it('type-checks with the real ws and express typings', () => {
    const files = Object.fromEntries(outputs.map((name) => [`src/${name}`, readFileSync(join(fixtures, name), 'utf8')]));
    const dir = tree({ 'package.json': JSON.stringify({ name: 't', private: true }), ...files });
    const errors = typeErrorsWithTypings(dir, outputs.map((name) => `src/${name}`), 'node16');
    expect(errors).toEqual([]);
  });
});
