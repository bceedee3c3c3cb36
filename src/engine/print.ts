/**
 * Printing an edited AST: recast's print, then the original text put back wherever the edit did
 * not reach (the shebang, the directive prologue, and token by token in reconcile.ts).
 */
import { parse as babelParse } from '@babel/parser';
import recast from 'recast';
import { lineCommentEnd } from '../ast/comments.js';
import { insertedLines, splitLines } from './line-diff.js';
import { maskShebang, unmaskSeparators, type ParsedFile, type TextStyle } from './parse.js';
import { reconcileParsed, type Reconciled } from './reconcile.js';
import { withRecastSearch } from './reprints.js';

const CHECK_REPRINTS = process.env.HARDEN_CHECK_REPRINTS === '1';

/**
 * Prints an AST parsed by `parseSource`, reusing the original text of every untouched node.
 * `source` is the text it was parsed from (BOM stripped). With the text, Babel's recovered errors
 * of it when printing parsed exactly that text with the file's parser options (see `Reconciled`).
 */
export function printAst(parsed: ParsedFile, source: string, style: TextStyle): Reconciled {
  const { ast, style: print } = parsed;
  const options = {
    lineTerminator: style.eol,
    quote: print.quote,
    tabWidth: print.tabWidth,
    useTabs: print.useTabs,
    trailingComma: print.trailingComma,
    objectCurlySpacing: print.objectCurlySpacing,
    wrapColumn: 100,
  } as const;
  const printed = recast.print(ast, options).code;
  if (CHECK_REPRINTS) {
    const expected = withRecastSearch(() => recast.print(ast, options).code);
    if (expected !== printed) {
      const message = "reprints: the print differs from recast's own (HARDEN_CHECK_REPRINTS)";
      process.stderr.write(`${message}\n`); // the run reports a printing error as the file's, and goes on
      throw new Error(message);
    }
  }
  const whole = restorePrologue(source, unmaskShebang(source, unmaskSeparators(source, printed)), ast.program?.directives ?? []);
  const reconciled = reconcileParsed(source, whole, parsed.options, parsed.sourceTokens, print);
  const text = separateAppendedStatement(source, joinInsertedImports(source, reconciled.text));
  return text === reconciled.text ? reconciled : { text };
}

/** One top-level import or require on one line: `import x from 'm';`, `const { a } = require('m');`. */
const IMPORT_LINE = /^(import\s[^;'"]*?\sfrom\s*(['"])[^'"\r\n]+\2|import\s*(['"])[^'"\r\n]+\3|(?:const|let|var)\s+[\w${}\s,:]+=\s*require\((['"])[^'"\r\n]+\4\)(?:\.[\w$]+)?)\s*;?[ \t]*(\/\/[^\r\n]*)?\r?\n?$/;
const BLANK_LINE = /^[ \t]*\r?\n?$/;
const isImportLine = (line: string) => line.length < 300 && IMPORT_LINE.test(line);

/**
 * Imports and requires harden inserted after a file's import group join that group: recast sets a
 * new statement apart with blank lines, so `A` `` `NEW` `` `B` (NEW after the blank lines that ended
 * the group) becomes `A` `NEW` `` `B`, as an author adds an import. Only blank lines harden added
 * go; the result still differs from the source by inserted lines alone.
 */
export function joinInsertedImports(source: string, text: string): string {
  if (source === text || !/\b(import|require)\b/.test(text)) return text;
  const lines = splitLines(text);
  const inserted = insertedLines(splitLines(source), lines);
  if (!inserted.some(Boolean)) return text;
  const drop = new Set<number>();
  for (let k = 1; k < lines.length; k += 1) {
    // blank lines after an import of the file's own, then imports all inserted, then blank lines
    if (!BLANK_LINE.test(lines[k]!) || inserted[k - 1] || !isImportLine(lines[k - 1]!)) continue;
    let first = k;
    while (first < lines.length && BLANK_LINE.test(lines[first]!)) first += 1;
    let m = first;
    while (m < lines.length && inserted[m] && isImportLine(lines[m]!)) m += 1;
    let end = m;
    while (end < lines.length && BLANK_LINE.test(lines[end]!)) end += 1;
    if (m === first || end === m || end >= lines.length) continue;
    // the blank lines above the imports go only when as many blank lines around them are new
    const blanksAbove = first - k;
    const newBlanks = [...inserted.slice(k, first), ...inserted.slice(m, end)].filter(Boolean).length;
    if (newBlanks < blanksAbove) continue;
    for (let d = k; d < first; d += 1) drop.add(d);
    k = end - 1;
  }
  return drop.size === 0 ? text : lines.filter((_, index) => !drop.has(index)).join('');
}

/** A top-level line that ends a statement spanning several lines: `};`, `})`, `);`, `]`. */
const CLOSING_LINE = /^[}\])][^\r\n]*\r?\n?$/;

