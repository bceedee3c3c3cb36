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
import { semicolonCounts } from '../ast/imports.js';
import { babelParseFile as babelParse, detectPrintStyle, maskShebang, type BabelError, type PrintStyle } from './parse.js';
import { align, dropIslands, lineIndent, lineNumbers, parseWithTokens, slide, tokenize, tokensOf, type Entry, type Token } from './token-align.js';

const COMMENT = /\/\*[\s\S]*?\*\/|\/\/[^\n\r\u2028\u2029]*/g;

/** The comments of a gap, whitespace removed, in any order. */
function sortedComments(gap: string): string {
  return commentsOf(gap).split('\n').sort().join('\n');
}

/** The comments of a gap, whitespace removed, to tell whether the printer moved or added one. */
function commentsOf(gap: string): string {
  if (!gap.includes('/')) return ''; // most gaps: whitespace only
  return (gap.match(COMMENT) ?? []).map((comment) => comment.replace(/\s+/g, '')).join('\n');
}

/**
 * Builds the text: original tokens and gaps where both texts agree, printed ones elsewhere. With
 * `keepSoft`, a `;` or parenthesis recast added or dropped between kept tokens is undone.
 */
function compose(source: string, printedText: string, original: Token[], printed: Token[], entries: Entry[], keepSoft: boolean, style: PrintStyle): string {
  // With keepSoft, soft-only differences become "same" by dropping added soft tokens and keeping removed ones.
  const list: Entry[] = [];
  if (keepSoft) {
    // printed lines an edit really wrote: punctuation there is the edit's own
    const printedLineOf = lineNumbers(printedText);
    const editedLines = new Set(
      entries.filter((e): e is Entry & { kind: 'added' } => e.kind === 'added' && !printed[e.p]!.soft).map((e) => printedLineOf(printed[e.p]!.start)),
    );
    // a `;` the printer ends an edited line with, in a file that never ends a statement with one
    // (a file that mixes both keeps the printer's `;`)
    const counts = semicolonCounts(source);
    const semicolonless = counts.withSemicolon === 0 && counts.without > 0;
    const strayEnd = (p: number) =>
      semicolonless && printedText.slice(printed[p]!.start, printed[p]!.end) === ';' && /^[ \t]*(\/\/[^\r\n]*)?(\r|\n|$)/.test(printedText.slice(printed[p]!.end));
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[i]!;
      // a run of changes made only of soft tokens, between two kept tokens
      if (entry.kind !== 'same') {
        let end = i;
        while (end < entries.length && entries[end]!.kind !== 'same') end += 1;
        const run = entries.slice(i, end);
        const softOnly = run.every((e) =>
          e.kind === 'added'
            ? printed[e.p]!.soft && (!editedLines.has(printedLineOf(printed[e.p]!.start)) || strayEnd(e.p))
            : original[(e as { o: number }).o]!.soft,
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

  const { layout, broken, extended } = printedLayout(source, printedText, original, printed, list);
  // printed token -> the one-item-per-line list it is an item start or the closer of
  const inList = new Map<number, { shape: ListShape; place: 'first' | 'item' | 'closer' }>();
  for (const [open, shape] of extended) {
    inList.set(open + 1, { shape, place: 'first' });
    const items = listLevel(printed, open, shape.close);
    for (let k = open + 2; k < shape.close; k += 1) if (items.has(k) && items.has(k - 1) && printedText.slice(printed[k - 1]!.start, printed[k - 1]!.end) === ',') inList.set(k, { shape, place: 'item' });
    inList.set(shape.close, { shape, place: 'closer' });
  }
  // A bracket pair that was on one line and that the printer broke over several (an options
  // object that gained properties): its lines are indented from the line its opener is on in the
  // result, one unit per bracket level, the closer at the opener's line indentation. recast's own
  // indentation there follows the statement, not the opener (`.connect(uri, {` in a chain).
  const brokenOwner = new Map<number, number>(); // printed token -> opener of the innermost broken pair
  for (const [open, close] of broken) for (let k = open + 1; k <= close; k += 1) if (!brokenOwner.has(k)) brokenOwner.set(k, open);
  const brokenOpeners = new Set(broken.map(([open]) => open));
  const unit = indentUnit(style);
  const inUnit = inFileUnit(unit, style.tabWidth);
  const openerIndent = new Map<number, string>(); // printed opener -> indentation of its line in the result
  let written = '';
  const out = {
    push(text: string) {
      written += text;
    },
  };
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
    if (entry.p >= 0 && brokenOpeners.has(entry.p)) {
      openerIndent.set(entry.p, /[^\r\n]*$/.exec(written)![0].match(/^[ \t]*/)![0]);
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
    let printedGap = pFrom < 0 || pTo < 0 || pTo !== pFrom + 1 ? undefined : printedText.slice(printed[pFrom]!.end, printed[pTo]!.start);
    const keptGap = neighboursInOriginal && (printedGap === undefined || commentsOf(printedGap) === commentsOf(source.slice(token.end, original[(following as { o: number }).o]!.start)));
    const listed = pTo >= 0 ? inList.get(pTo) : undefined;
    // original neighbours keep their gap inside the list as written; a gap from another statement (the merged-in import's) does not
    const ownGap = keptGap && listed !== undefined && (following as { o: number }).o > listed.shape.originalOpen && (following as { o: number }).o <= listed.shape.originalClose;
    if (printedGap !== undefined && listed !== undefined && !ownGap) {
      // an item added to a list written one item per line gets a line of its own (a comment that
      // came with it, a line above it), and the list keeps its trailing comma
      const { shape, place } = listed;
      const lastText = (fromOriginal ? source : printedText).slice(token.start, token.end);
      const comments = printedGap.match(COMMENT) ?? [];
      if (place === 'closer') {
        if (shape.trailingComma && lastText !== ',') out.push(',');
        out.push(comments.map((comment) => shape.separator + comment).join('') + shape.beforeClose);
      } else {
        const step = place === 'first' ? shape.afterOpen : shape.separator;
        out.push(step + comments.map((comment) => comment + shape.separator).join(''));
      }
    } else if (neighboursInOriginal) {
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
    } else if (
      printedGap !== undefined &&
      !/[\r\n]/.test(printedGap) &&
      entry.kind === 'same' &&
      !layout[i] &&
      following.kind === 'added' &&
      printedText.slice(printed[pTo]!.start, printed[pTo]!.end) === '.' &&
      chainBreakAfter(source, original, entry.o) !== undefined
    ) {
      // a call inserted into a member chain written one call per line gets its own line, like the
      // call after it (recast prints `.limit(n).lean()` on one line)
      out.push(chainBreakAfter(source, original, entry.o)!);
    } else if (printedGap !== undefined) {
      // recast sets a multi-line property of an object it generates apart with blank lines; an author does not
      if (following.kind === 'added' && (fromOriginal ? source : printedText).slice(token.start, token.end) === ',') printedGap = oneLineBreak(printedGap);
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
        const owner = brokenOwner.get(pTo);
        const base = owner === undefined ? undefined : openerIndent.get(owner);
        let inBroken: string | undefined;
        if (base !== undefined) {
          // the printer's own indentation relative to the opener's line when it has one, else one unit per level
          const levels = Math.max(0, printed[pTo]!.depth - printed[owner!]!.depth);
          const printedBase = /^[ \t]*/.exec(printedText.slice(printedText.lastIndexOf('\n', printed[owner!]!.start) + 1))![0];
          const printedIndent = /[ \t]*$/.exec(printedGap)![0];
          const relative = printedIndent.startsWith(printedBase) ? printedIndent.slice(printedBase.length) : '';
          inBroken = base + (levels === 0 ? '' : relative.length > 0 ? inUnit(relative) : unit.repeat(levels));
        }
        out.push(reindentGap(printedGap, inBroken ?? keptNext, anchor, inUnit));
      }
    } else {
      // a kept soft token next to a dropped one: take the original gap
      const nextOriginal = following.kind === 'same' ? original[following.o]!.start : token.end;
      out.push(entry.kind === 'same' ? source.slice(token.end, nextOriginal) : ' ');
    }
  }
  return written;
}

/**
 * Which entries keep the printer's layout rather than the original's: kept tokens the edit moved
 * into other brackets (code wrapped in a new function), and the inside of a bracket pair that was
 * on one line and that the printer broke over several to fit the edit (an options object that
 * gained properties).
 */
/** Bracket pairs up to this many tokens whose content was gathered from elsewhere take the printer's layout. */
const GATHERED = 400;

function printedLayout(
  source: string,
  printedText: string,
  original: Token[],
  printed: Token[],
  list: Entry[],
): { layout: boolean[]; broken: Array<[number, number]>; extended: Map<number, ListShape & { close: number }> } {
  const broken: Array<[number, number]> = [];
  const extended = new Map<number, ListShape & { close: number }>();
  const layout = list.map((entry) => entry.kind === 'same' && entry.p >= 0 && printed[entry.p]!.depth !== original[entry.o]!.depth);
  const listIndex = new Int32Array(printed.length).fill(-1); // printed token -> list index
  list.forEach((entry, index) => {
    if (entry.kind !== 'removed' && entry.p >= 0) listIndex[entry.p] = index;
  });
  const at = (p: number): number | undefined => (listIndex[p]! < 0 ? undefined : listIndex[p]);
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
    const lo = at(openP);
    const hi = at(p);
    if (lo === undefined || hi === undefined || hi - lo < 2) continue;
    if (changesBefore[hi]! - changesBefore[lo + 1]! === 0) continue; // nothing changed inside
    // A list written one item per line that the printer ran together to add items to it (a merged
    // import: `{ a, b, c }`, or `a, b, // note\nc` when a comment came along) keeps its own layout.
    // Its closer may be aligned with the closer of the merged-in import: the opener's original mate
    // says how it was written.
    const runTogether =
      printedLine(printed[openP]!.start) === printedLine(printed[p]!.start) ||
      [...listLevel(printed, openP, p)].some((k) => {
        const token = printed[k]!;
        if (printedText.slice(token.start, token.end) !== ',' || k + 1 >= p) return false;
        const gap = printedText.slice(token.end, printed[k + 1]!.start);
        if (!/^[ \t]*([^\s]|$)/.test(gap)) return false;
        // a comment at the end of the item's line is no item when the original has it there too (`}), // note`)
        const entry = list[at(k) ?? -1];
        const comment = lineEndComment(gap);
        return !(comment && entry?.kind === 'same' && comment === lineEndComment(source.slice(original[entry.o]!.end, original[entry.o + 1]?.start ?? source.length)));
      });
    if (runTogether) {
      const opener = list[lo]!;
      const firstItem = list[lo + 1];
      // the list's own opener and first item, kept (not a coincidental match inside generated code)
      const own = opener.kind === 'same' && opener.p >= 0 && firstItem?.kind === 'same' && firstItem.o === opener.o + 1 && firstItem.p === opener.p + 1;
      const mate = own ? originalMate.get(opener.o) : undefined;
      const shape = mate !== undefined && originalLine(original[(opener as { o: number }).o]!.start) !== originalLine(original[mate]!.start) ? listShape(source, original, (opener as { o: number }).o, mate) : undefined;
      if (shape) {
        extended.set(openP, { ...shape, close: p });
        continue;
      }
    }
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
    if (oneLine && inPlace) broken.push([openP, p]);
  }
  // A printed line with an edit that joins tokens kept from several original lines (two imports
  // merged into one) is laid out as printed: the original spacing of either line would be wrong.
  // (only the lines holding an added token are grouped: no other group is edited)
  const editedLines = new Set<number>();
  for (const entry of list) if (entry.kind === 'added') editedLines.add(printedLine(printed[entry.p]!.start));
  const lines = new Map<number, { entries: number[]; edited: boolean; from: Set<number> }>();
  list.forEach((entry, index) => {
    if (entry.kind === 'removed' || entry.p < 0) return;
    const line = printedLine(printed[entry.p]!.start);
    if (!editedLines.has(line)) return;
    let group = lines.get(line);
    if (!group) lines.set(line, (group = { entries: [], edited: false, from: new Set() }));
    group.entries.push(index);
    if (entry.kind === 'added') group.edited = true;
    else group.from.add(originalLine(original[entry.o]!.start));
  });
  const inExtended = (index: number) => {
    const p = list[index]!.kind === 'removed' ? -1 : (list[index] as { p: number }).p;
    return [...extended].some(([open, { close }]) => p > open && p <= close);
  };
  for (const group of lines.values()) if (group.edited && group.from.size > 1) for (const index of group.entries) if (!inExtended(index)) layout[index] = true;
  return { layout, broken, extended };
}

interface ListShape {
  /** The original tokens of the brackets. */
  originalOpen: number;
  originalClose: number;
  /** The whitespace between the opening bracket and the first item. */
  afterOpen: string;
  /** The whitespace after each item's comma (`,\n  ` minus the comma). */
  separator: string;
  /** The whitespace before the closing bracket. */
  beforeClose: string;
  trailingComma: boolean;
}

/** How a bracket list written one item per line lays its items out, when it is that plain (no comments between items). */
function listShape(source: string, original: Token[], open: number, close: number): ListShape | undefined {
  const depth = original[open]!.depth + 1;
  let separator: string | undefined;
  for (let k = open + 1; k < close - 1; k += 1) {
    const token = original[k]!;
    if (token.depth !== depth || source.slice(token.start, token.end) !== ',') continue;
    const gap = source.slice(token.end, original[k + 1]!.start);
    if (!/^[ \t]*(\r\n|\r|\n)[ \t]*$/.test(gap)) return undefined;
    separator ??= gap;
  }
  const beforeClose = source.slice(original[close - 1]!.end, original[close]!.start);
  const afterOpen = source.slice(original[open]!.end, original[open + 1]!.start);
  const lineBreak = /^[ \t]*(\r\n|\r|\n)[ \t]*$/;
  if (!lineBreak.test(beforeClose) || !lineBreak.test(afterOpen)) return undefined;
  // one item: the next goes where it stands
  separator ??= afterOpen;
  return { originalOpen: open, originalClose: close, afterOpen, separator, beforeClose, trailingComma: source.slice(original[close - 1]!.start, original[close - 1]!.end) === ',' };
}

/** The line break and indentation before the `.` that follows original token `o`, when the chain breaks there. */
function chainBreakAfter(source: string, original: Token[], o: number): string | undefined {
  const next = original[o + 1];
  if (!next || source.slice(next.start, next.end) !== '.') return undefined;
  const gap = source.slice(original[o]!.end, next.start);
  return /^[ \t]*(\r\n|\r|\n)[ \t]*$/.test(gap) ? gap : undefined;
}

/** The file's indentation unit: a tab, or the most common of two and four spaces. */
function indentUnit(style: PrintStyle): string {
  return style.useTabs ? '\t' : ' '.repeat(style.tabWidth);
}

/** The printer's indentation (spaces, `width` per level) in the file's unit: a tab-indented file gets tabs. */
function inFileUnit(unit: string, width: number): (printed: string) => string {
  if (unit !== '\t') return (printed) => printed;
  const levels = new RegExp(`^(?:${' '.repeat(width)})+`);
  return (printed) => printed.replace(levels, (run) => '\t'.repeat(run.length / width));
}

/** The comment a gap starts with on its first line (`// note`, `/* note *\/`), if any. */
function lineEndComment(gap: string): string | undefined {
  return /^[ \t]*(\/\/[^\r\n]*|\/\*[^\r\n]*?\*\/)/.exec(gap)?.[1];
}

/**
 * The tokens strictly between the bracket pair `open`..`close` that belong to the list itself, not
 * to something nested in it: parentheses count here (`depth` leaves them out), so the `,` of a
 * call inside an item (`b: f('X', 'y')`) is no item separator.
 */
function listLevel(tokens: Token[], open: number, close: number): Set<number> {
  const own = new Set<number>();
  let level = 0;
  for (let k = open + 1; k < close; k += 1) {
    if (tokens[k]!.bracket < 0) level -= 1;
    if (level === 0) own.add(k);
    if (tokens[k]!.bracket > 0) level += 1;
  }
  return own;
}

/** A whitespace gap with blank lines in it as one line break and the last line's indentation. */
function oneLineBreak(gap: string): string {
  const breaks = gap.match(/\r\n|\r|\n/g) ?? [];
  if (breaks.length < 2 || !/^\s*$/.test(gap)) return gap;
  return breaks[0]! + /[ \t]*$/.exec(gap)![0];
}

/** Two whitespace gaps that differ only in how lines end and how far they are indented. */
function sameShape(a: string, b: string): boolean {
  const breaks = (gap: string) => (gap.match(/\r\n|\r|\n|\u2028|\u2029/g) ?? []).length;
  return /^\s*$/.test(a) && /^\s*$/.test(b) && breaks(a) > 0 && breaks(a) === breaks(b);
}

/**
 * A printed gap that ends a line: the next line's indentation follows the original file. Before a
 * kept token that starts its line, its original indentation; before printed code, the printed
 * indentation shifted as the last kept line was shifted.
 */
function reindentGap(gap: string, keptNext: string | undefined, anchor: { original: string; printed: string } | undefined, inUnit: (printed: string) => string): string {
  const end = Math.max(gap.lastIndexOf('\n'), gap.lastIndexOf('\r'));
  if (end === -1) return gap;
  const head = gap.slice(0, end + 1);
  const indent = gap.slice(end + 1);
  if (!/^[ \t]*$/.test(indent)) return gap;
  if (keptNext !== undefined) return head + keptNext;
  // the printer indents with spaces; a file indented with tabs gets tabs
  if (!anchor) return head + inUnit(indent);
  if (indent.startsWith(anchor.printed)) return head + anchor.original + inUnit(indent.slice(anchor.printed.length));
  if (anchor.printed.startsWith(indent) && anchor.original.length >= anchor.printed.length - indent.length) {
    return head + anchor.original.slice(0, anchor.original.length - (anchor.printed.length - indent.length));
  }
  return head + inUnit(indent);
}

/** Structural equality of two programs, ignoring positions, comments, parentheses, empty statements and whitespace inside templates. */
export function sameProgram(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    // the two lists without their empty statements (and holes), walked side by side (no copies)
    let i = 0;
    let k = 0;
    for (;;) {
      while (i < a.length && (!(i in a) || isEmptyStatement(a[i]))) i += 1;
      while (k < b.length && (!(k in b) || isEmptyStatement(b[k]))) k += 1;
      if (i === a.length || k === b.length) return i === a.length && k === b.length;
      if (!sameProgram(a[i], b[k])) return false;
      i += 1;
      k += 1;
    }
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (x.type === 'TemplateElement' && y.type === 'TemplateElement') {
    const raw = (node: Record<string, any>) => String(node.value?.raw ?? '').replace(/\s+/g, '');
    return raw(x) === raw(y);
  }
  if (x.type === 'JSXText' && y.type === 'JSXText') return String(x.value).replace(/\s+/g, '') === String(y.value).replace(/\s+/g, '');
  // every own enumerable key of either (Object.keys), each once
  for (const key in x) {
    if (!hasOwn.call(x, key) || IGNORED.has(key)) continue;
    if (!sameProgram(x[key], y[key])) return false;
  }
  for (const key in y) {
    if (!hasOwn.call(y, key) || isEnumerable.call(x, key) || IGNORED.has(key)) continue;
    if (!sameProgram(x[key], y[key])) return false;
  }
  return true;
}

const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;
const isEmptyStatement = (node: any) => Boolean(node && node.type === 'EmptyStatement');

const IGNORED = new Set([
  'start', 'end', 'loc', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'errors',
]);

/**
 * A text and, when the work that made it parsed exactly that text (with the options given and error
 * recovery on), Babel's recovered errors of that parse: a caller that checks the text parses needs
 * no parse of its own.
 */
export interface Reconciled {
  text: string;
  recovered?: readonly BabelError[];
}

/**
 * The printed text with every difference that is only formatting undone, and the errors of the
 * parse that proved it when there was one. Returns `printedText` itself when it cannot prove the
 * reconciled text means the same. `style`: the source's print style, when the caller has it (a
 * ParsedFile does).
 */
export function reconcileParsed(
  source: string,
  printedText: string,
  options: ParserOptions,
  sourceTokens?: readonly any[],
  style: PrintStyle = detectPrintStyle(source),
): Reconciled {
  if (source === printedText) return { text: printedText };
  // recast's parse keeps Babel's tokens, of the source itself when it has no tabs or CR (see ParsedFile)
  const original = sourceTokens ? tokensOf(source, sourceTokens) : tokenize(source, options);
  // one parse of the printed text gives its tokens and the program the result must equal
  const printedFile = parseWithTokens(printedText, options);
  const printed = printedFile && tokensOf(printedText, printedFile.tokens);
  const asPrinted: Reconciled = printedFile ? { text: printedText, recovered: printedFile.errors ?? [] } : { text: printedText };
  if (!original || !printed || original.length === 0 || printed.length === 0) return asPrinted;
  const entries = align(original, printed);
  slide(entries, original, printed, source, printedText);
  dropIslands(entries, original, printed);
  const target = printedFile.program;
  for (const keepSoft of [true, false]) {
    const text = compose(source, printedText, original, printed, entries, keepSoft, style);
    // nothing to undo (most prints on the corpus): the printed text is its own proof
    if (text === printedText) return asPrinted;
    try {
      const file = parseFile(text, options);
      if (sameProgram(file.program, target)) return { text, recovered: file.errors ?? [] };
    } catch {
      // try the next, less aggressive, composition
    }
  }
  return asPrinted;
}

/** `reconcileParsed`'s text alone. */
export const reconcile = (...args: Parameters<typeof reconcileParsed>): string => reconcileParsed(...args).text;

function parseFile(text: string, options: ParserOptions): { program: unknown; errors?: BabelError[] } {
  return babelParse(maskShebang(text), { ...options, tokens: false, errorRecovery: true, attachComment: false });
}
