/**
 * Parsing and printing. Each extension has exactly one parser configuration; there is never a
 * silent fallback to another. Babel's error recovery is on, but the only recovered error accepted
 * is a redeclared binding (seed 003's file repeats one import 14 times, which is exactly what
 * dedupe-imports repairs); any other syntax error fails the parse with its location.
 */
import { parse as babelParse, type ParserOptions, type ParserPlugin } from '@babel/parser';
import jscodeshift, { type JSCodeshift } from 'jscodeshift';
import recast from 'recast';
import { dominantQuote } from '../ast/imports.js';
import type { Language } from '../transform.js';
import { sameTree, withRecastParse } from './tree-copy.js';

const CHECK_TREE_COPY = process.env.HARDEN_CHECK_TREE_COPY === '1';

export type { Language };

const LANGUAGE_BY_EXTENSION: Record<string, Language> = {
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
  tsx: 'tsx',
  js: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
};

export const SUPPORTED_EXTENSIONS = Object.keys(LANGUAGE_BY_EXTENSION);

/** The extension of a path without the dot, lower-cased ('' when none). */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export function languageFor(path: string): Language | undefined {
  return LANGUAGE_BY_EXTENSION[extensionOf(path)];
}

const COMMON_PLUGINS: ParserPlugin[] = [
  'decorators-legacy',
  'classProperties',
  'classPrivateProperties',
  'classPrivateMethods',
  'classStaticBlock',
  'topLevelAwait',
  'importAttributes',
  'explicitResourceManagement',
  'dynamicImport',
  'exportDefaultFrom',
  'decoratorAutoAccessors',
];

/**
 * What the parser needs to know beyond the extension. `flow`: the file's package type-checks with
 * Flow (flow-bin, a Flow Babel preset or plugin, a .flowconfig), so its `.js` files may carry
 * annotations; a file with an `@flow` pragma is read as Flow whatever its package says.
 */
export interface Dialect {
  flow?: boolean;
}

/** Whether a JavaScript file is Flow-annotated: its package says so, or its leading comment has `@flow`. */
export function isFlow(source: string, dialect: Dialect | undefined): boolean {
  return Boolean(dialect?.flow) || /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*?(?:\/\/|\/\*)[^\n]*@flow\b/.test(source.slice(0, 4096));
}

export function babelOptions(path: string, language: Language, flow = false): ParserOptions {
  const ext = extensionOf(path);
  const plugins: ParserPlugin[] = [...COMMON_PLUGINS.filter((p) => p !== 'importAttributes'), ['importAttributes', { deprecatedAssertSyntax: true }]];
  if (language === 'ts') plugins.push('typescript');
  if (language === 'tsx') plugins.push('typescript', 'jsx');
  if (language === 'js') plugins.push('jsx');
  if (language === 'js' && flow) plugins.push(['flow', { all: true }]);
  return {
    sourceType: language === 'js' && ext !== 'mjs' ? (ext === 'cjs' ? 'script' : 'unambiguous') : 'module',
    allowReturnOutsideFunction: ext === 'cjs' || (language === 'js' && ext !== 'mjs'),
    allowAwaitOutsideFunction: ext === 'mjs' || language !== 'js',
    errorRecovery: true,
    tokens: true,
    createParenthesizedExpressions: false,
    plugins,
  };
}

/** A syntax error with a 1-based line and column. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

export interface BabelError {
  reasonCode?: string;
  message: string;
  loc?: { line: number; column: number };
}

/**
 * Babel's parse, with one correction: with `sourceType: 'unambiguous'` a file that turns out to
 * be a script still carries the strict-mode errors of the module attempt (`let public`, `010`,
 * `with`, duplicate parameters). Node runs such a CommonJS file in sloppy mode, so it is parsed
 * again as a script.
 */
export function babelParseFile(text: string, options: ParserOptions): any {
  const ast = babelParse(text, options) as any;
  if (options.sourceType === 'unambiguous' && ast.program?.sourceType === 'script' && ast.errors?.length > 0) {
    return babelParse(text, { ...options, sourceType: 'script' });
  }
  return ast;
}

/** Recovered errors harden tolerates: only redeclared bindings. */
const TOLERATED_REASONS = new Set(['VarRedeclaration']);