/**
 * Statements harden appended at the end of a file, after a statement spanning several lines, are
 * set apart by a blank line, as recast does for the same insertion anywhere else in the file (it
 * does not at the end: `};` then `closeOnShutdown(…)` ran together).
 */
export function separateAppendedStatement(source: string, text: string): string {
  if (source === text) return text;
  const lines = splitLines(text);
  const original = splitLines(source);
  const inserted = insertedLines(original, lines);
  let first = lines.length;
  while (first > 0 && inserted[first - 1]) first -= 1;
  if (first === lines.length || first === 0) return text;
  const before = lines[first - 1]!;
  const start = lines[first]!;
  // only an append: the source ended with that line (a replaced last statement keeps its spacing)
  const withoutEol = (line: string) => line.replace(/\r?\n$|\r$/, '');
  if (withoutEol(original[original.length - 1] ?? '') !== withoutEol(before)) return text;
  if (!CLOSING_LINE.test(before) || BLANK_LINE.test(start) || /^[ \t]/.test(start) || isImportLine(start)) return text;
  const eol = before.endsWith('\r\n') ? '\r\n' : before.endsWith('\n') ? '\n' : before.endsWith('\r') ? '\r' : undefined;
  if (!eol) return text;
  return [...lines.slice(0, first), eol, ...lines.slice(first)].join('');
}

function unmaskShebang(source: string, printed: string): string {
  if (!source.startsWith('#!')) return printed;
  const line = source.slice(2, source.search(/\r?\n|$/));
  if (!printed.startsWith(`//${line}`)) throw new Error('the shebang line moved while printing');
  return `#!${printed.slice(2)}`;
}

/**
 * recast reprints a Program's directive prologue (`'use strict';`) with an extra `;` and loses
 * the spacing after it when the Program's statement list changes length. The prologue is never
 * edited by a transform, so its original text (up to the first statement) is put back verbatim.
 */
function restorePrologue(source: string, printed: string, directives: readonly any[]): string {
  if (directives.length === 0) return printed;
  // (not from recast's tree: its offsets are those of the text with tabs expanded and line ends made \n)
  const raws = directives.map((directive) => directive.value?.extra?.raw);
  const before = prologueEnd(source, raws);
  const after = prologueEnd(printed, raws);
  if (before === undefined || after === undefined) return printed;
  return source.slice(0, before) + printed.slice(after);
}

/** Index just past the directive prologue, a stray `;` after it, and the whitespace after that. */
function prologueEnd(text: string, raws: ReadonlyArray<string | undefined>): number | undefined {
  return scanPrologue(text, raws) ?? parsedPrologueEnd(text);
}

/** `prologueEnd` from a parse of the text. */
export function parsedPrologueEnd(text: string): number | undefined {
  let program: any;
  try {
    program = (babelParse(maskShebang(text), {
      sourceType: 'unambiguous',
      errorRecovery: true,
      plugins: ['typescript', 'decorators-legacy'],
    }) as any).program;
  } catch {
    return undefined;
  }
  const last = program.directives?.[program.directives.length - 1];
  return last ? afterPrologue(text, last.end) : undefined;
}

/**
 * The end of the last directive found by reading the text (no parse): a shebang, comments and
 * whitespace, then each directive's literal as the tree has it, each followed by `;` or a line
 * end. Undefined for anything else (a literal written otherwise, a comment before a `;`): the
 * parse then decides.
 */
export function scanPrologue(text: string, raws: ReadonlyArray<string | undefined>): number | undefined {
  let index = text.startsWith('#!') ? lineCommentEnd(text, 0) : 0;
  let end = 0;
  for (const raw of raws) {
    if (!raw || raw.length < 2) return undefined;
    for (;;) {
      while (index < text.length && /\s/.test(text[index]!)) index += 1;
      if (text.startsWith('//', index)) index = lineCommentEnd(text, index);
      else if (text.startsWith('/*', index)) {
        const close = text.indexOf('*/', index + 2);
        if (close < 0) return undefined;
        index = close + 2;
      } else break;
    }
    if (!text.startsWith(raw, index)) return undefined;
    index += raw.length;
    while (text[index] === ' ' || text[index] === '\t') index += 1;
    if (text[index] === ';') index += 1;
    else if (index < text.length && text[index] !== '\n' && text[index] !== '\r') return undefined;
    end = index;
  }
  return afterPrologue(text, end);
}


/** Index past a stray `;` after the prologue that ends at `index`, and the whitespace after that. */
function afterPrologue(text: string, index: number): number {
  const skipSpace = () => {
    while (index < text.length && /\s/.test(text[index]!)) index += 1;
  };
  skipSpace();
  if (text[index] === ';') {
    index += 1;
    skipSpace();
  }
  return index;
}

