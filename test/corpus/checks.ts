/**
 * Pure checks of the corpus gate over one file's text before and after harden: churn (lines
 * that changed without a token changing on them), template literal text changed, use before
 * initialisation introduced, and TypeScript's own parse of a file. No I/O here.
 */
import { diffArrays, diffLines } from 'diff';
import ts from 'typescript';
import { babelParse, lineIndex } from './parse.js';

export interface LineFinding {
  side: 'before' | 'after';
  line: number;
  text: string;
}

export interface ChurnResult {
  churn: LineFinding[];
  templates: LineFinding[];
  /** token-less changed lines allowed: blank lines of a block that changes tokens, and lines of
   * a block that replaces only the lines of changed sites (`sites`, before-side line ranges) */
  relaid: number;
}

interface Token {
  key: string;
  start: number;
  end: number;
  startLine: number;
  endLine: number;
  template: boolean;
}

const TS_EXT = /\.(ts|tsx|mts|cts)$/;
const PUNCTUATION = new Set([';', '(', ')']);

function tokenize(text: string, file: string): Token[] | undefined {
  const ast = babelParse(text, file, true);
  if (!ast) return undefined;
  const lineOf = lineIndex(text);
  const out: Token[] = [];
  for (const raw of (ast as unknown as { tokens: Array<Record<string, any>> }).tokens) {
    const label: string = typeof raw.type === 'object' ? raw.type.label : raw.type;
    if (label === 'eof') continue;
    const template = label === 'template';
    // strings and numbers by value (a requoted literal is churn); templates by their raw text
    const value = template ? text.slice(raw.start, raw.end) : raw.value === undefined ? '' : String(raw.value);
    out.push({ key: `${label}\u0000${value}`, start: raw.start, end: raw.end, startLine: lineOf(raw.start), endLine: lineOf(Math.max(raw.start, raw.end - 1)), template });
  }
  return out;
}

function punctuationOnly(token: Token): boolean {
  return PUNCTUATION.has(token.key.split('\u0000')[0]!);
}

/**
 * Lines that a line diff shows as changed but on which no token was inserted (after) or
 * deleted (before), ignoring `;`, `(` and `)`: re-indented, whitespace-only or
 * punctuation-only changes. Templates whose raw text changed are reported separately.
 * A line whose surviving tokens sit on a counterpart line with a real change is part of that
 * edit (`function f(` → `async function f(`). Exempt (counted in `relaid`): a blank line next to real changes (the separator of an inserted
 * statement), and the lines of a change block whose removed lines all lie within changed sites.
 */
