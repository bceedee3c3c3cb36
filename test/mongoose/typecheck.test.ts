/**
 * Every rewritten TypeScript fixture output of the Mongoose transforms type-checks (strict)
 * against the real mongoose / express typings: each case's project is laid out in a temporary
 * directory whose node_modules links to this repository's, and checked with the TypeScript API.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverCases } from '../../src/testing/index.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'fixtures');
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listTs(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

for (const transform of ['mongoose-pool-options', 'mongoose-lean', 'mongoose-paginate']) {
  describe(transform, () => {
    for (const fixture of discoverCases(fixtures, transform)) {
      if (fixture.ext !== 'ts' || fixture.output === undefined) continue;
      it(`${fixture.name}.output.ts type-checks against the real typings`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'harden-tsc-'));
        made.push(dir);
        const project = join(fixtures, transform, `${fixture.name}.project`);
        if (existsSync(project)) cpSync(project, dir, { recursive: true });
        mkdirSync(join(dir, 'src'), { recursive: true });
        const file = existsSync(project) ? join(dir, 'src', `${fixture.name}.ts`) : join(dir, 'src', `${fixture.name}.ts`);
        writeFileSync(file, fixture.output!);
        symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
        const options: ts.CompilerOptions = {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(dir, 'node_modules', '@types')],
          experimentalDecorators: true,
        };
        // the case's own tsconfig.json decides how its imports resolve (paths / baseUrl aliases)
        const config = join(dir, 'tsconfig.json');
        if (existsSync(config)) {
          const own = ts.parseJsonConfigFileContent(ts.readConfigFile(config, ts.sys.readFile).config, ts.sys, dir).options;
          if (own.baseUrl) options.baseUrl = own.baseUrl;
          if (own.paths) options.paths = own.paths;
        }
        const program = ts.createProgram(listTs(dir), options);
        const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
          const where = d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
          return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
        expect(diagnostics).toEqual([]);
      });
    }
  });
}
