/**
 * `matchesOutsideLineComments`: prefilters pass over a word only where it cannot be code. Each
 * case where the text around a `//` line goes back to code must count the match.
 */
import { describe, expect, it } from 'vitest';
import { matchesOutsideLineComments } from '../../src/ast/comments.js';
import { applicableTransforms } from '../../src/engine/run-file.js';
import { Project } from '../../src/engine/project.js';
import { chainOf } from '../support/transforms.js';
import mongooseLean from '../../transforms/mongoose-lean/index.js';
import { tree } from '../support/tmp.js';

const MODEL = /model/gi;
const inCode = (text: string) => matchesOutsideLineComments(text, MODEL);

describe('matchesOutsideLineComments', () => {
  it('passes over a word on lines that are `//` comments, and counts it anywhere else', () => {
    expect(inCode('// use the active box-sizing model\nconst a = 1;\n')).toBe(false);
    expect(inCode('  \t// model\n\t// another model\n')).toBe(false);
    expect(inCode('const userModel = 1;\n')).toBe(true);
    expect(inCode('// model\nUserModel.find();\n')).toBe(true);
    // a comment after code on its line is not looked into (the line does not start with `//`)
    expect(inCode('a(); // model\n')).toBe(true);
    expect(inCode('/* model */\n')).toBe(true);
  });

  it('counts a match that may be back in code on a `//` line', () => {
    expect(inCode('`\n// ${UserModel.find()}\n`;\n')).toBe(true); // template text, then a substitution
    expect(inCode('`\n// text` + UserModel.find();\n')).toBe(true); // the template ends on the line
    expect(inCode("'a\\\n// b' + model;\n")).toBe(true); // a string continued over lines ends on it
    expect(inCode('/*\n// a */ model();\n')).toBe(true); // a block comment ends on it
    expect(inCode('<p>\n// {model.x}</p>;\n')).toBe(true); // JSX text, then an expression
    expect(inCode('<p>\n// a</p>); model();\n')).toBe(true);
    expect(inCode('// a\u2028model();\n')).toBe(true); // U+2028 ends a line comment
    expect(inCode('// a\rmodel();\n')).toBe(true);
    // inside a block comment or template text without a way out, it is not code
    expect(inCode('/*\n// model\n*/\n')).toBe(false);
    expect(inCode('`\n// model\n`;\n')).toBe(false);
  });

  it('needs a global pattern', () => {
    expect(() => matchesOutsideLineComments('model', /model/i)).toThrow(/global/);
  });
});

describe('the model-query prefilter passes over `//` comments', () => {
  const admitted = (transform: any, source: string) => {
    const project = new Project(tree({ 'a.js': source }), ['a.js']);
    return applicableTransforms(chainOf(transform), 'a.js', source, project).length > 0;
  };

  it('mongoose-lean: `model` only in a comment names no model', () => {
    expect(admitted(mongooseLean, '// use the active box-sizing model\njQuery.find(selector);\n')).toBe(false);
    expect(admitted(mongooseLean, 'function list(userModel) { return userModel.find(); }\n')).toBe(true);
  });
});
