import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jscodeshift from 'jscodeshift';
import { describe, expect, it } from 'vitest';
import { discardTree, indexRoot, stopIndexing } from '../../src/engine/node-index.js';
import { parseForAnalysis, parseSource } from '../../src/engine/parse.js';
import { harden } from '../../src/package-root.js';

/** ast-types' own `find` (what jscodeshift does without harden's engine): one visitor traversal. */
function astTypesFind(j: any, start: any, type: any, filter?: any): any[] {
  const found: any[] = [];
  const name = `visit${String(type)}`;
  j.types.visit(start, {
    [name](this: any, path: any) {
      if (path !== start && (!filter || matchesShape(path.value, filter))) found.push(path);
      this.traverse(path);
    },
  });
  return found;
}

function matchesShape(node: any, shape: any): boolean {
  if (typeof shape === 'function') return shape(node);
  if (shape && typeof shape === 'object') return Object.keys(shape).every((key) => node && key in node && matchesShape(node[key], shape[key]));
  return node === shape;
}

const SOURCE = `
const a = [, b, , c];
function f(x, { y = 1 } = {}) {
  return async () => { try { await g(x) } catch { h(y) } };
}
class K extends Base { #p = 1; static s() { return this.#p; } get q() { return \`\${a}\${f}\`; } }
export default { a, f: (z) => z?.w ?? /re/g };
label: for (const i of a) { if (i) continue label; else break; }
`;

