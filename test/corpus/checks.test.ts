import { describe, expect, it } from 'vitest';
import { churn, typescriptParseErrors, useBeforeInit } from './checks.js';

describe('churn', () => {
  it('flags a re-indented line that no edit touched', () => {
    const before = 'function f() {\n  a();\n  b();\n}\n';
    const after = 'function f() {\n  a();\n    b();\n}\n';
    expect(churn(before, after, 'x.js').churn.map((l) => [l.side, l.line])).toEqual([['before', 3], ['after', 3]]);
  });

  it('flags a punctuation-only change', () => {
    const result = churn('x(function () {\n})\n', 'x(function () {\n});\n', 'x.js');
    expect(result.churn.map((l) => l.text)).toEqual(['})', '});']);
  });

  it('takes a bracket closed on the last line of a changed site as that edit (a node wrapped in a call)', () => {
    const before = 'r.get("/", async (req, res) => {\n  res.json(await x());\n});\nr.use(y);\n';
    const after = 'r.get("/", wrap(async (req, res) => {\n  res.json(await x());\n}));\nr.use(y);\n';
    expect(churn(before, after, 'x.js', [[1, 3]]).churn).toEqual([]);
    // the same bracket outside a site's last line is churn
    expect(churn('x(function () {\n})\n', 'x(function () {\n});\n', 'x.js', [[5, 6]]).churn.map((l) => l.text)).toEqual(['})', '});']);
  });

  it('does not flag an inserted statement or an edited call', () => {
    const before = "const a = 1;\nconsole.log('x', a);\n";
    const after = "const logger = require('./logger');\nconst a = 1;\nlogger.info('x', a);\n";
    expect(churn(before, after, 'x.js')).toEqual({ churn: [], templates: [], relaid: 0 });
  });

  it('allows the blank separator of an inserted statement, and a site re-laid over lines', () => {
    const before = "const a = 1;\nconnect(u, { a: 1 });\n";
    const after = "const log = require('l');\n\nconst a = 1;\nconnect(u, {\n  a: 1,\n  b: 2\n});\n";
    expect(churn(before, after, 'x.js', [[2, 2]])).toEqual({ churn: [], templates: [], relaid: 3 });
    // a one-line call broken over lines to hold the properties the edit added is that edit, site or not
    expect(churn(before, after, 'x.js').churn).toEqual([]);
  });

  it('still flags a re-indented line next to an inserted one', () => {
    const result = churn('function f() {\n  a();\n}\n', 'function f() {\n    a();\n  b();\n}\n', 'x.js');
    expect(result.churn.map((l) => l.text.trim())).toEqual(['a();', 'a();']);
  });

  it('does not flag the old side of a line that gained a token', () => {
    expect(churn('function f() {}\nf();\n', 'async function f() {}\nawait f();\n', 'x.mjs').churn).toEqual([]);
    expect(churn('const x = a.b.c;\n', 'const x = a.c;\n', 'x.js').churn).toEqual([]);
  });

  it('flags a requoted string no edit asked for', () => {
    expect(churn("f('a');\n", 'f("a");\n', 'x.ts').churn).toHaveLength(2);
  });

  it('reports template literal text that changed', () => {
    const result = churn('const s = `a\n  b ${x}`;\n', 'const s = `a\n    b ${x}`;\n', 'x.js');
    expect(result.templates.map((l) => l.line)).toEqual([1]);
    expect(result.churn).toEqual([]);
  });

  it('does not report a template that a changed site rewrote', () => {
    const before = 'console.log(`${p} failed:`, err);\n';
    const after = 'logger.error({ err }, `${p} failed`);\n';
    expect(churn(before, after, 'x.js', [[1, 1]]).templates).toEqual([]);
    expect(churn(before, after, 'x.js').templates.map((l) => l.line)).toEqual([1]);
  });
});

describe('useBeforeInit', () => {
  it('flags a require placed after a load-time use', () => {
    const before = "const x = f();\nconsole.log(x);\nfunction f() { return 1; }\n";
    const after = "const x = f();\nlogger.info(x);\nconst logger = require('./logger');\nfunction f() { return 1; }\n";
    expect(useBeforeInit(before, after, 'a.js')).toEqual([{ name: 'logger', line: 2, before: 0, after: 1 }]);
  });

  it('flags a use through a top-level function called at load', () => {
    const before = 'function boot() { console.log(1); }\nboot();\n';
    const after = "function boot() { logger.info(1); }\nboot();\nconst logger = require('./logger');\n";
    expect(useBeforeInit(before, after, 'a.js').map((u) => [u.name, u.line])).toEqual([['logger', 2]]);
  });

  it('counts uses in top-level blocks and static class fields', () => {
    const after = "try { logger.info(1); } catch {}\nclass A { static l = logger; }\nconst logger = require('l');\n";
    expect(useBeforeInit('', after, 'a.js')[0]).toMatchObject({ name: 'logger', after: 2 });
  });

  it('does not flag uses inside function bodies, shadowed names or imports', () => {
    const after = [
      'app.get("/", (req, res) => logger.info(req));',
      'function later() { return logger; }',
      'function shadow(logger) { return logger; }',
      'shadow(1);',
      '{ const logger = 1; use(logger); }',
      'use(fs);',
      "import fs from 'fs';",
      "const logger = require('./logger');",
      'const app = 1;',
    ].join('\n');
    expect(useBeforeInit(after.replace(/logger/g, 'console'), after, 'a.mjs')).toEqual([]);
  });

  it('does not flag what was already early before harden', () => {
    const text = 'use(a);\nvar a = 1;\n';
    expect(useBeforeInit(text, text, 'a.js')).toEqual([]);
  });

  it('reads TypeScript', () => {
    const after = "const n = (logger as any).x as number;\nimport type { T } from 't';\nlet t: T;\nconst logger = require('l');\n";
    expect(useBeforeInit('', after, 'a.ts').map((u) => u.name)).toEqual(['logger']);
  });
});

describe('typescriptParseErrors', () => {
  it('accepts TypeScript and rejects broken code', () => {
    expect(typescriptParseErrors('const a: number = <number>b;\n', 'a.ts')).toEqual([]);
    expect(typescriptParseErrors('const a = ;\n', 'a.ts')).toHaveLength(1);
    expect(typescriptParseErrors('const a = <div>{x}</div>;\n', 'a.jsx')).toEqual([]);
  });
});
