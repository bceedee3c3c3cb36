/**
 * Printing an edited AST: recast's print, then the original text put back wherever the edit did
 * not reach (the shebang, the directive prologue, and token by token in reconcile.ts).
 */
import { parse as babelParse } from '@babel/parser';
import recast from 'recast';
import { maskShebang, unmaskSeparators, type ParsedFile, type TextStyle } from './parse.js';
import { reconcile } from './reconcile.js';

/**
 * Prints an AST parsed by `parseSource`, reusing the original text of every untouched node.
 * `source` is the text it was parsed from (BOM stripped).
 */
export function printAst(parsed: ParsedFile, source: string, style: TextStyle): string {
  const { ast, style: print } = parsed;
  const printed = recast.print(ast, {
    lineTerminator: style.eol,
    quote: print.quote,
    tabWidth: print.tabWidth,
    useTabs: print.useTabs,
    trailingComma: print.trailingComma,
    objectCurlySpacing: print.objectCurlySpacing,
    wrapColumn: 100,
  }).code;
  const whole = restorePrologue(source, unmaskShebang(source, unmaskSeparators(source, printed)), ast.program?.directives?.length > 0);
  return reconcile(source, whole, parsed.options);
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
function restorePrologue(source: string, printed: string, hasDirectives: boolean): string {
  if (!hasDirectives) return printed;
  const before = prologueEnd(source);
  const after = prologueEnd(printed);
  if (before === undefined || after === undefined) return printed;
  return source.slice(0, before) + printed.slice(after);
}

/** Index just past the directive prologue, a stray `;` after it, and the whitespace after that. */
function prologueEnd(text: string): number | undefined {
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
  if (!last) return undefined;
  let index: number = last.end;
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

