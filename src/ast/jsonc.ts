/**
 * JSON with comments (JSONC, as VS Code and tsconfig.json read it): `//` and `/* *\/` comments and
 * trailing commas before `}` or `]`. Comments and those commas are replaced by spaces (newlines
 * kept), never removed, so a syntax error's position is the same in the original text and the
 * message can name its line and column. Strings are respected: `"http://x"` and `"a,}"` stay.
 */

export class JsoncError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}

/** The text with comments and trailing commas blanked out; same length, same line breaks. */
export function stripJsonc(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  let lastComma = -1; // a comma not yet followed by anything but whitespace and comments
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      lastComma = -1;
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) {
        const { line, column } = position(text, i);
        throw new JsoncError('unterminated /* comment', line, column);
      }
      blank(i, end + 2);
      i = end + 2;
    } else if (ch === ',') {
      lastComma = i;
      i++;
    } else if (ch === '}' || ch === ']') {
      if (lastComma !== -1) out[lastComma] = ' ';
      lastComma = -1;
      i++;
    } else {
      if (!/\s/.test(ch)) lastComma = -1;
      i++;
    }
  }
  return out.join('');
}

/** Parses JSONC; a syntax error is a JsoncError naming the line and column (1-based). */
export function parseJsonc(text: string): unknown {
  const source = text.replace(/^\uFEFF/, '');
  const stripped = stripJsonc(source);
  try {
    return JSON.parse(stripped) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const clean = message.replace(/,? ?"(?:[^"\\]|\\.)*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/, '').trim();
    const { line, column } = position(source, errorOffset(stripped, message));
    throw new JsoncError(clean, line, column);
  }
}

/**
 * Where JSON.parse fails: the position V8 reports, or, for the messages that carry none
 * ("Unexpected token '}', ... is not valid JSON"), the end of the shortest prefix that fails
 * before its end: that prefix ends at the offending character.
 */
function errorOffset(text: string, message: string): number {
  const reported = /at position (\d+)/.exec(message);
  if (reported) return Number(reported[1]);
  const failsBeforeEnd = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const text = (error as Error).message;
      if (/Unexpected end of JSON input|Unterminated string/.test(text)) return false;
      const at = /at position (\d+)/.exec(text);
      return !at || Number(at[1]) < length;
    }
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsBeforeEnd(mid)) high = mid;
    else low = mid + 1;
  }
  return Math.max(0, low - 1);
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
