/**
 * Keeps untouched code byte-for-byte. recast reprints a parent to fit an edited child: it
 * re-indents whole handler bodies and block comments, re-indents a template literal's text, adds
 * or drops `;` and parentheses, changes quotes. Here the printed text is compared with the
 * original token by token; every token recast kept is emitted with its original text, and the
 * whitespace and comments between two tokens that are neighbours in both texts are the original
 * ones. Only the tokens an edit inserted or removed, and the gaps next to them, come from the
 * printer. The result is accepted only when it parses to the same program as the printed text
 * (ignoring formatting); otherwise the printed text is kept as it was.
 */
import type { ParserOptions } from '@babel/parser';
import { babelParseFile as babelParse } from './parse.js';
import { diffArrays } from 'diff';

interface Token {
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

function tokenize(text: string, options: ParserOptions): Token[] | undefined {
  let ast: any;
  try {
    // a shebang is read as a comment of the same length, so offsets stay the same
    const masked = text.startsWith('#!') ? `//${text.slice(2)}` : text;
    ast = babelParse(masked, { ...options, tokens: true, errorRecovery: true });
  } catch {
    return undefined;
  }
  const tokens: Token[] = [];
  let depth = 0;
  const all = (ast.tokens as any[]).filter((token) => token.type !== 'CommentLine' && token.type !== 'CommentBlock');
  for (const [index, token] of all.entries()) {
    const label: string = typeof token.type === 'string' ? token.type : token.type.label;
    // comments stay in the gaps between tokens (Babel lists them among the tokens)
    if (label === 'eof' || token.type === 'CommentLine' || token.type === 'CommentBlock') continue;
    const raw = text.slice(token.start, token.end);
    let key: string;
    if (label === 'template' || label === 'jsxText') key = `${label}:${raw.replace(/\s+/g, '')}`;
    else if (label === 'string') key = `string:${String(token.value)}`;
    else key = `${label}:${raw}`;
    const bracket = OPENING.has(label) ? 1 : CLOSING.has(label) ? -1 : 0;
    // depth counts braces and brackets only: parentheses come and go with formatting
    const counted = label !== '(' && label !== ')';
    if (bracket < 0 && counted) depth -= 1;
    const next = all[index + 1];
    const nextLabel = next ? (typeof next.type === 'string' ? next.type : next.type.label) : '';
    // a trailing comma before a closing bracket is formatting too
    const trailingComma = label === ',' && (nextLabel === '}' || nextLabel === ']' || nextLabel === ')');
    tokens.push({ start: token.start, end: token.end, key, soft: label === ';' || label === '(' || label === ')' || trailingComma, depth, bracket });
    if (bracket > 0 && counted) depth += 1;
  }
  return tokens;
}

const COMMENT = /\/\*[\s\S]*?\*\/|\/\/[^\n\r\u2028\u2029]*/g;

/** The comments of a gap, whitespace removed, in any order. */
function sortedComments(gap: string): string {
  return (gap.match(COMMENT) ?? []).map((comment) => comment.replace(/\s+/g, '')).sort().join('\n');
}

/** The comments of a gap, whitespace removed, to tell whether the printer moved or added one. */
function commentsOf(gap: string): string {
  return (gap.match(COMMENT) ?? []).map((comment) => comment.replace(/\s+/g, '')).join('\n');
}

type Entry = { kind: 'same'; o: number; p: number } | { kind: 'added'; p: number } | { kind: 'removed'; o: number };

/** Token alignment of the original and printed texts (common prefix and suffix first: edits are few). */
function align(original: Token[], printed: Token[]): Entry[] {
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

function dropIslands(entries: Entry[], original: Token[], printed: Token[]): void {
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
function slide(entries: Entry[], original: Token[], printed: Token[], source: string, printedText: string): void {
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

/**
 * Builds the text: original tokens and gaps where both texts agree, printed ones elsewhere. With
 * `keepSoft`, a `;` or parenthesis recast added or dropped between kept tokens is undone.
 */
function compose(source: string, printedText: string, original: Token[], printed: Token[], entries: Entry[], keepSoft: boolean): string {
  // With keepSoft, soft-only differences become "same" by dropping added soft tokens and keeping removed ones.
  const list: Entry[] = [];
  if (keepSoft) {
    // printed lines an edit really wrote: punctuation there is the edit's own
    const printedLineOf = lineNumbers(printedText);
    const editedLines = new Set(
      entries.filter((e): e is Entry & { kind: 'added' } => e.kind === 'added' && !printed[e.p]!.soft).map((e) => printedLineOf(printed[e.p]!.start)),
    );
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[i]!;
      // a run of changes made only of soft tokens, between two kept tokens
      if (entry.kind !== 'same') {
        let end = i;
        while (end < entries.length && entries[end]!.kind !== 'same') end += 1;
        const run = entries.slice(i, end);
        const softOnly = run.every((e) =>
          e.kind === 'added' ? printed[e.p]!.soft && !editedLines.has(printedLineOf(printed[e.p]!.start)) : original[(e as { o: number }).o]!.soft,
        );
        if (softOnly) {
          for (const e of run) if (e.kind === 'removed') list.push({ kind: 'same', o: e.o, p: -1 });
          i = end - 1;
          continue;
        }
        list.push(...run);
        i = end - 1;
        continue;
      }
      list.push(entry);
    }
  } else {
    list.push(...entries);
  }

  const layout = printedLayout(source, printedText, original, printed, list);
  const out: string[] = [];
  // leading text (before the first token)
  const first = list[0];
  if (first && first.kind === 'same' && first.o === 0 && (first.p === 0 || first.p === -1)) out.push(source.slice(0, original[0]!.start));
  else out.push(printedText.slice(0, printed[0]?.start ?? printedText.length));

  // The last kept token that starts a line in both texts: printed lines after it are re-indented
  // by the difference between its printed and its original indentation.
  let anchor: { original: string; printed: string } | undefined;
  for (let i = 0; i < list.length; i += 1) {
    const entry = list[i]!;
    if (entry.kind === 'removed') continue;
    const fromOriginal = entry.kind === 'same';
    const token = fromOriginal ? original[entry.o]! : printed[entry.p]!;
    if (entry.kind === 'same' && entry.p >= 0 && !layout[i]) {
      const o = lineIndent(source, original[entry.o]!.start);
      const p = lineIndent(printedText, printed[entry.p]!.start);
      if (o !== undefined && p !== undefined) anchor = { original: o, printed: p };
    }
    out.push((fromOriginal ? source : printedText).slice(token.start, token.end));
    // the gap after this token, up to the next emitted token
    let j = i + 1;
    while (j < list.length && list[j]!.kind === 'removed') j += 1;
    const following = list[j];
    if (!following) {
      // trailing text
      if (entry.kind === 'same' && (entry.o === original.length - 1 || entry.p < 0)) out.push(source.slice(token.end));
      else out.push(printedText.slice(printed[entry.p]!.end));
      break;
    }
    const neighboursInOriginal =
      entry.kind === 'same' && following.kind === 'same' && following.o === entry.o + 1 && !layout[i] && !layout[j];
    const pFrom = entry.p;
    const pTo = following.kind === 'removed' ? -1 : following.p;
    // a printed gap is only between printed neighbours (never across a dropped `;` or parenthesis)
    const printedGap = pFrom < 0 || pTo < 0 || pTo !== pFrom + 1 ? undefined : printedText.slice(printed[pFrom]!.end, printed[pTo]!.start);
    if (neighboursInOriginal) {
      const originalGap = source.slice(token.end, original[following.o]!.start);
      // a comment the printer added or moved stays as printed
      out.push(printedGap === undefined || commentsOf(printedGap) === commentsOf(originalGap) ? originalGap : printedGap);
    } else if (entry.kind === 'same' && following.kind === 'same' && !layout[i] && !layout[j] && list.slice(i + 1, j).every((e) => e.kind === 'removed') && j > i + 1) {
      // a pure removal: the text around the removed tokens is the original's, with the comments that were there
      const before = source.slice(token.end, original[(list[i + 1] as { o: number }).o]!.start);
      const after = source.slice(original[(list[j - 1] as { o: number }).o]!.end, original[following.o]!.start);
      // the printer decides which comments survive (a transform may drop a removed statement's
      // comment, or keep it); the original text decides their order and spacing
      const wanted = sortedComments(printedGap ?? '');
      const longer = after.length > before.length ? after : before;
      const choice = [longer, before, after, before + after.replace(/^[ \t]*(\r\n|\r|\n)?/, '')].find((gap) => sortedComments(gap) === wanted);
      out.push(choice ?? printedGap ?? longer);
    } else if (printedGap !== undefined) {
      // At the edge of a replacement the original gap on that side still stands (its line ends,
      // its indentation) when it has as many line breaks as the printed one and neither has comments.
      const originalEdge =
        entry.kind === 'same' && !layout[i] && list[i + 1]?.kind === 'removed'
          ? source.slice(token.end, original[entry.o + 1]!.start)
          : following.kind === 'same' && !layout[j] && list[j - 1]?.kind === 'removed'
            ? source.slice(original[following.o - 1]!.end, original[following.o]!.start)
            : undefined;
      if (originalEdge !== undefined && sameShape(originalEdge, printedGap)) out.push(originalEdge);
      else {
        const keptNext = following.kind === 'same' && !layout[j] ? lineIndent(source, original[following.o]!.start) : undefined;
        out.push(reindentGap(printedGap, keptNext, anchor));
      }
    } else {
      // a kept soft token next to a dropped one: take the original gap
      const nextOriginal = following.kind === 'same' ? original[following.o]!.start : token.end;
      out.push(entry.kind === 'same' ? source.slice(token.end, nextOriginal) : ' ');
    }
  }
  return out.join('');
}

/**
 * Which entries keep the printer's layout rather than the original's: kept tokens the edit moved
 * into other brackets (code wrapped in a new function), and the inside of a bracket pair that was
 * on one line and that the printer broke over several to fit the edit (an options object that
 * gained properties).
 */
/** Bracket pairs up to this many tokens whose content was gathered from elsewhere take the printer's layout. */
const GATHERED = 400;

function printedLayout(source: string, printedText: string, original: Token[], printed: Token[], list: Entry[]): boolean[] {
  const layout = list.map((entry) => entry.kind === 'same' && entry.p >= 0 && printed[entry.p]!.depth !== original[entry.o]!.depth);
  const at = new Map<number, number>(); // printed token -> list index
  list.forEach((entry, index) => {
    if (entry.kind !== 'removed' && entry.p >= 0) at.set(entry.p, index);
  });
  const changesBefore = [0];
  for (const entry of list) changesBefore.push(changesBefore[changesBefore.length - 1]! + (entry.kind === 'same' ? 0 : 1));
  const nextSame: number[] = new Array(list.length + 1).fill(list.length);
  for (let i = list.length - 1; i >= 0; i -= 1) nextSame[i] = list[i]!.kind === 'same' ? i : nextSame[i + 1]!;
  const prevSame: number[] = new Array(list.length).fill(-1);
  for (let i = 0; i < list.length; i += 1) prevSame[i] = list[i]!.kind === 'same' ? i : i > 0 ? prevSame[i - 1]! : -1;
  const originalLine = lineNumbers(source);
  const printedLine = lineNumbers(printedText);
  const originalMate = new Map<number, number>();
  const openings: number[] = [];
  original.forEach((token, o) => {
    if (token.bracket > 0) openings.push(o);
    else if (token.bracket < 0) {
      const open = openings.pop();
      if (open !== undefined) originalMate.set(open, o);
    }
  });
  const stack: number[] = [];
  for (let p = 0; p < printed.length; p += 1) {
    const bracket = printed[p]!.bracket;
    if (bracket > 0) stack.push(p);
    if (bracket >= 0) continue;
    const openP = stack.pop();
    if (openP === undefined) continue;
    const lo = at.get(openP);
    const hi = at.get(p);
    if (lo === undefined || hi === undefined || hi - lo < 2) continue;
    if (changesBefore[hi]! - changesBefore[lo + 1]! === 0) continue; // nothing changed inside
    if (printedLine(printed[openP]!.start) === printedLine(printed[p]!.start)) continue; // still one line
    const first = nextSame[lo]!;
    const last = prevSame[hi]!;
    const firstEntry = list[first];
    const lastEntry = list[last];
    const oneLine =
      first > last ||
      (firstEntry?.kind === 'same' && lastEntry?.kind === 'same' && originalLine(original[firstEntry.o]!.start) === originalLine(original[lastEntry.o]!.end));
    // brackets that are not one original pair hold content gathered from elsewhere (merged imports)
    const opener = list[lo]!;
    const closer = list[hi]!;
    const inPlace = opener.kind === 'same' && closer.kind === 'same' && originalMate.get(opener.o) === closer.o;
    if (oneLine || (!inPlace && hi - lo < GATHERED)) for (let k = lo + 1; k < hi; k += 1) layout[k] = true;
  }
  // A printed line with an edit that joins tokens kept from several original lines (two imports
  // merged into one) is laid out as printed: the original spacing of either line would be wrong.
  const lines = new Map<number, { entries: number[]; edited: boolean; from: Set<number> }>();
  list.forEach((entry, index) => {
    if (entry.kind === 'removed' || entry.p < 0) return;
    const line = printedLine(printed[entry.p]!.start);
    let group = lines.get(line);
    if (!group) lines.set(line, (group = { entries: [], edited: false, from: new Set() }));
    group.entries.push(index);
    if (entry.kind === 'added') group.edited = true;
    else group.from.add(originalLine(original[entry.o]!.start));
  });
  for (const group of lines.values()) if (group.edited && group.from.size > 1) for (const index of group.entries) layout[index] = true;
  return layout;
}

/** Offset -> 0-based line number, by binary search over line starts. */
function lineNumbers(text: string): (offset: number) => number {
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

/** Two whitespace gaps that differ only in how lines end and how far they are indented. */
function sameShape(a: string, b: string): boolean {
  const breaks = (gap: string) => (gap.match(/\r\n|\r|\n|\u2028|\u2029/g) ?? []).length;
  return /^\s*$/.test(a) && /^\s*$/.test(b) && breaks(a) > 0 && breaks(a) === breaks(b);
}

/** The indentation of the line `offset` is on, when only whitespace precedes it there. */
function lineIndent(text: string, offset: number): string | undefined {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start -= 1;
  const before = text.slice(start, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * A printed gap that ends a line: the next line's indentation follows the original file. Before a
 * kept token that starts its line, its original indentation; before printed code, the printed
 * indentation shifted as the last kept line was shifted.
 */
function reindentGap(gap: string, keptNext: string | undefined, anchor: { original: string; printed: string } | undefined): string {
  const end = Math.max(gap.lastIndexOf('\n'), gap.lastIndexOf('\r'));
  if (end === -1) return gap;
  const head = gap.slice(0, end + 1);
  const indent = gap.slice(end + 1);
  if (!/^[ \t]*$/.test(indent)) return gap;
  if (keptNext !== undefined) return head + keptNext;
  if (!anchor) return gap;
  if (indent.startsWith(anchor.printed)) return head + anchor.original + indent.slice(anchor.printed.length);
  if (anchor.printed.startsWith(indent) && anchor.original.length >= anchor.printed.length - indent.length) {
    return head + anchor.original.slice(0, anchor.original.length - (anchor.printed.length - indent.length));
  }
  return gap;
}

/** Structural equality of two programs, ignoring positions, comments, parentheses, empty statements and whitespace inside templates. */
function sameProgram(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const x = a.filter((n) => !(n && n.type === 'EmptyStatement'));
    const y = b.filter((n) => !(n && n.type === 'EmptyStatement'));
    return x.length === y.length && x.every((n, i) => sameProgram(n, y[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (x.type === 'TemplateElement' && y.type === 'TemplateElement') {
    const raw = (node: Record<string, any>) => String(node.value?.raw ?? '').replace(/\s+/g, '');
    return raw(x) === raw(y);
  }
  if (x.type === 'JSXText' && y.type === 'JSXText') return String(x.value).replace(/\s+/g, '') === String(y.value).replace(/\s+/g, '');
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of keys) {
    if (IGNORED.has(key)) continue;
    if (!sameProgram(x[key], y[key])) return false;
  }
  return true;
}

const IGNORED = new Set([
  'start', 'end', 'loc', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'errors',
]);

/**
 * The printed text with every difference that is only formatting undone. Returns `printedText`
 * itself when it cannot prove the reconciled text means the same.
 */
export function reconcile(source: string, printedText: string, options: ParserOptions): string {
  if (source === printedText) return printedText;
  const original = tokenize(source, options);
  const printed = tokenize(printedText, options);
  if (!original || !printed || original.length === 0 || printed.length === 0) return printedText;
  const entries = align(original, printed);
  slide(entries, original, printed, source, printedText);
  dropIslands(entries, original, printed);
  let target: any;
  try {
    target = parseProgram(printedText, options);
  } catch {
    return printedText;
  }
  for (const keepSoft of [true, false]) {
    const text = compose(source, printedText, original, printed, entries, keepSoft);
    try {
      const program = parseProgram(text, options);
      if (sameProgram(program, target)) return text;
    } catch {
      // try the next, less aggressive, composition
    }
  }
  return printedText;
}

function parseProgram(text: string, options: ParserOptions): unknown {
  const masked = text.startsWith('#!') ? `//${text.slice(2)}` : text;
  return babelParse(masked, { ...options, tokens: false, errorRecovery: true }).program;
}
