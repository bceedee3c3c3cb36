import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@babel/parser';
import { describe, expect, it } from 'vitest';
import { loadsByBlock, loadsSomeModuleTwiceInOneBlock } from '../../transforms/dedupe-imports/blocks.js';

/** The same answer from Babel's own tokens: braces matched, specifiers after `require(`, `import(`, `import`, `from`. */
function fromBabelTokens(text: string, typescript: boolean): Array<{ specifier: string; block: number }> {
  const { tokens: all } = parse(text, {
    tokens: true,
    errorRecovery: true,
    sourceType: 'unambiguous',
    allowReturnOutsideFunction: true,
    plugins: typescript ? ['typescript', 'decorators-legacy'] : ['jsx', 'decorators-legacy'],
  }) as unknown as { tokens: Array<{ type: { label?: string } | string; value?: string }> };
  const tokens = all.filter((token) => token.type !== 'CommentLine' && token.type !== 'CommentBlock');
  const label = (k: number) => {
    const token = tokens[k];
    if (!token) return undefined;
    const kind = typeof token.type === 'string' ? token.type : token.type.label;
    return kind === 'name' ? token.value : kind;
  };
  const open: number[] = [];
  let next = 1;
  const loads: Array<{ specifier: string; block: number }> = [];
  for (let k = 0; k < tokens.length; k += 1) {
    const kind = label(k);
    if (kind === '{' || kind === '${') open.push(next++);
    else if (kind === '}') open.pop();
    else if (kind === 'string') {
      const last = label(k - 1);
      if (last === 'from' || last === 'import' || (last === '(' && (label(k - 2) === 'require' || label(k - 2) === 'import'))) {
        loads.push({ specifier: String(tokens[k]!.value), block: open.at(-1) ?? 0 });
      }
    }
  }
  return loads;
}

