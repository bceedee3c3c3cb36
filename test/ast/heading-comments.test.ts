/**
 * Which leading comments of a file's first statement go above a statement harden puts first
 * (env-schema, express-async-errors): the file's heading does, a comment that belongs to the
 * statement stays with it. Each case is one a reviewer found moving the wrong way.
 */
import { describe, expect, it } from 'vitest';
import { headingComments } from '../../src/ast/comments.js';
import { parseSource } from '../../src/engine/parse.js';

function heading(source: string, path = 'a.ts'): string[] {
  const first = parseSource(source, path).ast.program.body[0];
  return headingComments(first).map((comment: any) => comment.value.trim());
}

describe('headingComments', () => {
  it('moves a licence and file pragmas, keeps what binds the statement', () => {
    expect(heading('/**\n * Copyright <jane@example.com>\n */\nconst a = 1;\n')).toEqual(['*\n * Copyright <jane@example.com>']);
    expect(heading('// @ts-nocheck\n// eslint-disable-next-line no-var\nvar a = 1;\n')).toEqual(['@ts-nocheck']);
    expect(heading('/** licence */\n\n/** @type {number} */\nconst a = 1;\n')).toEqual(['* licence']);
  });

  it('keeps a TypeScript directive with its statement across a blank line (tsc applies it past blank lines)', () => {
    expect(heading("/* heading */\n\n// @ts-expect-error untyped\n\nimport foo from 'untyped';\nfoo();\n")).toEqual(['heading']);
  });

  it('moves triple-slash references, Flow docblocks and a shebang up even from the block above the statement', () => {
    expect(heading('/// <reference types="node" />\n// @ts-expect-error\nimport x from "y";\n')).toEqual(['/ <reference types="node" />']);
    expect(heading('/**\n * @flow\n */\n// eslint-disable-next-line\nconst a = 1;\n', 'a.js')).toEqual(['*\n * @flow']);
    expect(heading('#!/usr/bin/env node\n// eslint-disable-next-line no-console\nconsole.log(1);\n', 'a.js')).toEqual(['/usr/bin/env node']);
    // a licence tag is no statement's JSDoc: a heading with nothing that binds the statement goes up whole
    expect(heading('/**\n * @license MIT\n */\n// Orders API entry\nconst a = 1;\n')).toEqual(['*\n * @license MIT', 'Orders API entry']);
  });
});
