/**
 * The prefilter's second look: which block each load of a module stands in, read from the text.
 *
 * dedupe-imports compares the load statements of one statement list (the file's top level, or one
 * `{ … }` block). Two such statements of the same module stand in the same innermost pair of
 * braces: a declaration's initialiser is the `require(…)` call itself, so no brace of its own is
 * open at the specifier. Test files repeat `const x = require('x')` in every `it(…)` callback:
 * the same module twice, never in one block, and nothing for the transform to do.
 *
 * The scan is a small lexer: comments, strings, template literals (with their `${ … }`) and
 * regular expressions are skipped, braces are counted. Where it cannot be sure of the text (a `/`
 * after `)`, `}`, a lone `>` (TypeScript's `x as Array<T> / 2`), a `!` after a value (a non-null
 * assertion), `++`, a word that may be a name or an operator (`of`, `yield`, `await`), or a line
 * break after a value (a statement may have ended): each may start a regular expression or divide;
 * a number followed by a member (`0x1.require`); a `<` where an operand may stand (JSX, a TypeScript
 * type assertion); HTML-like comments; a string left open at a
 * line end; code outside ASCII or an escape in a name; an escape in a specifier; unbalanced braces)
 * it answers `undefined`, and the file is read as before. A wrong answer could only come from a
 * misread `/`, quote or brace (hiding a load, or moving one to another block); every way of
 * misreading one it knows of is a reason to stop. A review attacked it with about 28,700 generated
 * programs and every source under node_modules; the tests keep what it found.
 */
import { lineCommentEnd } from '../../src/ast/comments.js';

/** A load of `specifier` (after `require(`, `import(`, `import` or `from`) and the block it stands in. */
export interface BlockLoad {
  specifier: string;
  block: number;
}

/** After these words a `/` starts a regular expression (after any other word it divides). */
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'default', 'extends']);
/** Words whose `( … )` a statement follows: after its `)` an operand may stand. */
const STATEMENT_HEAD = new Set(['if', 'while', 'for', 'with']);
/** Words that may be a name or an operator keyword (`of`, `yield`, `await`): a `/` after them is not read. */
const AMBIGUOUS_WORD = new Set(['of', 'yield', 'await']);

const isWordCode = (code: number) =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;

