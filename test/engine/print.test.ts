import { describe, expect, it } from 'vitest';
import { parse as babelParse } from '@babel/parser';
import jscodeshift from 'jscodeshift';
import recast from 'recast';
import { detectTextStyle, parseForAnalysis, parseSource } from '../../src/engine/parse.js';
import { joinInsertedImports, parsedPrologueEnd, printAst, scanPrologue, separateAppendedStatement } from '../../src/engine/print.js';

describe('joinInsertedImports', () => {
  it("moves an inserted import up to the file's import group, keeping the blank line that ended it", () => {
    const source = "import a from 'a';\n// config\nimport * as c from './c';\n\n// server\nconst app = a();\n";
    const printed = "import a from 'a';\n// config\nimport * as c from './c';\n\nimport { x } from './lib/x';\n\n// server\nconst app = a();\n";
    expect(joinInsertedImports(source, printed)).toBe("import a from 'a';\n// config\nimport * as c from './c';\nimport { x } from './lib/x';\n\n// server\nconst app = a();\n");
  });

  it('keeps the two blank lines a file sets after its imports', () => {
    const source = 'import app from "./app";\n\n\n/** doc */\nrun(app);\n';
    const printed = 'import app from "./app";\n\n\nimport { x } from "./x";\nimport y from "./y";\n\n\n/** doc */\nrun(app);\n';
    expect(joinInsertedImports(source, printed)).toBe('import app from "./app";\nimport { x } from "./x";\nimport y from "./y";\n\n\n/** doc */\nrun(app);\n');
  });

  it('does the same for requires, with CRLF', () => {
    const source = "const a = require('a');\r\n\r\nrun(a);\r\n";
    const printed = "const a = require('a');\r\n\r\nconst { logger } = require('./lib/logger');\r\n\r\nrun(a);\r\n";
    expect(joinInsertedImports(source, printed)).toBe("const a = require('a');\r\nconst { logger } = require('./lib/logger');\r\n\r\nrun(a);\r\n");
  });

  it('leaves an import set apart from code (no import above it), edited lines and a blank line the file had twice', () => {
    const code = "run();\n\nconst { logger } = require('./lib/logger');\n\nlogger.info('x');\n";
    expect(joinInsertedImports("run();\n\nlogger.info('x');\n", code)).toBe(code);
    // the import line above was edited (merged): not the file's own line
    const merged = "import { a, b } from 'a';\n\nimport { x } from './x';\n\nrun(a, b, x);\n";
    expect(joinInsertedImports("import { a } from 'a';\nimport { b } from 'a';\n\nrun(a, b, x);\n", merged)).toBe(merged);
    const twice = "import a from 'a';\n\nimport { x } from './x';\n\nrun(a, x);\n";
    expect(joinInsertedImports("import a from 'a';\n\n\nrun(a, x);\n", twice)).toBe(twice);
  });
});

describe('separateAppendedStatement', () => {
  const source = "const m = require('m');\n\nexports.connect = () => {\n  m.connect();\n};\n";

  it('sets a statement appended after a multi-line statement apart with a blank line', () => {
    const printed = `${source}closeOnShutdown('m', () => m.disconnect());\n`;
    expect(separateAppendedStatement(source, printed)).toBe(`${source}\ncloseOnShutdown('m', () => m.disconnect());\n`);
  });

  it('keeps CRLF', () => {
    const crlf = source.replace(/\n/g, '\r\n');
    expect(separateAppendedStatement(crlf, `${crlf}run();\r\n`)).toBe(`${crlf}\r\nrun();\r\n`);
  });

  it('leaves an append after a one-line statement, a replaced last statement and an indented line alone', () => {
    const oneLine = 'const server = app.listen(3000);\n';
    expect(separateAppendedStatement(oneLine, `${oneLine}shutdownGracefully(server);\n`)).toBe(`${oneLine}shutdownGracefully(server);\n`);
    const replaced = 'if (a) {\n  b();\n}\nfoo(x);\n';
    const edited = 'if (a) {\n  b();\n}\nfoo(y);\n';
    expect(separateAppendedStatement(replaced, edited)).toBe(edited);
    const block = 'function f() {\n  a();\n}\n';
    expect(separateAppendedStatement(block, 'function f() {\n  a();\n}\n  b();\n')).toBe('function f() {\n  a();\n}\n  b();\n');
  });
});

