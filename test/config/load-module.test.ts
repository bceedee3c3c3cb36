/**
 * A TypeScript config or custom transform is compiled into the OS temp directory, never into the
 * user's repository (not even during --dry-run), behaves as if it were beside the original
 * (relative imports, packages, import.meta), and is always removed, also when it throws.
 */
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importModule } from '../../src/config/load-module.js';
import { git, harden, repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const nodeModules = join(import.meta.dirname, '..', '..', 'node_modules');

/** The temp files a given module name left in the OS temp directory. */
const leftovers = (name: string) =>
  readdirSync(tmpdir())
    .filter((entry) => entry.startsWith('harden-module-'))
    .filter((entry) => existsSync(join(tmpdir(), entry, `${name}.mjs`)));

describe('importing a TypeScript module', () => {
  it('resolves relative imports, packages and import.meta as beside the original, and writes nothing beside it', async () => {
    const root = tree({
      'tools/unique-config-a.ts': `import { readdirSync } from 'node:fs';
import { z } from 'zod';
import { helper } from './helper.mjs';
export { other } from '../lib/other.js';
const { lazy } = await import('./lazy.mjs');
export const seen = readdirSync(import.meta.dirname);
export const here = import.meta.url;
export default { helper, lazy, schema: typeof z.object };
`,
      'tools/helper.mjs': 'export const helper = 1;\n',
      'tools/lazy.mjs': 'export const lazy = 2;\n',
      'lib/other.js': 'export const other = 3;\n',
    });
    symlinkSync(nodeModules, join(root, 'node_modules'));
    const module = await importModule(join(root, 'tools', 'unique-config-a.ts'));
    expect(module.default).toEqual({ helper: 1, lazy: 2, schema: 'function' });
    expect(module.other).toBe(3);
    expect(module.here).toBe(`file://${join(root, 'tools', 'unique-config-a.ts')}`);
    expect(module.seen).toEqual(['helper.mjs', 'lazy.mjs', 'unique-config-a.ts']); // nothing of harden's beside it while it ran
    expect(readdirSync(join(root, 'tools'))).toEqual(['helper.mjs', 'lazy.mjs', 'unique-config-a.ts']);
    expect(leftovers('unique-config-a')).toEqual([]);
  });

  it('removes the temp module when the module throws', async () => {
    const root = tree({ 'unique-config-b.ts': "throw new Error('config exploded');\n" });
    await expect(importModule(join(root, 'unique-config-b.ts'))).rejects.toThrow('config exploded');
    expect(readdirSync(root)).toEqual(['unique-config-b.ts']);
    expect(leftovers('unique-config-b')).toEqual([]);
  });
});

describe('harden.config.ts through the CLI', () => {
  it('--dry-run writes nothing into the repository', () => {
    const root = repo({
      'harden.config.ts': `import { readdirSync } from 'node:fs';
if (readdirSync(import.meta.dirname).some((name) => name.endsWith('.mjs'))) throw new Error('a temp module beside the config');
export default { transforms: ['dedupe-imports'] };
`,
      'a.ts': "import { a } from 'm';\nimport { b } from 'm';\n",
    });
    const result = harden(['apply', '--dry-run'], root);
    expect(result.stderr).not.toContain('temp module');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('diff --git a/a.ts b/a.ts');
    expect(git(['status', '--porcelain', '--untracked-files=all'], root)).toBe('');
  });
});