/**
 * How many redeclarations Babel recovered from (`ast.errors` of a parse with error recovery on);
 * throws the first recovered error harden does not tolerate, as a ParseError.
 */
export function acceptRecovered(recovered: readonly BabelError[]): number {
  const fatal = recovered.find((error) => !TOLERATED_REASONS.has(error.reasonCode ?? ''));
  if (fatal) throw toParseError(fatal);
  return recovered.length;
}

function toParseError(error: BabelError): ParseError {
  if (error instanceof RangeError) throw error; // stack overflow: not a syntax error, reported by the run
  const line = error.loc?.line ?? 1;
  const column = (error.loc?.column ?? 0) + 1;
  const message = error.message.replace(/ \(\d+:\d+\)$/, '');
  return new ParseError(message, line, column);
}

export interface ParsedFile {
  /** The recast-wrapped File node. */
  ast: any;
  /** Indentation and quotes detected from the text; printing must use the same tab width. */
  style: PrintStyle;
  /** How many redeclaration errors the parser recovered from. */
  redeclarations: number;
  /** The parser options used, so printing and re-parsing read the text the same way. */
  options: ParserOptions;
  /**
   * Babel's tokens of the source itself (a shebang read as a comment), when recast parsed exactly
   * that text: it parses the text with tabs expanded and line ends made `\n`, whose offsets are
   * not the source's, so for a file with tabs or CR line ends there are none.
   */
  sourceTokens?: readonly any[];
}

/** Parses `source` for `path` with recast (so printing keeps the original formatting). */
export function parseSource(source: string, path: string, dialect?: Dialect): ParsedFile {
  const language = languageFor(path);
  if (!language) throw new ParseError(`no parser for the extension of ${path}`, 1, 1);
  const options = babelOptions(path, language, language === 'js' && isFlow(source, dialect));
  const style = detectPrintStyle(source);
  let recovered: BabelError[] = [];
  let sourceTokens: any[] | undefined;
  const parser = {
    parse(text: string) {
      const ast = babelParseFile(text, options) as { errors?: BabelError[]; tokens?: any[] };
      recovered = ast.errors ?? [];
      if (text === maskShebang(source)) sourceTokens = ast.tokens;
      return ast;
    },
  };
  let ast: any;
  const text = maskSeparators(maskShebang(source));
  try {
    ast = recast.parse(text, { parser, tabWidth: style.tabWidth });
  } catch (error) {
    throw toParseError(error as BabelError);
  }
  if (CHECK_TREE_COPY && !sameTree(ast, withRecastParse(() => recast.parse(text, { parser, tabWidth: style.tabWidth })))) {
    const message = `tree copy: the parse of ${path} differs from recast's own (HARDEN_CHECK_TREE_COPY)`;
    process.stderr.write(`${message}\n`);
    throw new Error(message);
  }
  return { ast, style, redeclarations: acceptRecovered(recovered), options, ...(sourceTokens ? { sourceTokens } : {}) };
}

/**
 * Parses with Babel alone: about six times faster than `parseSource` (no token copy, no shadow
 * tree), for reading (analysis, other project files) but never for printing. Same parser options
 * and the same accepted errors as `parseSource`. Comments are not attached to nodes (no
 * `leadingComments`; `File.comments` lists them all): transforms decide from the code alone, and
 * attaching them is a good part of Babel's time on commented code.
 */
export function parseForAnalysis(source: string, path: string, dialect?: Dialect): { ast: any; redeclarations: number } {
  const language = languageFor(path);
  if (!language) throw new ParseError(`no parser for the extension of ${path}`, 1, 1);
  let ast: any;
  try {
    ast = babelParseFile(source, { ...babelOptions(path, language, language === 'js' && isFlow(source, dialect)), tokens: false, attachComment: false });
  } catch (error) {
    throw toParseError(error as BabelError);
  }
  return { ast, redeclarations: acceptRecovered(ast.errors ?? []) };
}

/** Line terminator, BOM and trailing-newline facts of a file's text. */
export interface TextStyle {
  bom: boolean;
  eol: '\n' | '\r\n' | '\r';
}