describe('node index (one walk per file)', () => {
  const j = jscodeshift.withParser('babylon');
  const types = ['CallExpression', 'Identifier', 'Function', 'Expression', 'Statement', 'Node', 'Pattern', 'MemberExpression', 'ArrayExpression'];

  it('answers every find exactly as ast-types does: same paths, same order, on the root and below it', () => {
    const files = [
      SOURCE,
      readFileSync(harden('src', 'engine', 'run-file.ts'), 'utf8'),
      readFileSync(join(harden('fixtures', 'apps', 'edgeai'), 'src', 'services', 'video.service.ts'), 'utf8'),
      // denser than the room the index makes at once (one entry per 4 characters): its lists grow
      `${'a;'.repeat(3000)}f(b);\n`,
    ];
    for (const text of files) {
      const ast = parseForAnalysis(text, 'x.ts', { flow: false }).ast as any;
      const indexed = j(ast);
      indexRoot(indexed);
      const plain = j(ast);
      for (const type of types) {
        const t = (j as any)[type];
        const expected = astTypesFind(j, indexed.paths()[0], t).map((p) => p.value);
        expect(indexed.find(t).nodes()).toEqual(expected);
        expect(plain.find(t).nodes()).toEqual(expected);
        // the same NodePath objects as ast-types' cache gives
        expect(indexed.find(t).paths()).toEqual(astTypesFind(j, indexed.paths()[0], t));
      }
      expect(indexed.find(j.Identifier, { name: 'a' }).nodes()).toEqual(astTypesFind(j, indexed.paths()[0], j.Identifier, { name: 'a' }).map((p) => p.value));
      // from inner paths: functions' identifiers
      const inner = indexed.find(j.Function);
      const expectedInner = inner.paths().flatMap((p: any) => astTypesFind(j, p, j.Identifier));
      expect(inner.find(j.Identifier).paths()).toEqual(expectedInner);
      expect(j(inner.paths() as any).find(j.Identifier).paths()).toEqual(expectedInner);
    }
  });

  it('answers from paths that hold no node (an empty list, a literal\'s extra, a template\'s value) and from lists, as ast-types does', () => {
    const ast = parseForAnalysis('function f() { return g(1, `t${x}`, [], {}); }\nf();\n', 'x.js', { flow: false }).ast as any;
    const root = j(ast);
    indexRoot(root);
    root.find(j.Node); // the index is built
    const fn = root.find(j.FunctionDeclaration).paths()[0]!;
    const call = root.find(j.CallExpression).paths()[0]!;
    const starts = [
      fn.get('params'), // []
      call.get('arguments', 0, 'extra'), // { rawValue: 1, raw: '1' }
      call.get('arguments', 1, 'quasis', 0, 'value'), // { raw: 't', cooked: 't' }
      call.get('arguments', 2, 'elements'), // []
      call.get('arguments'), // a list of nodes
      fn.get('body', 'body'),
    ];
    for (const start of starts) {
      for (const type of [j.Node, j.Identifier, j.Literal, j.TemplateElement]) {
        expect(j(start).find(type).paths()).toEqual(astTypesFind(j, start, type));
      }
    }
    expect(j(call.get('arguments')).find(j.Identifier).nodes().map((n: any) => n.name)).toEqual(['x']);

    // a node below a plain object (a literal's extra, which ast-types walks) is found as ast-types finds it
    const other = parseForAnalysis('f(1);\n', 'x.js', { flow: false }).ast as any;
    other.program.body[0].expression.arguments[0].extra = { raw: '1', hidden: { type: 'Identifier', name: 'q' } };
    const otherRoot = j(other);
    indexRoot(otherRoot);
    otherRoot.find(j.Node);
    expect(otherRoot.find(j.Identifier).nodes().map((n: any) => n.name)).toEqual(['f', 'q']);
    expect(otherRoot.find(j.Identifier).paths()).toEqual(astTypesFind(j, otherRoot.paths()[0], j.Identifier));
  });

  it("answers questions about comments (which ast-types also finds in nodes' hidden comments) as ast-types does", () => {
    const ast = parseSource('// head\nf(1); /* after */\nfunction g() {\n  // inside\n  return 1;\n}\n', 'x.js', { flow: false }).ast as any;
    const root = j(ast);
    indexRoot(root);
    root.find(j.Node); // the index is built
    for (const type of [j.Comment, j.Printable, j.Line, j.Block, j.CommentLine] as any[]) {
      expect(root.find(type).paths()).toEqual(astTypesFind(j, root.paths()[0], type));
    }
    expect(root.find(j.Comment as any).size()).toBeGreaterThan(0);
  });

  // HARDEN_CHECK_INDEX=1 turns a stale answer into an error, which this test provokes on purpose
  it.skipIf(process.env.HARDEN_CHECK_INDEX === '1')('is used until the tree changes: a plain edit is not seen until the engine stops the index; a NodePath edit stops it', () => {
    const ast = parseForAnalysis('f(1);\n', 'x.js', { flow: false }).ast as any;
    const root = j(ast);
    indexRoot(root);
    expect(root.find(j.CallExpression).size()).toBe(1);
    expect(root.find(j.CallExpression).size()).toBe(1); // the index is built at the second question
    // a direct edit (the engine stops the index before a transform makes one: SiteRecorder.onChange)
    ast.program.body.push(j.expressionStatement(j.callExpression(j.identifier('g'), [])));
    expect(root.find(j.CallExpression).size()).toBe(1);
    // marked again for the next transform while nothing stopped it: the same index (no new walk)
    indexRoot(root);
    expect(root.find(j.CallExpression).size()).toBe(1);
    stopIndexing(root);
    expect(root.find(j.CallExpression).size()).toBe(2);
    // marked after a change: a fresh index of the tree as it is now
    indexRoot(root);
    expect(root.find(j.CallExpression).size()).toBe(2);
    expect(root.find(j.CallExpression).size()).toBe(2);

    const other = parseForAnalysis('f(1);\n', 'y.js', { flow: false }).ast as any;
    const second = j(other);
    indexRoot(second);
    expect(second.find(j.CallExpression).size()).toBe(1);
    second.find(j.ExpressionStatement).insertAfter(j.expressionStatement(j.callExpression(j.identifier('g'), [])));
    expect(second.find(j.CallExpression).size()).toBe(2);
  });

  it('lets a discarded tree go: every list its index found is emptied, however deep, also after an edit stopped the index', () => {
    const lists = (ast: any) => {
      const found: any[] = [];
      const walk = (value: any) => {
        if (Array.isArray(value)) found.push(value);
        if (value && typeof value === 'object') for (const key of Object.keys(value)) if (key !== 'loc') walk(value[key]);
      };
      walk(ast);
      return found.filter((list) => list.length > 0);
    };
    const ast = parseForAnalysis(SOURCE, 'x.ts', { flow: false }).ast as any;
    const root = j(ast);
    indexRoot(root);
    root.find(j.CallExpression);
    const nested = root.find(j.CatchClause).nodes()[0]!.body.body;
    expect(nested.length).toBe(1);
    stopIndexing(root); // a transform's first change
    const check = process.env.HARDEN_CHECK_DISCARD;
    delete process.env.HARDEN_CHECK_DISCARD; // this test reads the tree after it is let go
    try {
      discardTree(root);
    } finally {
      if (check !== undefined) process.env.HARDEN_CHECK_DISCARD = check;
    }
    expect(nested).toEqual([]);
    expect(lists(ast)).toEqual([]);
    // a tree no question was asked of: its statements, and recast's original tree and tokens
    const parsed = parseSource(SOURCE, 'x.ts', { flow: false });
    const file = parsed.ast as any;
    delete process.env.HARDEN_CHECK_DISCARD;
    try {
      discardTree(j(file));
    } finally {
      if (check !== undefined) process.env.HARDEN_CHECK_DISCARD = check;
    }
    expect(file.program.body).toEqual([]);
    expect(file.original.program.body).toEqual([]);
    expect(file.loc.tokens ?? []).toEqual([]);
  });

  it('fills missing fields with their defaults as ast-types does (recast prints from them)', () => {
    const text = 'a.b(c);\n';
    const viaIndex = parseSource(text, 'x.js', { flow: false }).ast as any;
    const viaAstTypes = parseSource(text, 'x.js', { flow: false }).ast as any;
    const root = j(viaIndex);
    indexRoot(root);
    root.find(j.Node);
    astTypesFind(j, j(viaAstTypes).paths()[0], j.Node);
    const keys = (ast: any) => Object.keys(ast.program.body[0].expression.callee).sort();
    expect(keys(viaIndex)).toEqual(keys(viaAstTypes));
  });
});
