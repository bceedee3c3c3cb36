/**
 * End to end, on the built CLI in temporary git repositories: `apply --verify --dry-run` prints a
 * patch without the dropped change set (and git accepts it), the summary lists what was dropped
 * and why; a configuration that checks nothing is exit 2 with no patch; JavaScript without a
 * config says syntax only; write mode writes only what verified.
 */
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, harden, repo } from '../support/cli.js';
import { nodeModules, strictConfig } from './support.js';

/** The team's transform (loaded through the config, as users add theirs): x.getName() -> x.fullName(). */
const renameTransform = `import { z } from 'zod';
const method = 'get' + 'Name';
export default {
  id: 'team-rename-name',
  title: 'Rename the name getter',
  description: 'x.getName() becomes x.fullName().',
  skipReasons: {},
  needs: [method + '('],
  scope: 'file',
  options: z.object({}),
  apply({ j, root, sites }) {
    root.find(j.CallExpression, { callee: { property: { name: method } } }).forEach((path) => {
      if (sites.changed(path.node, 'renamed')) path.node.callee.property = j.identifier('fullName');
    });
  },
};
`;

function app(files: Record<string, string>): string {
  const root = repo({
    'package.json': '{ "name": "app", "version": "1.0.0", "type": "module" }\n',
    '.gitignore': 'node_modules\n',
    'harden.config.json': `${JSON.stringify({ transforms: ['team-rename-name'], customTransforms: ['./tools/rename.mjs'], ignore: ['tools/'] })}\n`,
    'tools/rename.mjs': renameTransform,
    ...files,
  });
  symlinkSync(nodeModules, join(root, 'node_modules'));
  return root;
}

const sources = {
  'src/person.ts': 'export class Person {\n  getName(): string { return "a"; }\n  fullName(): string { return "a b"; }\n}\n',
  'src/use-person.ts': "import { Person } from './person.js';\nexport const n = new Person().getName();\n",
  'src/use-pet.ts': 'export interface Pet { getName(): string }\nexport const name = (p: Pet) => p.getName();\n',
};

describe('harden apply --verify', () => {
  it('--dry-run prints a patch without the dropped change set and lists it in the summary', () => {
    const root = app({ 'tsconfig.json': strictConfig(), ...sources });
    const plain = harden(['apply', '--dry-run'], root);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('src/use-pet.ts');

    const result = harden(['apply', '--verify', '--dry-run'], root);
    expect(result.stderr).toContain("verify: type-checked with the project's TypeScript");
    expect(result.stderr).toContain('verify: 1 change set dropped (new type errors)');
    expect(result.stderr).toContain('dropped src/use-pet.ts (team-rename-name: 1 site)');
    expect(result.stderr).toContain("src/use-pet.ts:2:35 TS2339 Property 'fullName' does not exist on type 'Pet'.");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('+++ b/src/use-person.ts');
    expect(result.stdout).not.toContain('use-pet');
    git(['apply', '--check', '-'], root, result.stdout);
    // the dropped change stays visible: a skipped site in the counts and in every report
    expect(result.stderr).toMatch(/team-rename-name: 1 file would change, 1 site changed, 1 skipped\n {2}skipped 1× adds-type-errors/);
    const json = JSON.parse(harden(['apply', '--verify', '--dry-run', '--format', 'json'], root).stdout) as { sites: Array<Record<string, unknown>> };
    expect(json.sites.find((site) => site.file === 'src/use-pet.ts')).toMatchObject({
      kind: 'skipped',
      reason: 'adds-type-errors',
      detail: "src/use-pet.ts:2:35 TS2339 Property 'fullName' does not exist on type 'Pet'.",
    });
  });

  it('--check exits 1 for what remains; write mode writes only the verified change', () => {
    const root = app({ 'tsconfig.json': strictConfig(), ...sources });
    expect(harden(['apply', '--verify', '--check'], root).status).toBe(1);
    const written = harden(['apply', '--verify'], root);
    expect(written.status).toBe(0);
    expect(readFileSync(join(root, 'src/use-person.ts'), 'utf8')).toContain('.fullName()');
    expect(readFileSync(join(root, 'src/use-pet.ts'), 'utf8')).toBe(sources['src/use-pet.ts']);
    expect(git(['status', '--porcelain'], root).trim()).toBe('M src/use-person.ts');
  });

  it('a solution config whose projects hold no file is exit 2 and prints no patch', () => {
    const root = app({
      'tsconfig.json': '{ "files": [], "references": [{ "path": "./lib" }] }\n',
      'lib/tsconfig.json': '{ "compilerOptions": { "composite": true }, "include": ["nothing-here"] }\n',
      ...sources,
    });
    const result = harden(['apply', '--verify', '--dry-run'], root);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('verification unavailable: no program has any root file');
    expect(result.stderr).toContain('nothing was written');
  });

  it('JavaScript with no config: syntax only, said in the summary', () => {
    const root = app({ 'src/use-pet.js': 'export const name = (p) => p.getName();\n' });
    const result = harden(['apply', '--verify', '--dry-run'], root);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('verify: no tsconfig.json or jsconfig.json: syntax only (every changed file re-parses)');
    expect(result.stdout).toContain('+++ b/src/use-pet.js');
  });
});
