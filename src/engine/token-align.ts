/**
 * Token alignment of an original text and its reprint, for reconcile.ts: Babel tokens with the
 * key that says "the same token, formatting aside", a diff of the two token lists with common
 * prefix and suffix first, runs slid to the cuts a reader would make, and short coincidental
 * matches inside generated code dropped. Plus the two line helpers both modules need.
 */
import type { ParserOptions } from '@babel/parser';
import { diffArrays } from 'diff';
import { babelParseFile as babelParse, maskShebang, type BabelError } from './parse.js';

export interface Token {
  start: number;
  end: number;
  /** What must be equal for two tokens to be "the same" (formatting ignored). */
  key: string;
  /** A `;` or a parenthesis: punctuation recast adds or drops without meaning to. */
  soft: boolean;
  /** How many brackets are open before this token. */
  depth: number;
  /** `(`, `[`, `{`, `${`: +1; the closing ones: -1. */
  bracket: number;
}

const OPENING = new Set(['(', '[', '{', '${', '#{', '{|', '[|']);
const CLOSING = new Set([')', ']', '}', '|}', '|]']);

export function tokenize(text: string, options: ParserOptions): Token[] | undefined {
  const ast = parseWithTokens(text, options);
  return ast && tokensOf(text, ast.tokens);
}

/** Babel's File for `text` with its token list (a shebang read as a comment of the same length), or undefined when it does not parse. */
export function parseWithTokens(text: string, options: ParserOptions): { program: unknown; tokens: any[]; errors?: BabelError[] } | undefined {
  try {
    return babelParse(maskShebang(text), { ...options, tokens: true, errorRecovery: true, attachComment: false });
  } catch {
    return undefined;
  }
}

/** The alignment tokens of `text` from Babel's token list of it. */
export function tokensOf(text: string, babelTokens: readonly any[]): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  // comments stay in the gaps between tokens (Babel lists them among the tokens)
  const isComment = (token: any) => token.type === 'CommentLine' || token.type === 'CommentBlock';
  const count = babelTokens.length;
  let index = 0;
  while (index < count && isComment(babelTokens[index])) index += 1;
  for (; index < count; ) {
    const token = babelTokens[index];
    let after = index + 1;
    while (after < count && isComment(babelTokens[after])) after += 1;
    const next = after < count ? babelTokens[after] : undefined;
    index = after;
    const label: string = typeof token.type === 'string' ? token.type : token.type.label;
    if (label === 'eof') continue;
    const raw = text.slice(token.start, token.end);
    let key: string;
    if (label === 'template' || label === 'jsxText') key = `${label}:${raw.replace(/\s+/g, '')}`;
    else if (label === 'string') key = `string:${String(token.value)}`;
    else key = `${label}:${raw}`;
    const bracket = OPENING.has(label) ? 1 : CLOSING.has(label) ? -1 : 0;
    // depth counts braces and brackets only: parentheses come and go with formatting
    const counted = label !== '(' && label !== ')';
    if (bracket < 0 && counted) depth -= 1;
    const nextLabel = next ? (typeof next.type === 'string' ? next.type : next.type.label) : '';
    // a trailing comma before a closing bracket is formatting too
    const trailingComma = label === ',' && (nextLabel === '}' || nextLabel === ']' || nextLabel === ')');
    tokens.push({ start: token.start, end: token.end, key, soft: label === ';' || label === '(' || label === ')' || trailingComma, depth, bracket });
    if (bracket > 0 && counted) depth += 1;
  }
  return tokens;
}

export type Entry = { kind: 'same'; o: number; p: number } | { kind: 'added'; p: number } | { kind: 'removed'; o: number };

/** Token alignment of the original and printed texts (common prefix and suffix first: edits are few). */
export function align(original: Token[], printed: Token[]): Entry[] {
  let head = 0;
  while (head < original.length && head < printed.length && original[head]!.key === printed[head]!.key) head += 1;
  let tail = 0;
  while (
    tail < original.length - head &&
    tail < printed.length - head &&
    original[original.length - 1 - tail]!.key === printed[printed.length - 1 - tail]!.key
  ) {
    tail += 1;
  }
  const entries: Entry[] = [];
  for (let i = 0; i < head; i += 1) entries.push({ kind: 'same', o: i, p: i });
  const oMid = original.slice(head, original.length - tail).map((t) => t.key);
  const pMid = printed.slice(head, printed.length - tail).map((t) => t.key);
  let o = head;
  let p = head;
  for (const part of diffArrays(oMid, pMid)) {
    const count = part.count ?? part.value.length;
    for (let i = 0; i < count; i += 1) {
      if (part.added) entries.push({ kind: 'added', p: p++ });
      else if (part.removed) entries.push({ kind: 'removed', o: o++ });
      else entries.push({ kind: 'same', o: o++, p: p++ });
    }
  }
  for (let i = 0; i < tail; i += 1) entries.push({ kind: 'same', o: o++, p: p++ });
  return entries;
}

/** Shorter runs of kept tokens between two changes are coincidences of generated code, not kept code. */
const ISLAND = 8;