/** Every load of the text with its block, in order; undefined where the text cannot be read with certainty. */
export function loadsByBlock(text: string): BlockLoad[] | undefined {
  // HTML-like comments (`<!--`, and `-->` where a line may start with it) are not read
  if (text.includes('<!--') || text.includes('-->')) return undefined;
  // a parenthesised specifier (`require(('x'))` is a require of 'x') is not looked for
  if (/\b(?:require|import)\s*\(\s*\(/.test(text)) return undefined;
  const loads: BlockLoad[] = [];
  /** Open braces: a block's id, or the negated id of a template's `${`. */
  const open: number[] = [];
  let nextId = 1;
  /** The last two tokens: a word, a one-character punctuator, or `'string'`, `'number'`, `'regex'`, `'template'`. */
  let last: string | undefined;
  let beforeLast: string | undefined;
  /** The last word was a property name (`a.return`, `this.#in`). */
  let lastAfterDot = false;
  /** A line break stands between the last token and the next. */
  let lineBreak = false;
  /** Open parentheses: whether each is a statement head's (`if (`, `while (`, `for (`, `for await (`, `with (`). */
  const parens: boolean[] = [];
  /** The last `)` closed a statement head (a statement may start after it), or one never opened. */
  let closedHead = false;
  let i = text.startsWith('#!') ? lineCommentEnd(text, 0) : 0;
  const n = text.length;
  const push = (token: string) => {
    // a `!` after a value (or after what may be one) may be TypeScript's non-null assertion (`a! / 2` divides)
    if (token === '!' && last !== undefined && startsRegex(last, lastAfterDot) !== true) token = '!postfix';
    // a word right after a `.` or `#` (comments and line breaks between them or not) is a property name
    lastAfterDot = last === '.' || last === '#';
    lineBreak = false;
    beforeLast = last;
    last = token;
  };
  /** Scans template text from `i` (just after a backtick or a `}` closing `${`): index after it, or -1. */
  const template = (from: number): number => {
    for (let k = from; k < n; k += 1) {
      const c = text.charCodeAt(k);
      if (c === 92) k += 1; // backslash
      else if (c === 96) {
        push('template');
        return k + 1;
      } else if (c === 36 && text.charCodeAt(k + 1) === 123) {
        open.push(-nextId);
        nextId += 1;
        push('{');
        return k + 2;
      }
    }
    return -1;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12) {
      if (c === 10 || c === 13) lineBreak = true;
      i += 1;
    } else if (c >= 128 || c === 92) {
      return undefined; // a name, a space or a line end outside ASCII, or an escape in a name (`re\u0071uire`): not read
    } else if (c === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) i = lineCommentEnd(text, i);
      else if (next === 42) {
        const close = text.indexOf('*/', i + 2);
        if (close < 0) return undefined;
        if (/[\r\n]/.test(text.slice(i, close))) lineBreak = true;
        i = close + 2;
      } else {
        const regex = startsRegex(last, lastAfterDot);
        // after a line break a statement may have ended (`let x` then `/re/.test(s)`: no division)
        if (regex === undefined || (regex === false && lineBreak)) return undefined;
        if (!regex) {
          push('/');
          i += 1;
        } else {
          const end = regexEnd(text, i + 1);
          if (end < 0) return undefined;
          push('regex');
          i = end;
        }
      }
    } else if (c === 39 || c === 34) {
      const start = i + 1;
      let k = start;
      let escaped = false;
      for (; k < n; k += 1) {
        const d = text.charCodeAt(k);
        if (d === c) break;
        if (d === 92) {
          escaped = true;
          k += 1;
          if (text.charCodeAt(k) === 13 && text.charCodeAt(k + 1) === 10) k += 1;
        } else if (d === 10 || d === 13) return undefined; // not closed on its line
      }
      if (k >= n) return undefined;
      if (last === 'from' || last === 'import' || (last === '(' && (beforeLast === 'require' || beforeLast === 'import'))) {
        if (escaped) return undefined; // `'\x61'` is `'a'`: not compared by its text
        loads.push({ specifier: text.slice(start, k), block: innermostBlock(open) });
      }
      push('string');
      i = k + 1;
    } else if (c === 96 /* ` */) {
      i = template(i + 1);
      if (i < 0) return undefined;
    } else if (c === 123 /* { */) {
      open.push(nextId);
      nextId += 1;
      push('{');
      i += 1;
    } else if (c === 125 /* } */) {
      const top = open.pop();
      if (top === undefined) return undefined;
      if (top < 0) {
        i = template(i + 1); // the end of a template's `${ … }`: its text goes on
        if (i < 0) return undefined;
      } else {
        push('}');
        i += 1;
      }
    } else if (isWordCode(c)) {
      const digit = c >= 48 && c <= 57;
      let k = i + 1;
      // a number takes its dots (`1.`, `1.5`: `1./2` divides); one followed by a name may be a member (`0x1.require`)
      while (k < n && (isWordCode(text.charCodeAt(k)) || (digit && text.charCodeAt(k) === 46))) k += 1;
      if (digit && /\.[A-Za-z_$]/.test(text.slice(i, k))) return undefined;
      push(digit ? 'number' : text.slice(i, k));
      i = k;
    } else {
      // `++`/`--` (after which a `/` divides) and `=>` (after which it starts a regular expression) are
      // told apart from `+`, `-`, `>`: a lone `>` may close TypeScript type arguments (`x as Array<T> / 2`)
      if ((c === 43 || c === 45) && text.charCodeAt(i + 1) === c) {
        push('++');
        i += 2;
      } else if (c === 61 && text.charCodeAt(i + 1) === 62) {
        push('=>');
        i += 2;
      } else if (c === 46 && text.startsWith('...', i)) {
        push('...'); // a spread, not a member's dot (`...void /re/`)
        i += 3;
      } else if (c === 46 && isWordCode(text.charCodeAt(i + 1))) {
        // `.5` or `a.b`: the word scan that follows reads either
        push('.');
        i += 1;
      } else if (c === 40 /* ( */ || c === 41 /* ) */) {
        if (c === 40) parens.push(!lastAfterDot && (STATEMENT_HEAD.has(last ?? '') || (last === 'await' && beforeLast === 'for')));
        else {
          const head = parens.pop();
          closedHead = head !== false;
        }
        push(String.fromCharCode(c));
        i += 1;
      } else {
        // a `<` where an operand may stand starts JSX (whose text the scan would misread: `<p>Don't</p>`)
        // or a TypeScript type assertion or generic arrow: not read. After a value it compares (or
        // opens type arguments: `Array<T>`), and a `</` or `/>` inside a string is no element.
        if (c === 60) {
          // after `)`, an element can only start the statement of an `if (…)`, `while (…)`, ... head;
          // after a line break a statement may have ended (`let x` then `<p>…</p>`: no comparison)
          const operand = last === ')' ? (closedHead ? undefined : false) : startsRegex(last, lastAfterDot);
          if (operand !== false || lineBreak) return undefined;
          // `<<`, `<=`, `<<=` are one operator: after it an operand stands
          i += text.startsWith('<<=', i) ? 3 : text.startsWith('<<', i) || text.startsWith('<=', i) ? 2 : 1;
          push('<');
          continue;
        }
        push(String.fromCharCode(c));
        i += 1;
      }
    }
  }
  return open.length === 0 ? loads : undefined;
}

/** True when some module is loaded twice in one block; undefined when the text cannot tell. */
export function loadsSomeModuleTwiceInOneBlock(text: string): boolean | undefined {
  const loads = loadsByBlock(text);
  if (!loads) return undefined;
  const seen = new Set<string>();
  for (const { specifier, block } of loads) {
    const key = `${block} ${specifier}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

function innermostBlock(open: readonly number[]): number {
  return open.length === 0 ? 0 : Math.abs(open[open.length - 1]!);
}

/** Whether a `/` after `last` starts a regular expression; undefined when the text alone cannot say. */
function startsRegex(last: string | undefined, lastAfterDot: boolean): boolean | undefined {
  if (last === undefined) return true;
  if (last === ')' || last === '}' || last === '++' || last === '!postfix' || last === '>') return undefined;
  if (last === ']' || last === 'string' || last === 'number' || last === 'regex' || last === 'template') return false;
  if (isWordCode(last.charCodeAt(0))) {
    if (lastAfterDot) return false;
    if (AMBIGUOUS_WORD.has(last)) return undefined;
    return REGEX_AFTER_WORD.has(last);
  }
  return true; // after any other punctuator
}

/** The index after a regular expression's flags, its body starting at `from`; -1 when it is not closed on its line. */
function regexEnd(text: string, from: number): number {
  let inClass = false;
  for (let k = from; k < text.length; k += 1) {
    const c = text.charCodeAt(k);
    if (c === 10 || c === 13) return -1;
    if (c === 92) k += 1;
    else if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === 47 && !inClass) {
      k += 1;
      while (k < text.length && isWordCode(text.charCodeAt(k))) k += 1;
      return k;
    }
  }
  return -1;
}
