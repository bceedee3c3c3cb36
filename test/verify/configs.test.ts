/**
 * Which configuration --verify checks with: a solution-style tsconfig followed into its referenced
 * projects (and a referencing project sees the referenced one's sources), never a pass on nothing;
 * JavaScript without a config gets syntax only; jsconfig.json with checkJs is used like a tsconfig;
 * a project without typescript is checked with harden's own, and the report says so.
 */
import { describe, expect, it } from 'vitest';
import { chainOf, renamesCalls, requiresParameters } from '../support/transforms.js';
import { paths, project, runAndVerify, strictConfig } from './support.js';

const composite = (extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ compilerOptions: { composite: true, strict: true, outDir: 'dist', target: 'ES2022', module: 'ES2022', moduleResolution: 'bundler', types: [] }, include: ['src'], ...extra }, null, 2)}\n`;

const solution = `${JSON.stringify({ files: [], references: [{ path: './packages/lib' }, { path: './packages/app' }] }, null, 2)}\n`;

describe('solution-style tsconfig', () => {
  it('follows the references: drops the breaking change in one project, keeps the good one in the other', () => {
    const root = project({
      'tsconfig.json': solution,
      'packages/lib/tsconfig.json': composite(),
      'packages/lib/src/person.ts': 'export class Person {\n  getName(): string { return "a"; }\n  fullName(): string { return "a b"; }\n}\n',
      'packages/lib/src/use.ts': "import { Person } from './person';\nexport const n = new Person().getName();\n",
      'packages/app/tsconfig.json': composite({ references: [{ path: '../lib' }] }),
      'packages/app/src/pet.ts': 'export interface Pet { getName(): string }\nexport const name = (p: Pet) => p.getName();\n',
    });
    const { before, verified } = runAndVerify(root, chainOf(renamesCalls));
    expect(paths(before)).toEqual(['packages/app/src/pet.ts', 'packages/lib/src/use.ts']);
    expect(paths(verified.changeset)).toEqual(['packages/lib/src/use.ts']);
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(report.mode);
    expect(report.projects).toEqual(['packages/lib/tsconfig.json', 'packages/app/tsconfig.json']);
    expect(report.rootFiles).toBeGreaterThan(0);
    expect(report.dropped.map((d) => [d.file, d.diagnostics.map((x) => `${x.file}:${x.line} TS${x.code}`)])).toEqual([
      ['packages/app/src/pet.ts', ['packages/app/src/pet.ts:2 TS2339']],
    ]);
  });

  it('attributes an error in the referencing project to the referenced project that caused it', () => {
    const root = project({
      'tsconfig.json': solution,
      'packages/lib/tsconfig.json': composite(),
      'packages/lib/src/index.ts': 'export function greet(name?: string): string {\n  return name ?? "you";\n}\n',
      'packages/app/tsconfig.json': composite({ references: [{ path: '../lib' }] }),
      'packages/app/src/main.ts': "import { greet } from '../../lib/src/index';\nexport const message = greet();\n",
    });
    const { verified } = runAndVerify(root, chainOf(requiresParameters));
    expect(paths(verified.changeset)).toEqual([]);
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(report.mode);
    expect(report.dropped.map((d) => [d.file, d.attributed, d.diagnostics.map((x) => `${x.file}:${x.line} TS${x.code}`)])).toEqual([
      ['packages/lib/src/index.ts', true, ['packages/app/src/main.ts:2 TS2554']],
    ]);
  });

  it('never passes having checked nothing: no root file in any project is "verification unavailable"', () => {
    const root = project({
      'tsconfig.json': `${JSON.stringify({ files: [], references: [{ path: './packages/lib' }] })}\n`,
      // the referenced project includes a folder with no sources
      'packages/lib/tsconfig.json': composite({ include: ['lib'] }),
      'packages/lib/src/pet.ts': 'export interface Pet { getName(): string }\nexport const name = (p: Pet) => p.getName();\n',
    });
    const { verified } = runAndVerify(root, chainOf(renamesCalls));
    expect(verified.report.mode).toBe('unavailable');
    expect(verified.report).toMatchObject({ reason: expect.stringContaining('no program has any root file') });
  });

  it('a reference to a missing project is "verification unavailable", not a pass', () => {
    const root = project({
      'tsconfig.json': `${JSON.stringify({ files: [], references: [{ path: './packages/gone' }] })}\n`,
      'packages/lib/src/pet.ts': 'export interface Pet { getName(): string }\nexport const name = (p: Pet) => p.getName();\n',
    });
    const { verified } = runAndVerify(root, chainOf(renamesCalls));
    expect(verified.report).toMatchObject({ mode: 'unavailable', reason: expect.stringContaining('packages/gone/tsconfig.json, which does not exist') });
  });
});

describe('JavaScript projects', () => {
  const js = {
    'src/pet.js': '/** @param {{ getName(): string }} p */\nexports.name = (p) => p.getName();\n',
  };

  it('without a tsconfig or jsconfig: syntax only, and says so', () => {
    const root = project(js);
    const { before, verified } = runAndVerify(root, chainOf(renamesCalls));
    expect(verified.report).toEqual({ mode: 'syntax-only', reason: expect.stringContaining('no tsconfig.json or jsconfig.json: syntax only') });
    expect(verified.changeset).toBe(before);
  });

  it('jsconfig.json without checkJs: syntax only', () => {
    const root = project({ ...js, 'jsconfig.json': '{ "include": ["src"] }\n' });
    const { verified } = runAndVerify(root, chainOf(renamesCalls));
    expect(verified.report).toMatchObject({ mode: 'syntax-only', reason: expect.stringContaining('jsconfig.json without checkJs') });
  });

  it('jsconfig.json with checkJs is used like a tsconfig', () => {
    const root = project({ ...js, 'jsconfig.json': '{ "compilerOptions": { "checkJs": true, "types": [] }, "include": ["src"] }\n' });
    const { verified } = runAndVerify(root, chainOf(renamesCalls));
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(report.mode);
    expect(report.projects).toEqual(['jsconfig.json']);
    expect(report.dropped.map((d) => `${d.file} TS${d.diagnostics[0]!.code}`)).toEqual(['src/pet.js TS2339']);
    expect(paths(verified.changeset)).toEqual([]);
  });
});

describe('which TypeScript', () => {
  it("uses harden's bundled TypeScript when the project has none, and says so", () => {
    const root = project(
      {
        'tsconfig.json': strictConfig(),
        'src/pet.ts': 'export interface Pet { getName(): string }\nexport const name = (p: Pet) => p.getName();\n',
      },
      false,
    );
    const { verified } = runAndVerify(root, chainOf(renamesCalls));
    const report = verified.report;
    if (report.mode !== 'typecheck') throw new Error(report.mode);
    expect(report.typescript.origin).toBe('harden');
    expect(report.dropped.map((d) => d.file)).toEqual(['src/pet.ts']);
  });
});