export function dropIslands(entries: Entry[], original: Token[], printed: Token[]): void {
  const soft = (entry: Entry) => (entry.kind === 'added' ? printed[entry.p]!.soft : entry.kind === 'removed' ? original[entry.o]!.soft : false);
  // whether the change run that ends just before `index` (or starts at it) holds a real change
  const hardBefore = (index: number) => {
    let k = index - 1;
    let hard = false;
    for (; k >= 0 && entries[k]!.kind !== 'same'; k -= 1) if (!soft(entries[k]!)) hard = true;
    return hard;
  };
  const hardAfter = (index: number) => {
    let k = index;
    let hard = false;
    for (; k < entries.length && entries[k]!.kind !== 'same'; k += 1) if (!soft(entries[k]!)) hard = true;
    return hard;
  };
  for (let s = 0; s < entries.length; s += 1) {
    if (entries[s]!.kind !== 'same') continue;
    let e = s;
    while (e < entries.length && entries[e]!.kind === 'same') e += 1;
    // punctuation the printer added (parentheses, `;`) does not make kept code an island
    if (s > 0 && e < entries.length && e - s < ISLAND && hardBefore(s) && hardAfter(e)) {
      const converted: Entry[] = [];
      for (const entry of entries.slice(s, e)) converted.push({ kind: 'removed', o: (entry as { o: number }).o });
      for (const entry of entries.slice(s, e)) converted.push({ kind: 'added', p: (entry as { p: number }).p });
      entries.splice(s, e - s, ...converted);
      e = s + converted.length;
    }
    s = e - 1;
  }
}

/**
 * A run of removed (or added) tokens can often sit at several places: removing the second of two
 * equal statements is also removing "express ... ; const" one token further. Each run is slid to
 * the place where it starts and ends on line boundaries, as a reader would cut it.
 */
export function slide(entries: Entry[], original: Token[], printed: Token[], source: string, printedText: string): void {
  const startsLine = (text: string, offset: number) => lineIndent(text, offset) !== undefined;
  for (let s = 0; s < entries.length; s += 1) {
    const kind = entries[s]!.kind;
    if (kind === 'same') continue;
    let e = s;
    while (e < entries.length && entries[e]!.kind === kind) e += 1;
    if ((entries[e] && entries[e]!.kind !== 'same') || (s > 0 && entries[s - 1]!.kind !== 'same')) {
      s = e - 1;
      continue; // a replacement, not a pure insertion or removal
    }
    const tokens = kind === 'removed' ? original : printed;
    const text = kind === 'removed' ? source : printedText;
    const index = (entry: Entry) => (kind === 'removed' ? (entry as { o: number }).o : (entry as { p: number }).p);
    const first = index(entries[s]!);
    const length = e - s;
    // a cut a reader would make: on line boundaries, and around whole bracket pairs
    const nested = (start: number) => {
      let depth = 0;
      for (let t = start; t < start + length; t += 1) {
        depth += tokens[t]!.bracket;
        if (depth < 0) return false;
      }
      return depth === 0;
    };
    const score = (start: number) =>
      (startsLine(text, tokens[start]!.start) ? 1 : 0) +
      (tokens[start + length] && startsLine(text, tokens[start + length]!.start) ? 1 : 0) +
      (nested(start) ? 2 : 0);
    let best = first;
    let bestScore = score(first);
    // slide left while the token before the run equals the run's last token
    for (let start = first - 1, k = s - 1; k >= 0 && start >= 0 && entries[k]!.kind === 'same'; start -= 1, k -= 1) {
      if (tokens[start]!.key !== tokens[start + length]!.key) break;
      const value = score(start);
      if (value > bestScore) [best, bestScore] = [start, value];
    }
    for (let start = first + 1, k = e; k < entries.length && entries[k]!.kind === 'same' && start + length <= tokens.length; start += 1, k += 1) {
      if (tokens[start - 1]!.key !== tokens[start + length - 1]!.key) break;
      const value = score(start);
      if (value > bestScore) [best, bestScore] = [start, value];
    }
    if (best !== first) {
      // rebuild the entries of the region spanning both placements
      const shift = best - first;
      const lo = shift < 0 ? s + shift : s;
      const hi = shift < 0 ? e : e + shift;
      const other = (entry: Entry) => (kind === 'removed' ? (entry as { p: number }).p : (entry as { o: number }).o);
      const sameOthers = entries.slice(lo, hi).filter((entry) => entry.kind === 'same').map(other);
      const rebuilt: Entry[] = [];
      const startIndex = Math.min(first, best);
      let nextOther = 0;
      for (let t = startIndex; t < startIndex + (hi - lo); t += 1) {
        if (t >= best && t < best + length) rebuilt.push(kind === 'removed' ? { kind, o: t } : { kind: 'added', p: t });
        else {
          const counterpart = sameOthers[nextOther++]!;
          rebuilt.push(kind === 'removed' ? { kind: 'same', o: t, p: counterpart } : { kind: 'same', o: counterpart, p: t });
        }
      }
      entries.splice(lo, hi - lo, ...rebuilt);
    }
    s = e - 1;
  }
}

/** Offset -> 0-based line number, by binary search over line starts. */
export function lineNumbers(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/** The indentation of the line `offset` is on, when only whitespace precedes it there. */
export function lineIndent(text: string, offset: number): string | undefined {
  let start = offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start -= 1;
  if (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') return undefined;
  return text.slice(start, offset);
}
