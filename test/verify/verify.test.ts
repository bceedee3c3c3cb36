/**
 * --verify on real tsc: a change set that adds a type error is dropped (and reported with the
 * diagnostic) while good changes elsewhere are kept; a new error in an unchanged file is
 * attributed to the change that causes it; solution-style configs are followed; a JavaScript
 * project without a config gets a syntax-only check; a config with no files is no pass.
 */
import { describe, expect, it } from 'vitest';
import { chainOf, renamesCalls, requestsSupport, requiresParameters } from '../support/transforms.js';
import { paths, project, runAndVerify, strictConfig } from './support.js';

const person = `export class Person {
  constructor(private first: string, private last: string) {}
  getName(): string { return this.first; }
  fullName(): string { return \`\${this.first} \${this.last}\`; }
}
`;
const pet = `export interface Pet { getName(): string }
`;

describe('a change set that breaks types is dropped', () => {
  it('keeps the good change in another file and reports the diagnostic of the dropped one', () => {
    const root = project({
      'tsconfig.json': strictConfig(),
      'src/person.ts': person,
      'src/pet.ts': pet,
      'src/greet-person.ts': "import { Person } from './person';\nexport const hello = (p: Person) => `hi ${p.getName()}`;\n",
      'src/greet-pet.ts': "import type { Pet } from './pet';\nexport const hello = (p: Pet) => `hi ${p.getName()}`;\n",
    });
    const { before, verified } = runAndVerify(root, chainOf(renamesCalls));
    expect(paths(before)).toEqual(['src/greet-person.ts', 'src/greet-pet.ts']);
    expect(paths(verified.changeset)).toEqual(['src/greet-person.ts']);
    expect(verified.changeset.changes[0]!.after).toContain('p.fullName()');
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(`expected a type check, got ${report.mode}`);
    expect(report.typescript.origin).toBe('project');
    expect(report.dropped).toHaveLength(1);
    expect(report.dropped[0]).toMatchObject({ file: 'src/greet-pet.ts', attributed: false, requested: [] });
    expect(report.dropped[0]!.sites.map((s) => s.transform)).toEqual(['test-renames-calls']);
    expect(report.dropped[0]!.diagnostics).toEqual([
      { file: 'src/greet-pet.ts', line: 2, column: 42, code: 2339, message: "Property 'fullName' does not exist on type 'Pet'." },
    ]);
  });

  it('drops the support file and package.json edit that only the dropped change sets requested', () => {
    const root = project({
      'tsconfig.json': strictConfig({ compilerOptions: { strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] } }),
      'src/person.ts': person,
      'src/greet-person.ts': "import { Person } from './person';\nexport const hello = (p: Person) => `hi ${p.getName()}`;\n",
      // test-requests-support rewrites console.error to log.error without importing log: TS2304
      'src/fail.ts': "export function fail(): void {\n  console.error('no');\n}\n",
    });
    const { before, verified } = runAndVerify(root, chainOf(renamesCalls, requestsSupport));
    expect(paths(before)).toEqual(['package.json', 'src/fail.ts', 'src/greet-person.ts', 'src/lib/log.ts']);
    expect(paths(verified.changeset)).toEqual(['src/greet-person.ts']);
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(report.mode);
    expect(report.dropped.map((d) => [d.file, d.requested, d.diagnostics.map((x) => `${x.file}:${x.line}:${x.column} TS${x.code}`)])).toEqual([
      ['src/fail.ts', ['package.json', 'src/lib/log.ts'], ['src/fail.ts:2:3 TS2304']],
    ]);
  });
});

describe('attribution across files', () => {
  it('blames the changed file whose signature change breaks an unchanged caller, and keeps the rest', () => {
    const root = project({
      'tsconfig.json': strictConfig(),
      'src/lib.ts': 'export function greet(name?: string): string {\n  return `hi ${name ?? "you"}`;\n}\n',
      'src/unused.ts': 'export function shout(word?: string): string {\n  return (word ?? "hey").toUpperCase();\n}\n',
      'src/caller.ts': "import { greet } from './lib';\nexport const message = greet();\n",
    });
    const { before, verified } = runAndVerify(root, chainOf(requiresParameters));
    expect(paths(before)).toEqual(['src/lib.ts', 'src/unused.ts']);
    expect(paths(verified.changeset)).toEqual(['src/unused.ts']);
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(report.mode);
    expect(report.dropped).toHaveLength(1);
    expect(report.dropped[0]).toMatchObject({ file: 'src/lib.ts', attributed: true });
    expect(report.dropped[0]!.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} TS${d.code} ${d.message}`)).toEqual([
      'src/caller.ts:2:24 TS2554 Expected 1 arguments, but got 0.',
    ]);
  });

  it('finds the broken caller through a path alias too', () => {
    const root = project({
      'tsconfig.json': strictConfig({ compilerOptions: { strict: true, noEmit: true, module: 'ES2022', moduleResolution: 'bundler', types: [], paths: { '@/*': ['./src/*'] } } }),
      'src/lib.ts': 'export function greet(name?: string): string {\n  return name ?? "you";\n}\n',
      'src/deep/caller.ts': "import { greet } from '@/lib';\nexport const message = greet();\n",
    });
    const { verified } = runAndVerify(root, chainOf(requiresParameters));
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(report.mode);
    expect(report.dropped.map((d) => [d.file, d.attributed, d.diagnostics.map((x) => `${x.file}:${x.line} TS${x.code}`)])).toEqual([
      ['src/lib.ts', true, ['src/deep/caller.ts:2 TS2554']],
    ]);
  });
});