export function churn(before: string, after: string, file: string, sites: ReadonlyArray<readonly [number, number]> = []): ChurnResult {
  const a = tokenize(before, file);
  const b = tokenize(after, file);
  const result: ChurnResult = { churn: [], templates: [], relaid: 0 };
  if (!a || !b) return result;
  const inSite = (line: number) => sites.some(([from, to]) => line >= from && line <= to);
  const removedLines = new Set<number>();
  const addedLines = new Set<number>();
  const mark = (set: Set<number>, token: Token) => {
    for (let line = token.startLine; line <= token.endLine; line++) set.add(line);
  };
  const afterLines = after.split('\n');
  // common tokens pair a before line with after lines: a line whose tokens all survive but moved
  // onto a line that really changed (`function f` → `async function f`) is that edit, not churn
  const pairs = { before: new Map<number, Set<number>>(), after: new Map<number, Set<number>>() };
  const pair = (map: Map<number, Set<number>>, from: number, to: number) => (map.get(from) ?? map.set(from, new Set()).get(from)!).add(to);
  const parts = diffArrays(a, b, { comparator: (x: Token, y: Token) => x.key === y.key });
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next = parts[i + 1];
    // a template the edit of a changed site rewrote (a message trimmed for the logger) is that edit
    if (
      part.removed && next?.added && part.value.length === 1 && next.value.length === 1 &&
      part.value[0]!.template && next.value[0]!.template && !inSite(part.value[0]!.startLine)
    ) {
      const token = next.value[0]!;
      result.templates.push({ side: 'after', line: token.startLine, text: (afterLines[token.startLine - 1] ?? '').trim() });
    }
    if (part.removed) for (const token of part.value) if (!punctuationOnly(token)) mark(removedLines, token);
    if (part.added) for (const token of part.value) if (!punctuationOnly(token)) mark(addedLines, token);
    if (!part.added && !part.removed) {
      for (let k = 0; k < part.value.length; k++) {
        const x = a[ia + k]!;
        const y = b[ib + k]!;
        pair(pairs.before, x.startLine, y.startLine);
        pair(pairs.after, y.startLine, x.startLine);
      }
    }
    if (!part.added) ia += part.value.length;
    if (!part.removed) ib += part.value.length;
  }
  // group the line diff into blocks of consecutive removed/added lines
  type Block = { removed: LineFinding[]; added: LineFinding[] };
  const blocks: Block[] = [];
  let open: Block | undefined;
  let lineA = 1;
  let lineB = 1;
  for (const change of diffLines(before, after)) {
    const count = change.count ?? 0;
    const lines = change.value.split('\n').map((l) => l.replace(/\r$/, ''));
    if (!change.added && !change.removed) open = undefined;
    else {
      if (!open) blocks.push((open = { removed: [], added: [] }));
      for (let k = 0; k < count; k++) {
        if (change.added) open.added.push({ side: 'after', line: lineB + k, text: lines[k] ?? '' });
        else open.removed.push({ side: 'before', line: lineA + k, text: lines[k] ?? '' });
      }
    }
    if (!change.added) lineA += count;
    if (!change.removed) lineB += count;
  }
  for (const block of blocks) {
    const own = (l: LineFinding) => (l.side === 'after' ? addedLines : removedLines).has(l.line);
    const other = (l: LineFinding) => [...((l.side === 'after' ? pairs.after : pairs.before).get(l.line) ?? [])];
    const real = (l: LineFinding) => own(l) || other(l).some((line) => (l.side === 'after' ? removedLines : addedLines).has(line));
    const lines = [...block.removed, ...block.added];
    const changesTokens = lines.some(real);
    // a block that replaces only text of changed sites may re-lay it out (an object printed over lines)
    const withinSites = changesTokens && block.removed.length > 0 && block.removed.every((l) => inSite(l.line));
    // a bracket an edit closes right after a changed site's node, on its last line (`});` -> `}));`
    // when the node was wrapped in a call): punctuation, but the edit's own
    const closesSite = !changesTokens && block.removed.length === block.added.length && block.removed.length > 0 &&
      block.removed.every((l) => sites.some(([, to]) => l.line === to));
    // one line broken over several to hold what an edit added inside it (`import { a }` gaining names)
    const expanded = (() => {
      if (!changesTokens || block.removed.length !== 1) return false;
      const targets = other(block.removed[0]!).sort((x, y) => x - y);
      if (targets.length < 2) return false;
      const [low, high] = [targets[0]!, targets[targets.length - 1]!];
      return block.added.some((l) => l.line > low && l.line < high && real(l));
    })();
    for (const l of lines) {
      if (real(l)) continue;
      if (withinSites || closesSite || expanded || (changesTokens && l.text.trim() === '')) result.relaid++;
      else result.churn.push(l);
    }
  }
  return result;
}

/** TypeScript's own parse diagnostics for a file (by extension), as `line:col message`. */
export function typescriptParseErrors(text: string, file: string): string[] {
  const kind = /\.tsx$/.test(file)
    ? ts.ScriptKind.TSX
    : /\.(jsx)$/.test(file)
      ? ts.ScriptKind.JSX
      : TS_EXT.test(file)
        ? ts.ScriptKind.TS
        : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((d) => {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

export { loadTimeUses, useBeforeInit, type EarlyUse } from './scope.js';
