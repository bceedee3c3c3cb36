import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import recast from 'recast';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/engine/parse.js';
import { sameTree, withRecastParse } from '../../src/engine/tree-copy.js';
import { harden } from '../../src/package-root.js';

const parser = createRequire(import.meta.url)('recast/lib/parser.js') as { parse: unknown };

/** The shapes recast's parse treats specially: exports, decorators, loops, templates, comments, tabs, numbers. */
const SHAPES = `#!/usr/bin/env node
// heading
import { a } from './a';
export const x = 0x1f + 1_000 + .5;
export default class K { @dec() m() { return /re\\/x/g.test(\`\${a}\`); } }
@sealed export class L {}
for (let i = 0; i < 3; i++) { /* inner */ label: for (const k in o) continue label; }
\tconst t = \`multi
line \${x} text\`;
const o = { a, get b() { return 1; }, [k]: 2n, 'q': null };
export { t as u };
export * from './b';
`;

function sources(): Array<[string, string]> {
  const apps = harden('fixtures', 'apps');
  const files = ['medianest/src/services/integration.service.ts', 'unified/src/services/websocket-server.ts', 'vfxb/src/services/localStorageService.js'];
  return [['shapes.ts', SHAPES], ['shapes.js', SHAPES.replace('export default class K { @dec() m()', 'export default class K { m()').replace('@sealed export class L {}', '')], ...files.map((file): [string, string] => [file, readFileSync(join(apps, file), 'utf8')])];
}

describe('recast parse (recast/lib/parser.js, faster)', () => {
  it('is the one recast.parse calls', () => {
    const ours = parser.parse;
    expect(withRecastParse(() => parser.parse)).not.toBe(ours);
    expect(parser.parse).toBe(ours);
  });

  it('builds the tree recast builds: every property, location, token range and original', () => {
    for (const [path, source] of sources()) {
      const ours = parseSource(source, path).ast;
      const theirs = withRecastParse(() => parseSource(source, path).ast);
      expect(sameTree(ours, theirs), path).toBe(true);
    }
  });

  it('tells trees apart (the check can fail)', () => {
    const [path, source] = sources()[0]!;
    const theirs = withRecastParse(() => parseSource(source, path).ast);
    const moved = parseSource(source, path).ast;
    moved.program.body[1].loc.start.token += 1;
    expect(sameTree(moved, theirs)).toBe(false);
    const renamed = parseSource(source, path).ast;
    renamed.program.body[1].original.declaration.declarations[0].id.name = 'y';
    expect(sameTree(renamed, theirs)).toBe(false);
    const valued = parseSource(source, path).ast;
    valued.loc.tokens[5].value = '?';
    expect(sameTree(valued, theirs)).toBe(false);
  });

  it('prints an untouched tree as recast\'s own parse does', () => {
    for (const [path, source] of sources()) {
      expect(recast.print(parseSource(source, path).ast).code).toBe(recast.print(withRecastParse(() => parseSource(source, path).ast)).code);
    }
  });
});
