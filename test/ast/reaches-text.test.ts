/**
 * `reachesText`: whether a file, or a project module it loads (through other project modules),
 * holds a text. Answers are kept per run: a file on the way to a match is answered too.
 */
import { describe, expect, it } from 'vitest';
import { reachesText } from '../../src/ast/module-resolve.js';
import { Project } from '../../src/engine/project.js';
import { tree } from '../support/tmp.js';

function project(files: Record<string, string>): Project {
  return new Project(tree(files), Object.keys(files));
}

describe('reachesText', () => {
  const files = {
    'src/a.js': "const b = require('./b');\n",
    'src/b.js': "import c from './c';\nexport default c;\n",
    'src/c.js': "const m = require('mongoose');\n",
    'src/d.js': "require('./e');\n",
    'src/e.js': "require('./d');\n",
  };

  it('follows loads through project modules and cycles, and answers the files on the way from what it found', () => {
    const p = project(files);
    const asked: string[] = [];
    const test = (text: string) => {
      asked.push(text.slice(0, 12));
      return text.includes('mongoose');
    };
    expect(reachesText(p, 'src/a.js', test)).toBe(true);
    expect(asked).toHaveLength(3);
    // b is on the way from a to c: answered without reading anything again
    expect(reachesText(p, 'src/b.js', test)).toBe(true);
    expect(asked).toHaveLength(3);
    expect(reachesText(p, 'src/d.js', test)).toBe(false);
    expect(reachesText(p, 'src/e.js', test)).toBe(false);
    expect(asked).toHaveLength(5);
  });

  it('reads a file being written from the text given, and keeps nothing it learned from that text', () => {
    const p = project(files);
    const test = (text: string) => text.includes('mongoose');
    // a.js as written would no longer load b
    expect(reachesText(p, 'src/a.js', test, "const x = 1;\n")).toBe(false);
    expect(reachesText(p, 'src/a.js', test)).toBe(true);
    expect(reachesText(p, 'src/d.js', test, "require('./c');\n")).toBe(true);
    expect(reachesText(p, 'src/d.js', test)).toBe(false);
  });
});