describe("the source's tokens kept from recast's parse", () => {
  it('are the tokens of the source itself, and only when recast parsed exactly that text', async () => {
    const { parseSource } = await import('../../src/engine/parse.js');
    const { tokenize, tokensOf } = await import('../../src/engine/token-align.js');
    const cases: Array<[string, string, boolean]> = [
      ['a.js', "#!/usr/bin/env node\n'use strict';\nconst s = `x${1}y`; // c\nrun(s, 0x1f, /re/g);\n", true],
      ['b.ts', 'const n: number = 1;\n/* c */ export default n;\n', true],
      ['c.js', 'function f() {\n\treturn 1;\n}\n', false], // a tab: recast parsed the text with it expanded
      ['d.js', 'const a = 1;\r\nconst b = 2;\r\n', false], // CR LF: recast parsed it with \n
    ];
    for (const [path, source, kept] of cases) {
      const parsed = parseSource(source, path);
      expect(parsed.sourceTokens !== undefined, path).toBe(kept);
      if (parsed.sourceTokens) expect(tokensOf(source, parsed.sourceTokens), path).toEqual(tokenize(source, parsed.options));
    }
  });
});

describe('the end of the directive prologue', () => {
  const rawsOf = (text: string) =>
    (babelParse(text.replace(/^#!/, '//'), { sourceType: 'unambiguous', errorRecovery: true, plugins: ['typescript'] }) as any).program.directives.map(
      (directive: any) => directive.value.extra.raw,
    );
  const read = [
    "'use strict';\nconst a = 1;\n",
    '"use strict"\n\nconst a = 1;\n',
    "#!/usr/bin/env node\n'use strict';\n\nrun();\n",
    "// licence\n/* more */\n'use strict';\n'use client';;\n\nrun();\n",
    "'use strict' ;  run();\n",
    "'use strict'\n;\nrun();\n",
    "'use strict';\r\n\r\nrun();\r\n",
    "'use\\\n strict';\nrun();\n",
    "/** doc 'x' */\n'use strict';",
  ];
  it.each(read)('is read from the text where a parse finds it too: %j', (text) => {
    const scanned = scanPrologue(text, rawsOf(text));
    expect(scanned).toBeDefined();
    expect(scanned).toBe(parsedPrologueEnd(text));
  });

  it('is left to the parse when the text is written otherwise', () => {
    // a comment before the `;`, a literal the tree does not have (recast re-quoted it), a literal that goes on
    expect(scanPrologue("'use strict' /* x */;\nrun();\n", ["'use strict'"])).toBeUndefined();
    expect(scanPrologue('"use strict";\nrun();\n', ["'use strict'"])).toBeUndefined();
    expect(scanPrologue("'use strict'.length;\n", ["'use strict'"])).toBeUndefined();
    expect(parsedPrologueEnd("'use strict' /* x */;\nrun();\n")).toBe("'use strict' /* x */;\n".length);
  });
});

describe('printing an edited tree', () => {
  const j = jscodeshift.withParser('babylon');
  const print = (source: string, edit: (root: any, ast: any) => void) => {
    const parsed = parseSource(source, 'x.js', { flow: false });
    edit(j(parsed.ast), parsed.ast);
    return printAst(parsed, source, detectTextStyle(source)).text;
  };
  const rename = (from: string, to: string) => (root: any) =>
    root.find(j.Identifier, { name: from }).forEach((path: any) => {
      path.node.name = to;
    });

  // the engine's check that the output parses takes these errors instead of parsing the text again
  it("hands back Babel's recovered errors of the text it returns, when its own work parsed exactly that text", () => {
    for (const source of ['let a = 1;\nlet a = 2;\nf(a);\n', "function g() {\n  x( 1 );\n}\nvar s = 'q';\n", '#!/usr/bin/env node\nlet a;\nlet a;\nf(a);\n']) {
      const parsed = parseSource(source, 'x.js', { flow: false });
      rename('f', 'h')(j(parsed.ast));
      rename('x', 'y')(j(parsed.ast));
      const printed = printAst(parsed, source, detectTextStyle(source));
      expect(printed.text).not.toBe(source);
      expect(printed.recovered?.map((error) => error.reasonCode)).toEqual(parseForAnalysis(printed.text, 'x.js').ast.errors.map((error: any) => error.reasonCode));
    }
    // a print whose formatting reconcile undoes: the errors are those of the text it composed
    const source = "let q = 1;\nlet q = 2;\nrun( a,  'b' );\n";
    const parsed = parseSource(source, 'x.js', { flow: false });
    parsed.ast.program.body[2].expression.arguments.push(j.identifier('c'));
    expect(recast.print(parsed.ast).code).toContain("run(a, 'b', c);");
    const printed = printAst(parsed, source, detectTextStyle(source));
    expect(printed.text).toBe("let q = 1;\nlet q = 2;\nrun( a,  'b', c);\n");
    expect(printed.recovered?.map((error) => error.reasonCode)).toEqual(['VarRedeclaration']);
  });

  // what any faster printing must keep (a first attempt, handing untouched statements back to recast
  // as their originals, re-indented the block comment below: see docs/performance.md)
  it('keeps every untouched statement as written, also inside an edited one, moved, repeated or commented', () => {
    expect(print('function a() {\n  x( 1 );\n  if (y)   { z(); }\n}\nfunction b(){ c() }\n', rename('z', 'w'))).toBe(
      'function a() {\n  x( 1 );\n  if (y)   { w(); }\n}\nfunction b(){ c() }\n',
    );
    const wrap = (_root: any, ast: any) => {
      const moved = ast.program.body.splice(1, 2);
      ast.program.body.splice(1, 0, j.tryStatement(j.blockStatement(moved), j.catchClause(j.identifier('e'), null, j.blockStatement([]))));
    };
    expect(print('start();\nfirst(  1 );\nsecond(2)\nend();\n', wrap)).toBe('start();\n\ntry {\n  first(  1 );\n  second(2)\n} catch (e) {}\n\nend();\n');
    expect(print('// lead\nkeep(  1 );\n/* mid */ change(2);\nafter(  3 );\n', rename('change', 'changed'))).toBe('// lead\nkeep(  1 );\n/* mid */ changed(2);\nafter(  3 );\n');
    const insert = (_root: any, ast: any) => ast.program.body.splice(1, 0, j.expressionStatement(j.callExpression(j.identifier('h'), [])));
    expect(print('const a = f(  1 );\nif (a)   {\n  g( a );\n}\n', insert)).toBe('const a = f(  1 );\nh();\nif (a)   {\n  g( a );\n}\n');
    expect(print('one(  1 );\ntwo();\n', (_root, ast) => ast.program.body.push(ast.program.body[0]))).toBe('one(  1 );\ntwo();\none(  1 );\n');
    const insertInner = (_root: any, ast: any) => ast.program.body[0].body.body.splice(1, 0, j.expressionStatement(j.callExpression(j.identifier('bar'), [])));
    expect(print('function outer() {\n  foo();\n  /**\n   * doc\n   */\n  function inner() {}\n}\n', insertInner)).toBe(
      'function outer() {\n  foo();\n  bar();\n  /**\n   * doc\n   */\n  function inner() {}\n}\n',
    );
    expect(print('switch (k) {\n  case 1:   a( 1 ); break;\n  default: b();\n}\n', rename('b', 'c'))).toBe('switch (k) {\n  case 1:   a( 1 ); break;\n  default: c();\n}\n');
  });
});
