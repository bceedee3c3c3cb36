import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import recast from 'recast';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/engine/parse.js';
import { withRecastSearch } from '../../src/engine/reprints.js';
import { harden } from '../../src/package-root.js';

const b = recast.types.builders;
const patcher = createRequire(import.meta.url)('recast/lib/patcher.js') as { getReprinter: unknown };

/** Code with the shapes recast's search treats specially: parentheses, returns (ASI), comments, TS. */
const SHAPES = `// leading comment
import { a, b as c } from './m';
const x = (a, b) => ({ a, b });
const y = (1, 2) + (x ? a : b) * -(-c) - a * b + c;
function f(p = 1, { q } = {}, ...rest) {
  /* inner */
  if (p) return p
    ? q // trailing
    : rest;
  return (async () => await g(p))().then((v) => v.w);
}
class K<T> extends Base<T> implements I { private m: T = null!; static s(): number { return this.t as number; } }
export default { x, y, f, re: /a(b)/g, t: \`\${x}-\${y}\` };
let z = (a as any).b ?? (c satisfies unknown);
for (const [i, v] of Object.entries(x)) { label: while (v) { break label; } }
type U = (a: string) => void | ((b: number) => string);
new (getClass())();
let w;
w = function () { return 1; }.call(this);
w = { a: 1 }.a;
(function iife() {})();
`;

function sources(): Array<[string, string]> {
  const apps = harden('fixtures', 'apps');
  const files = [
    'medianest/src/services/integration.service.ts',
    'unified/src/services/websocket-server.ts',
    'vfxb/src/services/localStorageService.js',
  ];
  return [['shapes.ts', SHAPES], ...files.map((file): [string, string] => [file, readFileSync(join(apps, file), 'utf8')])];
}

/** Every path of `type` in the tree, in document order. */
function pathsOf(ast: any, type: string): any[] {
  const found: any[] = [];
  recast.types.visit(ast, {
    [`visit${type}`](path: any) {
      found.push(path);
      this.traverse(path);
    },
  } as any);
  return found;
}

/** Edits of the kinds transforms make, each applied at one chosen site of a fresh parse. */
const EDITS: Record<string, { type: string; edit(path: any): void }> = {
  'rename an identifier': { type: 'Identifier', edit: (path) => (path.node.name = `${path.node.name}Renamed`) },
  'replace an identifier': { type: 'Identifier', edit: (path) => path.replace(b.identifier('replaced')) },
  'await a call': { type: 'CallExpression', edit: (path) => path.replace(b.awaitExpression(path.node)) },
  'make a callee a sequence': { type: 'CallExpression', edit: (path) => (path.node.callee = b.sequenceExpression([b.numericLiteral(0), path.node.callee])) },
  'push an argument': { type: 'CallExpression', edit: (path) => path.node.arguments.push(b.objectExpression([])) },
  'replace an expression with a conditional': {
    type: 'MemberExpression',
    edit: (path) => path.replace(b.conditionalExpression(b.identifier('t'), path.node, b.nullLiteral())),
  },
  'change an operator': { type: 'BinaryExpression', edit: (path) => (path.node.operator = path.node.operator === '*' ? '-' : '*') },
  'rename inside a return': {
    type: 'ReturnStatement',
    edit: (path) => {
      const inside = path.node.argument && pathsOf(path.node.argument, 'Identifier')[0];
      if (inside) inside.node.name = `${inside.node.name}Renamed`;
    },
  },
  // a function expression moved to the start of a statement needs parentheses its source did not have
  'unwrap an assignment': {
    type: 'ExpressionStatement',
    edit: (path) => (path.node.expression.type === 'AssignmentExpression' ? (path.node.expression = path.node.expression.right) : undefined),
  },
  // a comment before a return's argument: the whole return is reprinted (ASI)
  'comment the start of a return': {
    type: 'ReturnStatement',
    edit: (path) => {
      const first = path.node.argument && pathsOf(path.node.argument, 'Identifier')[0];
      if (first) first.node.comments = [b.commentLine(' added', true, false)];
    },
  },
  'change a string': { type: 'StringLiteral', edit: (path) => (path.node.value = `${path.node.value}!`) },
  'remove a statement': { type: 'Statement', edit: (path) => (Array.isArray(path.parentPath?.value) ? path.prune() : undefined) },
  'insert a statement': {
    type: 'Statement',
    edit: (path) => (Array.isArray(path.parentPath?.value) ? path.insertBefore(b.expressionStatement(b.callExpression(b.identifier('log'), []))) : undefined),
  },
  'comment a statement': {
    type: 'Statement',
    edit: (path) => ((path.node as any).comments = [...((path.node as any).comments ?? []), b.commentLine(' added', true, false)]),
  },
  'reprint a node as new': { type: 'Expression', edit: (path) => path.replace({ ...path.node, original: undefined }) },
};

function prints(ast: any): { ours: string; recast: string } {
  const options = { quote: 'single', wrapColumn: 100 } as const;
  return { ours: recast.print(ast, options).code, recast: withRecastSearch(() => recast.print(ast, options).code) };
}

describe('reprint search (recast/lib/patcher.js findReprints, faster)', () => {
  it('is the one recast prints with', () => {
    const ours = patcher.getReprinter;
    const theirs = withRecastSearch(() => patcher.getReprinter);
    expect(ours).not.toBe(theirs);
    expect(patcher.getReprinter).toBe(ours);
  });

  it('prints what recast prints for every kind of edit, at many sites of real files', () => {
    let compared = 0;
    let differentFromSource = 0;
    for (const [path, source] of sources()) {
      for (const [name, { type, edit }] of Object.entries(EDITS)) {
        const count = pathsOf(parseSource(source, path).ast, type).length;
        // up to 5 sites spread over the file
        const step = Math.max(1, Math.ceil(count / 5));
        for (let at = 0; at < count; at += step) {
          const { ast } = parseSource(source, path);
          const site = pathsOf(ast, type)[at];
          try {
            edit(site);
          } catch {
            continue; // an edit the site cannot take (e.g. pruning the only statement of an arrow body)
          }
          const { ours, recast: expected } = prints(ast);
          expect(ours, `${path}: ${name} at ${type} #${at}`).toBe(expected);
          compared += 1;
          if (ours !== source) differentFromSource += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(150);
    expect(differentFromSource).toBeGreaterThan(compared / 2);
  });

  it('prints an untouched tree as its source, as recast does', () => {
    for (const [path, source] of sources()) {
      const { ours, recast: expected } = prints(parseSource(source, path).ast);
      expect(ours).toBe(expected);
      expect(ours).toBe(source);
    }
  });
});
