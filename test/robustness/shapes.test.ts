/**
 * The shapes of issue 16's "Why" that broke on real code and have no home in another suite: valid
 * code that was refused, characters that were rewritten, and code far from a site that was
 * reprinted. Each runs one transform through the engine as a user's file would.
 */
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/engine/parse.js';
import { Project } from '../../src/engine/project.js';
import { runFile } from '../../src/engine/run-file.js';
import { transforms } from '../../transforms/index.js';

const dedupe = transforms.find((t) => t.id === 'dedupe-imports')!;

function dedupeImports(path: string, text: string) {
  const project = new Project('/nowhere', [path]);
  return runFile({ path, text, chain: [{ definition: dedupe, options: dedupe.options.parse({}) }], project });
}

describe('valid code is parsed and rewritten, not refused', () => {
  it.each([
    ['sloppy-mode CommonJS (reserved words, octal, with, duplicate parameters, delete)', 'a.js', "let public = 1;\nvar o = 010 + '\\101'.length;\nwith (Math) o = max(o, 1);\nfunction f(a, a) { delete o; }\nlet yield = 2;\n"],
    ['a TypeScript 5 accessor field', 'a.ts', 'export class Box {\n  accessor size = 1;\n}\n'],
    ['an import assertion', 'a.mjs', "import data from './data.json' assert { type: 'json' };\nexport { data };\n"],
    ['a Flow-annotated file', 'a.js', '// @flow\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n'],
  ])('%s', (_name, path, body) => {
    const repeated = path.endsWith('.mjs') || path.endsWith('.ts') || body.includes('@flow') ? "import { x } from './x';\nimport { x } from './x';\n" : "const x = require('./x');\nconst x = require('./x');\n";
    const text = body.startsWith('// @flow') ? `// @flow\n${repeated}${body.slice('// @flow\n'.length)}` : `${repeated}${body}`;
    expect(() => parseSource(text, path)).not.toThrow();
    const result = dedupeImports(path, text);
    expect(result.status, JSON.stringify(result)).toBe('changed');
    if (result.status === 'changed') expect(result.output).toBe(text.replace(repeated, repeated.slice(0, repeated.indexOf('\n') + 1)));
  });
});

describe('characters are data', () => {
  it('keeps U+2028 in a string literal and form feeds byte for byte (no internal error)', () => {
    const text = "import { a } from './m';\nimport { b } from './m';\nexport const s = 'line\u2028next';\n\f\nexport const t = `x\u2029y`;\n";
    const result = dedupeImports('a.ts', text);
    expect(result.status, JSON.stringify(result)).toBe('changed');
    if (result.status === 'changed') expect(result.output).toBe(text.replace("import { a } from './m';\nimport { b } from './m';\n", "import { a, b } from './m';\n"));
  });
});

describe('code far from a site', () => {
  it('leaves a TypeScript `(x as T)` 1,200 lines below the edit as written', () => {
    const filler = Array.from({ length: 1200 }, (_, i) => `export const v${i} = ${i};\n`).join('');
    const text = `import { a } from './m';\nimport { b } from './m';\n${filler}export const n = (a as unknown as number) + (<number>b);\nexport const m = ((a as any)).length;\n`;
    const result = dedupeImports('a.ts', text);
    expect(result.status, JSON.stringify(result)).toBe('changed');
    if (result.status === 'changed') expect(result.output).toBe(text.replace("import { a } from './m';\nimport { b } from './m';\n", "import { a, b } from './m';\n"));
  });
});
