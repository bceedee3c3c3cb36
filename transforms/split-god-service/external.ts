/**
 * What other modules do with the class: subclass it, read or write its fields, or take its
 * methods as unbound references. Text-level and name-based, so it errs on the side of refusing;
 * comments and string literals are not code, so a name mentioned there is no reference.
 */
import { posix } from 'node:path';
import { ts } from './ts-morph.js';

const blanked = new Map<string, string>();

/**
 * `text` with comments (JSDoc included), string, template and regular-expression literal text
 * replaced by spaces; same length and line breaks, so positions stay right.
 */
export function codeOnly(text: string, path: string): string {
  const cached = blanked.get(text);
  if (cached !== undefined) return cached;
  const kind = /\.[jt]sx$/.test(path) ? ts.ScriptKind.TSX : /\.[cm]?js$/.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const out = text.split('');
  const blank = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  const literal = new Set([
    ts.SyntaxKind.StringLiteral,
    ts.SyntaxKind.NoSubstitutionTemplateLiteral,
    ts.SyntaxKind.TemplateHead,
    ts.SyntaxKind.TemplateMiddle,
    ts.SyntaxKind.TemplateTail,
    ts.SyntaxKind.RegularExpressionLiteral,
  ]);
  const visit = (node: import('ts-morph').ts.Node) => {
    if (ts.isJSDoc(node)) return blank(node.pos, node.end);
    const children = node.getChildren(file);
    if (children.length === 0) {
      blank(node.pos, node.getStart(file));
      if (literal.has(node.kind)) blank(node.getStart(file), node.end);
      return;
    }
    children.forEach(visit);
  };
  visit(file);
  const result = out.join('');
  if (blanked.size > 200) blanked.clear();
  blanked.set(text, result);
  return result;
}

/** The first match of `pattern` in the code of `text` (not in comments or strings). */
function matchInCode(pattern: RegExp, text: string, path: string): RegExpExecArray | null {
  if (!pattern.test(text)) return null;
  return pattern.exec(codeOnly(text, path));
}

const SPECIFIER = /(?:from\s*|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

function stripExtension(path: string): string {
  return path.replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '').replace(/\/index$/, '');
}

/** Files (other than `path`) that import `path` through a relative specifier. */
export function importersOf(path: string, files: ReadonlyMap<string, string>): string[] {
  const target = stripExtension(path);
  const found: string[] = [];
  for (const [other, text] of files) {
    if (other === path) continue;
    for (const match of text.matchAll(SPECIFIER)) {
      if (stripExtension(posix.normalize(posix.join(posix.dirname(other), match[1]!))) === target) {
        found.push(other);
        break;
      }
    }
  }
  return found;
}

export interface OutsideUse {
  file: string;
  line: number;
  column: number;
  detail: string;
}

function position(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

export function subclassElsewhere(className: string, path: string, files: ReadonlyMap<string, string>): OutsideUse | undefined {
  const pattern = new RegExp(`\\bextends\\s+(?:[\\w$]+\\.)?${className}\\b`);
  for (const [other, text] of files) {
    if (other === path) continue;
    const match = matchInCode(pattern, text, other);
    if (match) return { file: other, ...position(text, match.index), detail: `${other} extends ${className}` };
  }
  return undefined;
}

/** `.field` read or written in an importing module. */
export function fieldUsedOutside(fields: readonly string[], importers: readonly string[], files: ReadonlyMap<string, string>): OutsideUse | undefined {
  for (const file of importers) {
    const text = files.get(file)!;
    for (const field of fields) {
      const match = matchInCode(new RegExp(`\\.${field}\\b(?!\\s*\\()`), text, file);
      if (match) {
        const rest = text.slice(match.index + field.length + 1);
        const write = /^\s*(?:[-+*/%&|^]|\?\?|&&|\|\||\*\*|<<|>>>?)?=(?!=)|^\s*(?:\+\+|--)/.test(rest);
        return { file, ...position(text, match.index), detail: `${file} ${write ? 'writes' : 'reads'} .${field}` };
      }
    }
  }
  return undefined;
}

/** `.method` used as a value (not called, not bound) in an importing module. */
export function methodTakenUnbound(methods: readonly string[], importers: readonly string[], files: ReadonlyMap<string, string>): OutsideUse | undefined {
  for (const file of importers) {
    const text = files.get(file)!;
    for (const method of methods) {
      const match = matchInCode(new RegExp(`\\.${method}\\b(?!\\s*(?:\\(|<|\\.bind\\b|\\?\\.\\())`), text, file);
      if (match) return { file, ...position(text, match.index), detail: `${file} takes .${method} without binding it` };
    }
  }
  return undefined;
}