describe('loads by block, read from the text', () => {
  it('tells a module loaded twice in one block from one loaded once in each of two blocks', () => {
    const twice = "const a = require('a');\nconst b = 1;\nconst a2 = require('a');\n";
    expect(loadsSomeModuleTwiceInOneBlock(twice)).toBe(true);
    const perTest = "describe('x', () => {\n  it('a', () => {\n    const a = require('a');\n  });\n  it('b', () => {\n    const a = require('a');\n  });\n});\n";
    expect(loadsSomeModuleTwiceInOneBlock(perTest)).toBe(false);
    // imports are top level; a require in a function is not beside them
    expect(loadsSomeModuleTwiceInOneBlock("import a from 'a';\nimport { b } from 'a';\n")).toBe(true);
    expect(loadsSomeModuleTwiceInOneBlock("import a from 'a';\nfunction f() {\n  const b = require('a');\n}\n")).toBe(false);
  });

  it('skips comments, strings, templates and regular expressions, braces in them included', () => {
    const text = [
      "const a = require('a'); // require('a') {",
      "/* { require('a') */",
      "const s = '{'; const t = `x${ { y: '}' } }{`;",
      "const r = /[/{]}/g; const q = x / 2 / 3;",
      "function f() { return /}/.test(s); }",
      "const b = require('a');",
    ].join('\n');
    expect(loadsByBlock(text)).toEqual([
      { specifier: 'a', block: 0 },
      { specifier: 'a', block: 0 },
    ]);
    expect(loadsSomeModuleTwiceInOneBlock(text)).toBe(true);
  });

  it('does not answer where the text alone cannot say', () => {
    // a `/` after `)` or `}` may start a regular expression or divide
    expect(loadsByBlock("if (a) /}/.test(b);\nconst x = require('x');\n")).toBeUndefined();
    expect(loadsByBlock("const h = (a + b) / 2;\n")).toBeUndefined();
    expect(loadsByBlock("x++ / 2; require('a'); y / 3;\n")).toBeUndefined();
    expect(loadsByBlock("let of = 1; of / 2;\n")).toBeUndefined();
    // TypeScript's non-null assertion: `a! / 2 … x / 3` divides twice (read as a regular expression it would hide the second require)
    expect(loadsByBlock("const z1 = require('z');\nconst r = a! / 2; const z2 = require('z'); const q = x / 3;\n")).toBeUndefined();
    expect(loadsByBlock("const r = f()! / 2; const z2 = require('z'); const q = x / 3;\n")).toBeUndefined();
    // a `>` may close TypeScript type arguments, after which `/` divides
    expect(loadsByBlock("const z1 = require('z');\nconst y = x as Array<T> / 2; const z2 = require('z'); const q = x / 3;\n")).toBeUndefined();
    expect(loadsByBlock("const ok = !/x/.test(s);\nconst z = require('z');\n")).toEqual([{ specifier: 'z', block: 0 }]);
    // JSX, HTML-like comments, code outside ASCII, strings left open, escaped or parenthesised specifiers
    expect(loadsByBlock("const a = require('a');\nconst e = <p>Don't {x}</p>;\n")).toBeUndefined();
    expect(loadsByBlock("<!-- old\nconst a = require('a');\n")).toBeUndefined();
    expect(loadsByBlock("const café = require('a');\n")).toBeUndefined();
    expect(loadsByBlock("const a = re\\u0071uire('a');\n")).toBeUndefined();
    expect(loadsByBlock("const s = 'open\nconst a = require('a');\n")).toBeUndefined();
    expect(loadsByBlock("const s = 'open\nstill' + require('a');\n")).toBeUndefined();
    expect(loadsByBlock("const a = require('\\x61');\n")).toBeUndefined();
    expect(loadsByBlock("const a = require(('a'));\n")).toBeUndefined();
    expect(loadsByBlock('function f() {\n')).toBeUndefined();
    expect(loadsByBlock('}\n')).toBeUndefined();
    // a line terminator outside ASCII ends a comment: the code after it is not read as one
    expect(loadsByBlock("// note\u2028{ const a = require('a');\nconst b = require('a'); }\n")).toBeUndefined();
  });

  it('reads a file with HTML in its strings, and stops at a `<` where JSX or a type assertion may start', () => {
    // HTML in strings (test fixtures, templates) is no element
    const html = "const a = require('a');\nit('x', () => { const b = require('a'); s = '<p>Don\\'t</p><br/>'; });\n";
    expect(loadsByBlock(html)).toEqual([
      { specifier: 'a', block: 0 },
      { specifier: 'a', block: 1 },
    ]);
    // after a value a `<` compares (or opens type arguments), as do `<<`, `<=`, `<<=`
    const compares = "const a = require('a');\nif (f(x) < 3 && y << 2 <= z) { w <<= 1; }\nconst m: Map<string, Array<number>> = new Map<string, number[]>();\n";
    expect(loadsByBlock(compares)).toEqual([{ specifier: 'a', block: 0 }]);
    // where an operand may stand: JSX (whose text `Don't` would open a string) or a type assertion
    // a statement may end at a line break (a review's cases: each hid a load behind JSX text read as a template)
    expect(loadsByBlock("import a from 'a'\nimport 'b'\n<p>`</p>;\nimport c from 'a'\n<p>`</p> // x\n")).toBeUndefined();
    expect(loadsByBlock("const a = require('a')\nlet el\n<p>`</p>;\nconst a2 = require('a');\n<p>`</p> // x\n")).toBeUndefined();
    expect(loadsByBlock("for (;;) {\n  const a = require('a')\n  break\n  <p>`</p>;\n  const b = require('a');\n  <p>`</p> // x\n}\n")).toBeUndefined();
    expect(loadsByBlock("const a = require('a')\ntype P = Props\n<p>`</p>;\nconst a2 = require('a');\n<p>`</p> // x\n")).toBeUndefined();
    for (const element of ['x = <p>Don\'t</p>;', 'f(<p>Don\'t</p>);', 'return <p/>;', 'cond ? <a/> : <b/>;', 'if (x) <p>Don\'t</p>;', 'while (x) <p/>;', 'for await (const x of y) <p/>;', '} <p/>;', 'y = <T>x;', 'const g = <T,>(a: T) => a;']) {
      expect(loadsByBlock(`const a = require('a');\n${element}\nconst b = require('a');\n`), element).toBeUndefined();
    }
  });

  it('does not answer for the unusual code a review found it misread (each hid a second load)', () => {
    // a `/` after a line break may start a statement (`let x` then a regular expression)
    expect(loadsByBlock("require('x')\nlet x\n/'/.test(s); require('x') // '\n")).toBeUndefined();
    expect(loadsByBlock("require('x')\nlet x /* a\n */ /'/.test(s); require('x') // '\n")).toBeUndefined();
    // a spread is not a member's dot: `...void` is the operator
    expect(loadsByBlock("require('x'); f(...void /'/); require('x') // '\n")).toEqual([
      { specifier: 'x', block: 0 },
      { specifier: 'x', block: 0 },
    ]);
    // a private name is a name: `this.#in / 1` divides
    expect(loadsByBlock("class A { #in = 1; m() { require('x'); this.#in / 1; require('x'); 1 / 2 } }\n")).toEqual([
      { specifier: 'x', block: 2 },
      { specifier: 'x', block: 2 },
    ]);
    // a number followed by a member (`0x1.require`)
    expect(loadsByBlock("require('x'); 0x1.require('x')\n")).toBeUndefined();
    expect(loadsByBlock("require('x'); 1..require('x')\n")).toBeUndefined();
    // `-->` where a line may start with it, and JSX with a space in `< /a>`
    expect(loadsByBlock("require('x')\n/* c */ --> /*\nrequire('x')\n/* */\n")).toBeUndefined();
    expect(loadsByBlock("require('x'); const e = <a>'< /a>; require('x'); const f = <b>'< /b>, g = 1 / 2;\n")).toBeUndefined();
  });

  it('reads a keyword used as a property as a name (`a.return / 2` divides), a number with its dot, and `=>`', () => {
    expect(loadsByBlock("const z1 = require('z');\nconst h = 1./2; const z2 = require('z'); const q = x / 3;\n")).toEqual([
      { specifier: 'z', block: 0 },
      { specifier: 'z', block: 0 },
    ]);
    expect(loadsByBlock("const t = (s) => /}/.test(s);\nconst z = require('z');\n")).toEqual([{ specifier: 'z', block: 0 }]);
    // after `export default` a `/` starts a regular expression (read as a division, its quote would hide the require)
    expect(loadsByBlock("export default /'/; const z = require('z'); const s = 'x';\n")).toEqual([{ specifier: 'z', block: 0 }]);
    expect(loadsByBlock("const h = a.return / 2 / { }.x;\nconst b = require('b');\n")).toEqual([{ specifier: 'b', block: 0 }]);
    expect(loadsByBlock("function f() { return /}/; }\nconst b = require('b');\n")).toEqual([{ specifier: 'b', block: 0 }]);
    // (a comment or a line break between the dot and the name changes nothing)
    expect(loadsByBlock("const z1 = require('z');\nconst h = a./* why */return / 2; const z2 = require('z'); const q = x / 3;\n")).toEqual([
      { specifier: 'z', block: 0 },
      { specifier: 'z', block: 0 },
    ]);
  });

  /**
   * Every answer it gives is Babel's: over the sources, tests and fixtures of this repository
   * (CommonJS, ESM, TypeScript, templates, regular expressions), the loads and their blocks are
   * those Babel's tokens give.
   */
  it("gives Babel's blocks wherever it answers", () => {
    const root = join(import.meta.dirname, '..', '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.[cm]?[jt]s$/.test(entry)) files.push(path);
      }
    };
    for (const dir of ['src', 'transforms', 'test', 'fixtures', 'bench']) walk(join(root, dir));
    let answered = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const loads = loadsByBlock(text);
      if (!loads) continue;
      let expected;
      try {
        expected = fromBabelTokens(text, /\.[cm]?ts$/.test(path));
      } catch {
        continue; // a fixture that does not parse on purpose
      }
      expect(loads, path).toEqual(expected);
      answered += 1;
    }
    expect(answered).toBeGreaterThan(200);
  });
});
