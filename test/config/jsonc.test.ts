/** The JSONC reader of harden.config.json: comments and trailing commas, strings untouched, errors with line and column. */
import { describe, expect, it } from 'vitest';
import { JsoncError, parseJsonc, stripJsonc } from '../../src/ast/jsonc.js';

function errorOf(text: string): JsoncError {
  try {
    parseJsonc(text);
  } catch (error) {
    expect(error).toBeInstanceOf(JsoncError);
    return error as JsoncError;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseJsonc', () => {
  it('reads line and block comments and trailing commas in objects and arrays', () => {
    const text = '\uFEFF// the team config\n{\n  /* presets */ "presets": ["mongo-express",],  // trailing\n  "options": { "a": { "b": 1, }, },\n}\n';
    expect(parseJsonc(text)).toEqual({ presets: ['mongo-express'], options: { a: { b: 1 } } });
  });

  it('leaves comment and comma look-alikes inside strings alone, escaped quotes included', () => {
    const text = '{ "url": "http://x/*y*/", "s": "a,}", "q": "say \\"//hi\\",]", "p": "a\\\\" , }';
    expect(parseJsonc(text)).toEqual({ url: 'http://x/*y*/', s: 'a,}', q: 'say "//hi",]', p: 'a\\' });
  });

  it('keeps the length and the line breaks, so positions agree with the original', () => {
    const text = '{\r\n  // c\r\n  "a": 1, /* x\n y */\n}';
    const stripped = stripJsonc(text);
    expect(stripped).toHaveLength(text.length);
    expect(stripped.split('\n')).toHaveLength(text.split('\n').length);
    expect(JSON.parse(stripped)).toEqual({ a: 1 });
  });

  it('plain JSON reads as JSON.parse reads it', () => {
    const text = JSON.stringify({ a: [1, 'x', { b: null }], c: true });
    expect(parseJsonc(text)).toEqual(JSON.parse(text));
  });

  it('names the line and column of a syntax error', () => {
    expect(errorOf('{\n  "a": 1\n  "b": 2\n}')).toMatchObject({ line: 3, column: 3 });
    expect(errorOf('{\n  // c\n  "a": }\n')).toMatchObject({ line: 3, column: 8 });
    expect(errorOf('{\n  "a": tru\n}').line).toBe(2);
    expect(errorOf('{ "a": 1').message).toMatch(/^line 1, column \d+: /);
    expect(errorOf('{ /* never closed\n "a": 1 }')).toMatchObject({ line: 1, column: 3, message: 'line 1, column 3: unterminated /* comment' });
  });
});
