import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../../transforms/index.js';
import { writeChangeset } from '../../src/changeset/write.js';
import { main } from '../../src/cli/program.js';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import { chainOf } from '../support/transforms.js';
import { repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const duplicated = "import { a } from 'm';\nimport { b } from 'm';\n";
const merged = "import { a, b } from 'm';\n";

describe('an interrupted write', () => {
  it('stops between files: each file is wholly old or wholly new', async () => {
    const root = tree({ 'a.ts': duplicated, 'b.ts': duplicated, 'c.ts': duplicated });
    const changeset = run({ root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain: chainOf(registry.get('dedupe-imports')!) });
    let polls = 0;
    const result = await writeChangeset(changeset, new Set(), () => ++polls > 1);
    expect(result).toEqual({ written: ['a.ts'], refused: [], failed: [], unwritten: ['b.ts', 'c.ts'], interrupted: true });
    expect(['a.ts', 'b.ts', 'c.ts'].map((p) => readFileSync(join(root, p), 'utf8'))).toEqual([merged, duplicated, duplicated]);
  });

  it('makes the CLI exit 130 and say what was and was not written', async () => {
    const root = repo({ 'a.ts': duplicated, 'b.ts': duplicated });
    let stderr = '';
    // Ctrl-C once the first file is written
    const code = await main(['apply', '--transform', 'dedupe-imports', '--jobs', '1'], {
      cwd: root,
      stdout: { write: () => true } as unknown as NodeJS.WritableStream,
      stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WritableStream,
      interrupted: () => readFileSync(join(root, 'a.ts'), 'utf8') === merged,
    });
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted: 1 file(s) written, 1 left unwritten; every file is whole');
    expect(readFileSync(join(root, 'b.ts'), 'utf8')).toBe(duplicated);
  });
});
