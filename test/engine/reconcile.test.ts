/**
 * The printer's formatting is undone outside the edits: each case is a churn shape recast produced
 * on a real backend (issue 16), given as the original text and what recast printed for an edit.
 */
import { describe, expect, it } from 'vitest';
import { reconcile, sameProgram } from '../../src/engine/reconcile.js';
import { babelOptions } from '../../src/engine/parse.js';

const js = babelOptions('a.js', 'js');

describe('reconcile', () => {
  it('keeps a re-indented handler body and block comment as they were, around the one edited call', () => {
    const source = [
      "router.get('/x', async (req, res) => {",
      '    /*',
      '     * kept as written',
      '     */',
      '    const rows = await load();',
      "    console.error('failed');",
      '    res.json(rows);',
      '});',
      '',
    ].join('\n');
    const printed = [
      "router.get('/x', async (req, res) => {",
      '  /*',
      '   * kept as written',
      '   */',
      '  const rows = await load();',
      "  logger.error('failed');",
      '  res.json(rows);',
      '});',
      '',
    ].join('\n');
    expect(reconcile(source, printed, js)).toBe(source.replace("console.error('failed')", "logger.error('failed')"));
  });

  it("does not change a template literal's text, a string's quotes, `;` or parentheses it did not edit", () => {
    const source = "const a = `line\n    indented ${x}`;\nconst b = \"q\";\nfoo()\nif (await check() !== true) go();\nconsole.log('x');\n";
    const printed = "const a = `line\n  indented ${x}`;\nconst b = 'q';\nfoo();\nif ((await check()) !== true) go();\nlogger.info('x');\n";
    expect(reconcile(source, printed, { ...js, sourceType: 'module' })).toBe(source.replace("console.log('x')", "logger.info('x')"));
  });

  it('keeps every line terminator of the original: mixed CRLF/LF, CR-only, U+2028 inside a template', () => {
    const source = 'const a = 1;\r\nconst t = `x\u2028y`;\nconsole.log(a);\r\nconst z = 2;\r';
    const printed = 'const a = 1;\r\nconst t = `x\ny`;\r\nlogger.info(a);\r\nconst z = 2;\r\n';
    expect(reconcile(source, printed, js)).toBe('const a = 1;\r\nconst t = `x\u2028y`;\nlogger.info(a);\r\nconst z = 2;\r');
  });

  it('lays out a one-line object the edit broke over several lines the way the printer did, indented like the file', () => {
    const source = 'function connect() {\n    return mongoose.connect(uri, { a: 1 });\n}\n';
    const printed = 'function connect() {\n  return mongoose.connect(uri, {\n    a: 1,\n    b: 2\n  });\n}\n';
    expect(reconcile(source, printed, js)).toBe('function connect() {\n    return mongoose.connect(uri, {\n      a: 1,\n      b: 2\n    });\n}\n');
  });

  it('indents a broken one-line object from the line its opener is on, not from the statement (a member chain)', () => {
    const source = 'function start() {\n  mongoose\n    .connect(uri, { a: 1 })\n    .then(() => {});\n}\n';
    // recast indents the object's lines from the statement that holds the chain
    const printed = 'function start() {\n  mongoose\n    .connect(uri, {\n    a: 1,\n    b: { c: 2 }\n  })\n    .then(() => {});\n}\n';
    expect(reconcile(source, printed, js)).toBe('function start() {\n  mongoose\n    .connect(uri, {\n      a: 1,\n      b: { c: 2 }\n    })\n    .then(() => {});\n}\n');
  });

  it('gives a call inserted into a one-call-per-line member chain its own line', () => {
    const source = 'const rows = await User.find()\n  .sort({ at: -1 })\n  .exec();\n';
    const printed = 'const rows = await User.find()\n  .sort({ at: -1 }).lean()\n  .exec();\n';
    expect(reconcile(source, printed, js)).toBe('const rows = await User.find()\n  .sort({ at: -1 })\n  .lean()\n  .exec();\n');
    // a chain on one line stays on one line
    expect(reconcile('const rows = await User.find().exec();\n', 'const rows = await User.find().lean().exec();\n', js)).toBe('const rows = await User.find().lean().exec();\n');
  });

  it('removes a statement with the spacing and the comment order of the original', () => {
    const source = "import { a } from './a';\n\nexport const x = a;\n\n// group b\n// re-exported below\n\nimport { b } from './a';\n\nimport { c } from './c';\nexport { b, c };\n";
    const printed = "import { a, b } from './a';\n\nexport const x = a;\n\n// re-exported below\n\n// group b\nimport { c } from './c';\nexport { b, c };\n";
    expect(reconcile(source, printed, { ...js, sourceType: 'module' })).toBe(
      "import { a, b } from './a';\n\nexport const x = a;\n\n// group b\n// re-exported below\n\nimport { c } from './c';\nexport { b, c };\n",
    );
  });

  it('keeps the printed text when a composition would not mean the same program', () => {
    const source = 'a\n(b)\n';
    const printed = 'a;\n(b);\nc();\n';
    const out = reconcile(source, printed, js);
    // dropping the `;` after `a` would call a(b): the printed text is kept whole
    expect(out).toBe(printed);
  });
  it('extends a list written one item per line in its own layout (a merged import), trailing comma or not', () => {
    const esm = { ...js, sourceType: 'module' as const };
    const withComma = "import {\n  a,\n  b,\n} from './m';\nimport { c } from './m';\nexport { a, b, c };\n";
    expect(reconcile(withComma, "import { a, b, c } from './m';\nexport { a, b, c };\n", esm)).toBe("import {\n  a,\n  b,\n  c,\n} from './m';\nexport { a, b, c };\n");
    const withoutComma = "import {\n    a,\n    b\n} from './m';\nimport { c } from './m';\nexport { a, b, c };\n";
    expect(reconcile(withoutComma, "import { a, b, c } from './m';\nexport { a, b, c };\n", esm)).toBe("import {\n    a,\n    b,\n    c\n} from './m';\nexport { a, b, c };\n");
  });

  it('gives a comment that came along with an added item a line of its own in such a list', () => {
    const esm = { ...js, sourceType: 'module' as const };
    const source = "import {\n  a,\n} from './m';\nimport {\n  // new in v2\n  b,\n} from './m';\nexport { a, b };\n";
    // recast runs the comment into the line of the item before
    const printed = "import {\na, // new in v2\nb,\n} from './m';\nexport { a, b };\n";
    expect(reconcile(source, printed, esm)).toBe("import {\n  a,\n  // new in v2\n  b,\n} from './m';\nexport { a, b };\n");
  });

  it('does not take the arguments of a call written into an item for items of the list around it', () => {
    // secret-fallbacks: `b: x || 'y'` -> `b: requireSecret('X', 'y')` in a one-property-per-line object
    const source = "const a = {\n  b: x || 'y',\n  c: 1,\n};\n";
    const printed = "const a = {\n  b: requireSecret('X', 'y'),\n  c: 1,\n};\n";
    expect(reconcile(source, printed, js)).toBe(printed);
  });

  it('keeps the `;` of a merged line in a file that mixes lines with and without one', () => {
    const esm = { ...js, sourceType: 'module' as const };
    const source = "import { a } from 'm';\nimport {b} from 'm'\nexport const x = [a, b]\n";
    expect(reconcile(source, "import { a, b } from 'm';\nexport const x = [a, b]\n", esm)).toBe("import { a, b } from 'm';\nexport const x = [a, b]\n");
  });

  it('does not take a list with a comment after an item for a list the printer ran together (parse-server FilesRouter)', () => {
    const source =
      "function f() {\n    router.post(\n      '/files',\n      raw({\n        type: () => {\n          return true;\n        },\n        limit: max,\n      }), // any Content-Type\n      M.headers,\n      M.session,\n      this.handler\n    );\n}\n";
    const printed = source.replace('      M.session,', '      asyncHandler(M.session),');
    expect(reconcile(source, printed, js)).toBe(printed);
  });

  it('indents generated code with tabs in a file indented with tabs', () => {
    const source = 'const s = {\n\ta: 1\n}\n\nf(x).then(() => g())\n';
    const printed = 'const s = {\n\ta: 1\n}\n\nf(x, {\n  k: 1,\n  m: 2\n}).then(() => g());\n';
    expect(reconcile(source, printed, js)).toBe('const s = {\n\ta: 1\n}\n\nf(x, {\n\tk: 1,\n\tm: 2\n}).then(() => g())\n');
  });

  it('ends no edited line with a `;` in a file that writes none (a merged import)', () => {
    const esm = { ...js, sourceType: 'module' as const };
    const source = "import { a } from './m'\nimport { b } from './m'\nexport const x = [a, b]\n";
    expect(reconcile(source, "import { a, b } from './m';\nexport const x = [a, b]\n", esm)).toBe("import { a, b } from './m'\nexport const x = [a, b]\n");
  });
});

describe('sameProgram', () => {
  it('compares own enumerable keys and list items, without empty statements, positions or comments', () => {
    const node = (extra: Record<string, unknown>) => ({ type: 'Identifier', name: 'a', start: 0, ...extra });
    expect(sameProgram([node({}), { type: 'EmptyStatement' }], [{ type: 'EmptyStatement' }, node({ start: 9, leadingComments: [] })])).toBe(true);
    expect(sameProgram([node({})], [node({}), node({})])).toBe(false);
    expect(sameProgram(node({ optional: undefined }), node({}))).toBe(true);
    expect(sameProgram(node({ optional: true }), node({}))).toBe(false);
    expect(sameProgram(node({}), node({ optional: true }))).toBe(false);
    // eslint-disable-next-line no-sparse-arrays
    expect(sameProgram([, node({})], [node({})])).toBe(true); // a hole is not an item
    const hidden = node({});
    Object.defineProperty(hidden, 'optional', { value: false, enumerable: false });
    expect(sameProgram(hidden, node({ optional: true }))).toBe(false);
  });
});
