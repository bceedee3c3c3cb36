import { describe, expect, it } from 'vitest';
import { registry, REGISTRY_MODULE } from '../../transforms/index.js';
import { discover } from '../../src/engine/discover.js';
import { runParallel } from '../../src/changeset/run.js';
import { nestingDepth } from '../../src/engine/run-file.js';
import { run } from '../../src/changeset/run.js';
import { chainOf } from '../support/transforms.js';
import { tree } from '../support/tmp.js';

describe('the worker pool', () => {
  it('gives exactly the Changeset of an in-process run, whatever the scheduling', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i += 1) {
      files[`src/m${String(i).padStart(3, '0')}.ts`] =
        i % 3 === 0 ? `import { a } from 'm${i}';\nimport { b } from 'm${i}';\nexport const x = a + b;\n` : `export const y${i} = ${i};\n`;
    }
    files['src/broken.ts'] = "import { a } from 'm';\nimport { b } from 'm';\nconst = ;\n";
    // deeper than the main thread's stack allows, shallower than a default worker's: same answer in both
    files['src/deep.ts'] = `import { a } from 'm';\nimport { b } from 'm';\nexport const deep = ${'f(\n'.repeat(600)}a${'\n)'.repeat(600)} + b;\n`;
    const root = tree(files);
    const discovery = discover({ root, cwd: root, patterns: ['.'] });
    const chain = chainOf(registry.get('dedupe-imports')!);
    const inProcess = run({ root, discovery, chain });
    const pooled = await runParallel({ root, discovery, chain, jobs: 3, forceWorkers: true, workerRegistry: { module: REGISTRY_MODULE, transforms: registry } });
    expect(pooled).toEqual(inProcess);
    expect(inProcess.changes).toHaveLength(50);
    expect(inProcess.errors.map((e) => e.path)).toEqual(['src/broken.ts', 'src/deep.ts']);
    expect(inProcess.errors[1]!.message).toBe('too deeply nested to process (600 levels of brackets; harden stops at 200); the file was left unchanged');
  });
});

describe('nestingDepth', () => {
  it('counts brackets and template expressions, not the ones in strings and comments', () => {
    expect(nestingDepth('f(a[{ b: (1) }])')).toBe(4);
    expect(nestingDepth("const s = '(((('; // ((((\n/* [[[[ */ x(`a ${ y({}) } (((`);")).toBe(4);
    expect(nestingDepth('`${`${`${(1)}`}`}`')).toBe(4);
  });
});
