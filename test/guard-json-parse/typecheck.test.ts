/**
 * The guarded TypeScript of guard-json-parse's fixtures type-checks, strict, against the real
 * typings of ws and express: the declared type stays on the `let` (`let message: ClientMessage;`,
 * `JSON.parse(s) as Settings` -> `let settings: Settings;`), the variable is definitely assigned
 * after the `try` whose `catch` returns, and the 400 answer fits a handler declared
 * `Promise<void>`.
 */
import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';

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
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const program = ts.createProgram(
      outputs.map((name) => join(dir, 'src', name)),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        esModuleInterop: true,
        types: ['node'],
        typeRoots: [join(dir, 'node_modules', '@types')],
        skipLibCheck: true,
      },
    );
    const errors = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName.slice(dir.length + 1) ?? ''}:${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(errors).toEqual([]);
  });
});