export function detectTextStyle(text: string): TextStyle {
  const bom = text.charCodeAt(0) === 0xfeff;
  let crlf = 0;
  let lf = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
    if (index > 0 && text.charCodeAt(index - 1) === 13) crlf += 1;
    else lf += 1;
  }
  const cr = (text.match(/\r(?!\n)/g) ?? []).length;
  const eol = cr > crlf && cr > lf ? '\r' : crlf > lf ? '\r\n' : '\n';
  return { bom, eol };
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Printing preferences for code recast has to generate, detected from the file. */
export interface PrintStyle {
  quote: 'single' | 'double';
  tabWidth: number;
  useTabs: boolean;
  /** Multi-line object/array literals end with a comma (`a: 1,\n}`) more often than not. */
  trailingComma: boolean;
  /** One-line braces are written `{ a }` rather than `{a}` (imports, objects, destructuring). */
  objectCurlySpacing: boolean;
}

/** Detects quotes and indentation cheaply from the file text (most common wins). */
export function detectPrintStyle(source: string): PrintStyle {
  let tabs = 0;
  const widths = new Map<number, number>();
  for (const match of source.matchAll(/^([ \t]+)\S/gm)) {
    const indent = match[1] ?? '';
    if (indent.startsWith('\t')) tabs += 1;
    else if (indent.length === 2 || indent.length === 4) widths.set(indent.length, (widths.get(indent.length) ?? 0) + 1);
  }
  const withComma = (source.match(/,[ \t]*\r?\n[ \t]*[}\]]/g) ?? []).length;
  const withoutComma = (source.match(/[\w'"`\])][ \t]*\r?\n[ \t]*[}\]][ \t]*[),;]/g) ?? []).length;
  // one-line braces of imports, exports and destructuring (JSX's `{count}` is no sign of style)
  const spaced = (source.match(/^[ \t]*(?:import|export|const|let|var)\b[^{\r\n]*\{[ \t]+[^\s{}][^{}\r\n]*\}/gm) ?? []).length;
  const tight = (source.match(/^[ \t]*(?:import|export|const|let|var)\b[^{\r\n]*\{[^\s{}](?:[^{}\r\n]*[^\s{}])?\}/gm) ?? []).length;
  const two = widths.get(2) ?? 0;
  const four = widths.get(4) ?? 0;
  return {
    quote: dominantQuote(source),
    useTabs: tabs > two + four,
    tabWidth: two === 0 && four > 0 ? 4 : 2,
    trailingComma: withComma > withoutComma,
    objectCurlySpacing: tight <= spaced,
  };
}

/**
 * A shebang line is parsed as a comment of the same length (`#!` -> `//`), so recast never moves
 * it (it prints Babel's InterpreterDirective after the directives when it reprints a Program).
 */
export function maskShebang(source: string): string {
  return source.startsWith('#!') ? `//${source.slice(2)}` : source;
}

/**
 * U+2028 and U+2029 are held as private-use characters while recast has the text: recast splits
 * lines at them and joins the lines with `\n`, which ends a string literal that holds one (the file
 * no longer parses). Not done when the file already uses those private-use characters.
 */
export function maskSeparators(text: string): string {
  if (!/[\u2028\u2029]/.test(text) || /[\uE028\uE029]/.test(text)) return text;
  return text.replace(/\u2028/g, '\uE028').replace(/\u2029/g, '\uE029');
}

/** The printed text of a file parsed with `maskSeparators`, with its U+2028 and U+2029 back. */
export function unmaskSeparators(source: string, printed: string): string {
  if (maskSeparators(source) === source) return printed;
  return printed.replace(/\uE028/g, '\u2028').replace(/\uE029/g, '\u2029');
}

/** The parser object jscodeshift's `j` uses for templates in a file of this path. */
/**
 * The jscodeshift API for a file's parser. Made once per parser: `withParser` copies every builder
 * and type onto a new object, which cost more than the transforms' own work on small files.
 */
const apis = new Map<string, JSCodeshift>();
export function jscodeshiftFor(path: string, flow = false): JSCodeshift {
  const key = `${extensionOf(path)}:${flow}`;
  let api = apis.get(key);
  if (!api) apis.set(key, (api = jscodeshift.withParser(parserFor(path, flow))));
  return api;
}

export function parserFor(path: string, flow = false): { parse(source: string): any } {
  const language = languageFor(path) ?? 'js';
  const options = { ...babelOptions(path, language, flow), errorRecovery: false };
  return { parse: (source: string): any => babelParseFile(source, options) };
}
