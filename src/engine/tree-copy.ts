/**
 * recast's parse, without its per-node overhead.
 *
 * recast parses a file and then copies the whole tree (`TreeCopier` in recast/lib/parser.js), so
 * that printing can compare the edited copy with the untouched original; it also fills in a text
 * `value` for every token that lacks one. On the corpus's changed files that copy was 35% of
 * recast's parse, and the token values another 15%: each value was cut through
 * `Lines.sliceString`, which normalises a full options object per token.
 *
 * `parse` below is recast 0.23's own, step by step, with two changes that give the same result:
 * a token on one line takes its value straight from the text the parser read (its offsets are
 * into that text), and the copier checks a node's type once per type, and calls
 * `util.fixFaultyLocations` only for the nodes it can change. It is installed on recast's parser
 * module, which `recast.parse` calls through.
 *
 * `HARDEN_CHECK_TREE_COPY=1` parses every file a second time with recast's own parse and throws
 * when the two trees differ (parse.ts; run the fixtures and the corpus gate with it after changing
 * this file).
 */
import recast from 'recast';
import { isPlainObject } from './node-index.js';
import { installPort, recastModule, recastRequire } from './recast-port.js';

const parserModule = recastModule<{ parse(source: string, options?: unknown): any }>('parser.js');
const util = recastModule<{
  getOption(options: unknown, key: string, fallback: unknown): any;
  fixFaultyLocations(node: any, lines: any): void;
  getTrueLoc(node: any, lines: any): { start: any; end: any };
  comparePos(a: any, b: any): number;
}>('util.js');
const { normalize } = recastModule<{ normalize(options: unknown): any }>('options.js');
const { fromString, Lines } = recastModule<{ fromString(source: string, options: unknown): any; Lines: new (...args: any[]) => any }>('lines.js');
const { attach } = recastModule<{ attach(comments: any[], ast: any, lines: any): void }>('comments.js');
/** recast's fallback for a parser that gives no tokens (harden's always does). */
const esprimaTokens = (text: string): any[] => (recastRequire('esprima') as { tokenize(text: string, options: unknown): any[] }).tokenize(text, { loc: true });

const types = recast.types as any;
const b = types.builders;
const { MethodDefinition, Property } = types.namedTypes;

function parse(source: string, options?: unknown): any {
  const normalized = normalize(options);
  const lines = fromString(source, normalized);
  const sourceWithoutTabs: string = lines.toString({ tabWidth: normalized.tabWidth, reuseWhitespace: false, useTabs: false });
  let comments: any[] = [];
  const ast = normalized.parser.parse(sourceWithoutTabs, {
    jsx: true,
    loc: true,
    locations: true,
    range: normalized.range,
    comment: true,
    onComment: comments,
    tolerant: util.getOption(normalized, 'tolerant', true),
    ecmaVersion: 6,
    sourceType: util.getOption(normalized, 'sourceType', 'module'),
  });
  const tokens: any[] = Array.isArray(ast.tokens) ? ast.tokens : esprimaTokens(sourceWithoutTabs);
  delete ast.tokens;
  for (const token of tokens) {
    if (typeof token.value === 'string') continue;
    // one line of the text the parser read: its offsets are the token's
    const oneLine = token.loc.start.line === token.loc.end.line && typeof token.start === 'number' && typeof token.end === 'number';
    token.value = oneLine ? sourceWithoutTabs.slice(token.start, token.end) : lines.sliceString(token.loc.start, token.loc.end);
  }
  if (Array.isArray(ast.comments)) {
    comments = ast.comments;
    delete ast.comments;
  }
  if (ast.loc) util.fixFaultyLocations(ast, lines);
  else ast.loc = { start: lines.firstPos(), end: lines.lastPos() };
  ast.loc.lines = lines;
  ast.loc.indent = 0;
  let file: any;
  let program: any;
  if (ast.type === 'Program') {
    program = ast;
    file = b.file(ast, normalized.sourceFileName || null);
    file.loc = { start: lines.firstPos(), end: lines.lastPos(), lines, indent: 0 };
  } else if (ast.type === 'File') {
    file = ast;
    program = file.program;
  }
  if (normalized.tokens) file.tokens = tokens;
  const trueProgramLoc = util.getTrueLoc({ type: program.type, loc: program.loc, body: [], comments }, lines);
  program.loc.start = trueProgramLoc.start;
  program.loc.end = trueProgramLoc.end;
  attach(comments, program.body.length ? file.program : file, lines);
  return new TreeCopier(lines, tokens).copy(file);
}

/** Whether `util.fixFaultyLocations` changes nodes of a type whatever their fields (its type checks, once per type). */
const fixedTypes = new Map<string, boolean>();
function fixedType(type: string): boolean {
  let fixed = fixedTypes.get(type);
  if (fixed === undefined) {
    const example = { type };
    fixed = ['File', 'ForStatement', 'TemplateLiteral', 'ObjectTypeProperty'].includes(type) || Boolean(MethodDefinition.check(example)) || Boolean(Property.check(example));
    fixedTypes.set(type, fixed);
  }
  return fixed;
}

