import { describe, expect, it } from 'vitest';
import { contentSkipReason } from '../../src/engine/read.js';

describe('contentSkipReason', () => {
  it('does not call an ordinary file with one 12,000-character literal minified', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `export const value${i} = compute(${i}, 'some text here');`);
    lines.splice(10, 0, `export const icon = '${'M0 0L1 1'.repeat(1500)}';`);
    expect(contentSkipReason(lines.join('\n'))).toBeUndefined();
  });

  it('still skips a bundle made of very long lines', () => {
    const bundle = `!function(){${'var a=1;'.repeat(3000)}}();\n//# sourceMappingURL=x.map\n`;
    expect(contentSkipReason(bundle)).toBe('minified file (very long lines)');
  });
});
