/**
 * rate-limiter-redis's prefilter: a file is parsed for hand-written limiters only when it may call
 * `x.status(429)` or `x.sendStatus(429)` (every hand-written site needs one). It may admit too
 * much, never too little.
 */
import { describe, expect, it } from 'vitest';
import { mayAnswer429 } from '../../transforms/rate-limiter-redis/index.js';

describe('mayAnswer429', () => {
  it('admits every way the call may be written', () => {
    for (const call of [
      'res.status(429).json({})',
      'res.sendStatus(429)',
      'res\n  .status(\n    429,\n  )',
      'res.status(/* too many; slow down */ 429)',
      'res.status( // too many; slow down\n 429)',
      'res.status((429))',
      'res.status<number>(429)',
      'res.status<{ a: 1; }>(429)',
      'res.status(429.0)',
    ]) {
      expect(mayAnswer429(`app.use((req, res) => ${call});\n`), call).toBe(true);
    }
  });

  it('leaves out a 429 that no status call can take', () => {
    expect(mayAnswer429('// Set contenteditable to false on removals(#10429)\n$.fn.x = 1;\n')).toBe(false);
    expect(mayAnswer429("const help = 'Too many requests answer 429';\nres.status(500);\n")).toBe(false);
    expect(mayAnswer429('res.status(200); const codes = [429];\n')).toBe(false);
    expect(mayAnswer429('res.statusCode = 429;\n')).toBe(false);
  });
});