/** Whether `util.fixFaultyLocations` may change `node`: every condition of its branches, loosely. */
function mayNeedFix(node: any): boolean {
  const loc = node.loc;
  if (loc && (loc.start.line < 1 || loc.end.line < 1)) return true;
  if (node.decorators || node.declaration) return true;
  const type = node.type;
  return typeof type === 'string' && fixedType(type);
}

const originalProperty = { configurable: false, enumerable: false, writable: true };

/** recast's TreeCopier, copying the same properties in the same order. */
class TreeCopier {
  private startTokenIndex = 0;
  private endTokenIndex: number;
  private indent = 0;
  private readonly seen = new Map<object, any>();

  constructor(
    private readonly lines: any,
    private readonly tokens: any[],
  ) {
    this.endTokenIndex = tokens.length;
  }

  copy(node: any): any {
    if (typeof node !== 'object' || node === null) return node;
    const known = this.seen.get(node);
    if (known !== undefined) return known;
    if (Array.isArray(node)) {
      const copy = node.slice();
      this.seen.set(node, copy);
      for (let i = 0; i < node.length; i += 1) if (i in node) copy[i] = this.copy(node[i]);
      return copy;
    }
    if (!isPlainObject(node as unknown)) return node;
    if (mayNeedFix(node)) util.fixFaultyLocations(node, this.lines);
    const copy = Object.create(Object.getPrototypeOf(node));
    Object.defineProperty(copy, 'original', originalProperty);
    copy.original = node;
    this.seen.set(node, copy);
    const loc = node.loc;
    const oldIndent = this.indent;
    let newIndent = oldIndent;
    const type = node.type;
    if (loc) {
      // a comment, or a node that starts its line, sets the indentation of what is inside it
      if (type === 'Block' || type === 'Line' || type === 'CommentBlock' || type === 'CommentLine' || this.lines.isPrecededOnlyByWhitespace(loc.start)) {
        newIndent = this.indent = loc.start.column;
      }
      loc.lines = this.lines;
      loc.tokens = this.tokens;
      loc.indent = newIndent;
      this.findTokenRange(loc);
    }
    const oldStartTokenIndex = this.startTokenIndex;
    const oldEndTokenIndex = this.endTokenIndex;
    const keys = Object.keys(node);
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i]!;
      if (key === 'loc') copy.loc = loc;
      else if (key === 'tokens' && type === 'File') copy.tokens = node.tokens;
      else copy[key] = this.copy(node[key]);
    }
    this.indent = oldIndent;
    this.startTokenIndex = oldStartTokenIndex;
    this.endTokenIndex = oldEndTokenIndex;
    return copy;
  }

  /** recast's: `loc.start.token` and `loc.end.token` bound the tokens of the node. */
  private findTokenRange(loc: any): void {
    const tokens = loc.tokens;
    while (this.startTokenIndex > 0) {
      const token = tokens[this.startTokenIndex];
      if (util.comparePos(loc.start, token.loc.start) < 0) this.startTokenIndex -= 1;
      else break;
    }
    while (this.endTokenIndex < tokens.length) {
      const token = tokens[this.endTokenIndex];
      if (util.comparePos(token.loc.end, loc.end) <= 0) this.endTokenIndex += 1;
      else break;
    }
    while (this.startTokenIndex < this.endTokenIndex) {
      const token = tokens[this.startTokenIndex];
      if (util.comparePos(token.loc.start, loc.start) < 0) this.startTokenIndex += 1;
      else break;
    }
    loc.start.token = this.startTokenIndex;
    while (this.endTokenIndex > this.startTokenIndex) {
      const token = tokens[this.endTokenIndex - 1];
      if (util.comparePos(loc.end, token.loc.end) < 0) this.endTokenIndex -= 1;
      else break;
    }
    loc.end.token = this.endTokenIndex;
  }
}

/**
 * Whether two parses of one text are the same tree: the same properties in the same order with the
 * same values (`original` and `loc` included, shared objects shared alike; recast's `Lines` by
 * their text). For `HARDEN_CHECK_TREE_COPY`.
 */
export function sameTree(a: any, b: any, pairs = new Map<object, object>()): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  const paired = pairs.get(a);
  if (paired !== undefined) return paired === b;
  pairs.set(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Lines) return String(a.toString()) === String(b.toString());
  const plain = isPlainObject(a as unknown);
  if (Array.isArray(a) !== Array.isArray(b) || plain !== isPlainObject(b as unknown)) return false;
  if (!Array.isArray(a) && !plain) return String(a) === String(b);
  if (Array.isArray(a) && a.length !== b.length) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length || keys.some((key, i) => key !== otherKeys[i])) return false;
  if (keys.some((key) => !sameTree(a[key], b[key], pairs))) return false;
  return !('original' in a || 'original' in b) || sameTree(a.original, b.original, pairs);
}

/** Runs `run` with recast's own parse installed (the check that this one builds the same tree). */
export const withRecastParse = installPort(parserModule, 'parse', parse);
