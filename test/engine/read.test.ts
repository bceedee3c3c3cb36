import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Project } from '../../src/engine/project.js';
import { contentSkipReason, readSource } from '../../src/engine/read.js';

describe('contentSkipReason', () => {
  it('does not call an ordinary file with one 12,000-character literal minified', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `export const value${i} = compute(${i}, 'some text here');`);
    lines.splice(10, 0, `export const icon = '${'M0 0L1 1'.repeat(1500)}';`);
    expect(contentSkipReason(lines.join('\n'))).toBeUndefined();
  });

  it('does not call a short file whose one long line is a string literal minified', () => {
    const text = `const a = require('a');\nconst b = require('a');\nconst long = "${'x'.repeat(9000)}";\nmodule.exports = { a, b, long };\n`;
    expect(contentSkipReason(text)).toBeUndefined();
    const template = `const page = \`${'<p>x</p>'.repeat(1500)}\`;\nexport default page;\n`;
    expect(contentSkipReason(template)).toBeUndefined();
  });

  it('skips a file whose lines end in CR alone with that reason (not as one long minified line), and reads CRLF', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `const value${i} = compute(${i});`);
    expect(contentSkipReason(lines.join('\r'))).toBe('lines end in CR alone (classic Mac OS line ends); harden does not rewrite such files yet');
    expect(contentSkipReason(lines.slice(0, 3).join('\r'))).toMatch(/^lines end in CR alone/);
    // mostly CR (what the printer would write the file with): one LF does not make it an LF file
    expect(contentSkipReason(`${lines.join('\r')}\n`)).toMatch(/^lines end in CR alone/);
    expect(contentSkipReason(lines.join('\r\n'))).toBeUndefined();
    expect(contentSkipReason(`${lines.join('\n')}\n// a stray \r in a comment\n`)).toBeUndefined();
  });

  it('still skips a bundle made of very long lines', () => {
    const bundle = `!function(){${'var a=1;'.repeat(3000)}}();\n//# sourceMappingURL=x.map\n`;
    expect(contentSkipReason(bundle)).toBe('minified file (very long lines)');
  });

  it('skips a minified bundle that also holds thousands of short lines (a table, one number per line)', () => {
    // keystone's vendored codemirror-compressed.js: 180,000 characters of minified code, 60,000 short lines
    const code = Array.from({ length: 12 }, (_, k) => `!function(a,b){${`a.f${k}=function(c){c=c[b]+1;if(c>2&&c<9)c*=2;c=[c,b,a,c[0],c[1]];return c};`.repeat(90)}}(x,y);`);
    const table = Array.from({ length: 20_000 }, (_, i) => `  ${i},`);
    const bundle = [...code, 'var table=[', ...table, '];'].join('\n');
    expect(contentSkipReason(bundle)).toBe('minified file (very long lines)');
    // the same long lines written with spaces are not minified code
    expect(contentSkipReason(bundle.replace(/;/g, '; ').replace(/\+/g, ' + '))).toBeUndefined();
    // nor is a little dense code among the short lines
    expect(contentSkipReason([...code.slice(0, 2), 'var table=[', ...table, '];'].join('\n'))).toBeUndefined();
  });

  it('does not call a hand-written file minified for dense data it holds: a pasted table, minified CSS in a template, an inline source map', () => {
    const handlers = Array.from({ length: 2800 }, (_, i) => `function score${i}(x) {\n  console.log('score${i}', x);\n  return x * WEIGHTS[${i}];\n}`);
    const weights = `const WEIGHTS = [${Array.from({ length: 10_000 }, (_, i) => ((i * 7919) % 20000 / 10000 - 1).toFixed(4)).join(',')}];`;
    expect(contentSkipReason([weights, ...handlers].join('\n'))).toBeUndefined();
    const css = Array.from({ length: 4 }, (_, k) => `.c${k}{color:#333;margin:0 auto;padding:4px}`.repeat(700)).join('\n');
    expect(contentSkipReason(['const page = `<style>', css, '</style>`;', ...handlers].join('\n'))).toBeUndefined();
    const map = `//# sourceMappingURL=data:application/json;base64,${Buffer.from('x'.repeat(90_000)).toString('base64')}`;
    expect(contentSkipReason([...handlers, map].join('\n'))).toBeUndefined();
  });
});

describe('readSource', () => {
  it("judges a file from one read, and keeps its text for other files' analyses whatever the judgement", () => {
    const dir = mkdtempSync(join(tmpdir(), 'harden-read-'));
    try {
      writeFileSync(join(dir, 'ok.js'), '\uFEFFconst a = 1;\n');
      writeFileSync(join(dir, 'big.js'), `const a = '${'x'.repeat(2000)}';\n`);
      writeFileSync(join(dir, 'latin1.js'), Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0x65, 0x3d, 0x27, 0xe9, 0x27, 0x3b, 0x0a]));
      writeFileSync(join(dir, 'nul.bin'), Buffer.from([0x61, 0x00, 0x62]));
      expect(readSource(join(dir, 'ok.js'))).toEqual({ result: { kind: 'text', text: '\uFEFFconst a = 1;\n' }, text: '\uFEFFconst a = 1;\n' });
      const big = readSource(join(dir, 'big.js'), 1024);
      expect(big.result).toEqual({ kind: 'skipped', reason: 'larger than 1 KiB' });
      expect(big.text).toMatch(/^const a = 'x+';\n$/);
      expect(readSource(join(dir, 'latin1.js'))).toEqual({ result: { kind: 'skipped', reason: 'not UTF-8 text' }, text: "const e='\uFFFD';\n" });
      expect(readSource(join(dir, 'nul.bin')).result).toEqual({ kind: 'skipped', reason: 'binary file' });
      expect(readSource(join(dir, 'missing.js'))).toEqual({ result: { kind: 'error', message: 'cannot read: ENOENT' }, text: undefined });

      // the project reads each file once: what the run reads is what readFile answers (BOM stripped)
      const project = new Project(dir, ['ok.js', 'latin1.js']);
      expect(project.readFile('ok.js')).toBe('const a = 1;\n');
      writeFileSync(join(dir, 'ok.js'), 'const a = 2;\n');
      expect(project.readSource('ok.js')).toEqual({ kind: 'text', text: '\uFEFFconst a = 1;\n' });
      expect(project.readSource('latin1.js')).toEqual({ kind: 'skipped', reason: 'not UTF-8 text' });
      expect(project.readFile('latin1.js')).toBe("const e='\uFFFD';\n");
      // and the text the run judged is the one readFile answers with afterwards, not a second read
      writeFileSync(join(dir, 'later.js'), 'const b = 1;\n');
      const later = new Project(dir, ['later.js']);
      expect(later.readSource('later.js')).toEqual({ kind: 'text', text: 'const b = 1;\n' });
      writeFileSync(join(dir, 'later.js'), 'const b = 2;\n');
      expect(later.readFile('later.js')).toBe('const b = 1;\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
