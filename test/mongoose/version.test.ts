/** Which option names a declared mongoose / mongodb range gets (mongoose-pool-options). */
import { describe, expect, it } from 'vitest';
import { optionGeneration } from '../../transforms/mongoose-pool-options/version.js';

describe('optionGeneration', () => {
  it.each([
    ['^8.24.0', 6, 'modern'],
    ['~6.0.0', 6, 'modern'],
    ['7.x', 6, 'modern'],
    ['>=6', 6, 'modern'],
    ['^5.13.20', 6, 'legacy'],
    ['5.12.3', 6, 'legacy'],
    ['>=5.0.0 <7', 6, 'ambiguous'],
    ['5 || 6', 6, 'ambiguous'],
    ['>=5', 6, 'ambiguous'],
    ['latest', 6, 'modern'],
    ['*', 6, 'modern'],
    ['github:Automattic/mongoose', 6, 'modern'],
    ['npm:mongoose@^5.0.0', 6, 'legacy'],
    ['^3.6.0', 4, 'legacy'],
    ['^6.8.0', 4, 'modern'],
  ] as const)('%s (modern from %d) is %s', (range, from, expected) => {
    expect(optionGeneration(range, from)).toBe(expected);
  });

  it('treats a missing dependency as a current install', () => {
    expect(optionGeneration(undefined, 6)).toBe('modern');
  });
});
