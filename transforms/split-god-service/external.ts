/**
 * What other modules do with the class: subclass it, read or write its fields, or take its
 * methods as unbound references. Text-level and name-based, so it errs on the side of refusing.
 */
import { posix } from 'node:path';

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
    const match = pattern.exec(text);
    if (match) return { file: other, ...position(text, match.index), detail: `${other} extends ${className}` };
  }
  return undefined;
}

/** `.field` read or written in an importing module. */
export function fieldUsedOutside(fields: readonly string[], importers: readonly string[], files: ReadonlyMap<string, string>): OutsideUse | undefined {
  for (const file of importers) {
    const text = files.get(file)!;
    for (const field of fields) {
      const match = new RegExp(`\\.${field}\\b(?!\\s*\\()`).exec(text);
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
      const match = new RegExp(`\\.${method}\\b(?!\\s*(?:\\(|<|\\.bind\\b|\\?\\.\\())`).exec(text);
      if (match) return { file, ...position(text, match.index), detail: `${file} takes .${method} without binding it` };
    }
  }
  return undefined;
}
