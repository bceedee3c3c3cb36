import { describe, expect, it } from 'vitest';
import { contentSkipReason } from '../../src/engine/read.js';

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

  it('still skips a bundle made of very long lines', () => {
    const bundle = `!function(){${'var a=1;'.repeat(3000)}}();\n//# sourceMappingURL=x.map\n`;
    expect(contentSkipReason(bundle)).toBe('minified file (very long lines)');
  });
});
