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
// every case lives in a folder of one temporary root with one node_modules link, so the typings
// (mongoose's are large) have the same paths in every program and are parsed once, not per case
const root = mkdtempSync(join(tmpdir(), 'harden-tsc-'));
symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
afterAll(() => rmSync(root, { recursive: true, force: true }));
const typings = new Map<string, ts.SourceFile | undefined>();

function hostFor(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language, onError, fresh) => {
    if (!fileName.includes('/node_modules/')) return read(fileName, language, onError, fresh);
    if (!typings.has(fileName)) typings.set(fileName, read(fileName, language, onError, fresh));
    return typings.get(fileName);
  };
  return host;
}

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
        const dir = join(root, `${transform}--${fixture.name}`);
        mkdirSync(dir, { recursive: true });
        const project = join(fixtures, transform, `${fixture.name}.project`);
        if (existsSync(project)) cpSync(project, dir, { recursive: true });
        mkdirSync(join(dir, 'src'), { recursive: true });
        const file = existsSync(project) ? join(dir, 'src', `${fixture.name}.ts`) : join(dir, 'src', `${fixture.name}.ts`);
        writeFileSync(file, fixture.output!);
        const options: ts.CompilerOptions = {
          strict: true,
          noEmit: true,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
          experimentalDecorators: true,
        };
        // the case's own tsconfig.json decides how its imports resolve (paths / baseUrl aliases)
        const config = join(dir, 'tsconfig.json');
        if (existsSync(config)) {
          const own = ts.parseJsonConfigFileContent(ts.readConfigFile(config, ts.sys.readFile).config, ts.sys, dir).options;
          if (own.baseUrl) options.baseUrl = own.baseUrl;
          if (own.paths) options.paths = own.paths;
          if (own.noPropertyAccessFromIndexSignature) options.noPropertyAccessFromIndexSignature = true;
        }
        const program = ts.createProgram(listTs(dir), options, hostFor(options));
        const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
          const where = d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
          return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
        expect(diagnostics).toEqual([]);
      });
    }
  });
}
