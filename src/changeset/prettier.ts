/**
 * Generated code in the project's own style. A file harden creates (a generated logger, a Redis
 * client module) is formatted with the project's prettier when the project has prettier installed
 * where that file would resolve it, and a prettier config that applies to the file (and does not
 * ignore it). In a file that exists, only the statements harden inserted are formatted (each
 * whole statement on lines that are all new, e.g. `const logger = require('./lib/logger')`),
 * standalone and indented to its place; untouched code stays byte-for-byte. Never with a prettier
 * of harden's own: a project that does not format with prettier gets the code as harden wrote it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { insertedLines } from '../engine/line-diff.js';
import { parseForAnalysis } from '../engine/parse.js';
import { toAbsolute } from '../engine/paths.js';
import { sameProgram } from '../engine/reconcile.js';
import type { Changeset, FileChange } from './changeset.js';

interface Prettier {
  format(text: string, options: Record<string, unknown>): string | Promise<string>;
  resolveConfig(file: string, options?: Record<string, unknown>): Promise<Record<string, unknown> | null>;
  getFileInfo(file: string, options?: Record<string, unknown>): Promise<{ ignored: boolean; inferredParser: string | null }>;
}

/** Formats the created support files of `changeset`, and the statements inserted into its existing files, with the project's prettier. */
export async function formatCreatedFiles(changeset: Changeset): Promise<Changeset> {
  const candidates = changeset.changes.filter((change) => (change.before === undefined && change.kind === 'support-file') || (change.before !== undefined && change.kind === 'source'));
  if (candidates.length === 0) return changeset;
  const loaded = new Map<string, Promise<Prettier | undefined>>();
  const formatted = new Map<FileChange, string>();
  for (const change of candidates) {
    const file = toAbsolute(changeset.root, change.path);
    const prettier = await projectPrettier(file, loaded);
    if (!prettier) continue;
    try {
      const info = await prettier.getFileInfo(file, { ignorePath: join(changeset.root, '.prettierignore') });
      if (info.ignored || !info.inferredParser) continue;
      const config = await prettier.resolveConfig(file, { editorconfig: false });
      if (!config) continue;
      const format = (text: string) => prettier.format(text, { ...config, filepath: file });
      const text = change.before === undefined ? await format(change.after) : await formatInserted(change.path, change.before, change.after, format);
      if (text !== change.after) formatted.set(change, text);
    } catch {
      // a prettier that fails on the file leaves the code as written
    }
  }
  if (formatted.size === 0) return changeset;
  return { ...changeset, changes: changeset.changes.map((change) => (formatted.has(change) ? { ...change, after: formatted.get(change)! } : change)) };
}

/**
 * `after` with each statement that stands on lines all new since `before` formatted standalone
 * and indented to its place. A statement is kept as written when it shares a line with other
 * code, holds a multi-line template (indenting would change its text), or when its formatted
 * text does not parse to the same program.
 */
export async function formatInserted(path: string, before: string, after: string, format: (text: string) => string | Promise<string>): Promise<string> {
  if (after.startsWith('\uFEFF')) return `\uFEFF${await formatInserted(path, before.replace(/^\uFEFF/, ''), after.slice(1), format)}`;
  const lines = after.match(/[^\r\n]*(\r\n|\r|\n|$)/g)!.slice(0, -1); // each line with its own terminator
  if (lines.length === 0) return after;
  const added = newLines(before, lines);
  if (!added.some(Boolean)) return after;
  let program: any;
  try {
    program = parseForAnalysis(after, path).ast.program;
  } catch {
    return after;
  }
  const replacements: Array<{ first: number; last: number; text: string }> = [];
  for (const statement of insertedStatements(program, added)) {
    const first = statement.loc.start.line - 1;
    const last = statement.loc.end.line - 1;
    const body = lines.slice(first, last + 1).map((line) => line.replace(/(\r\n|\r|\n)$/, ''));
    const indent = /^[ \t]*/.exec(body[0]!)![0];
    // the statement alone on its lines: only its indentation before it, nothing after it
    if (statement.loc.start.column !== indent.length || !/^\s*$/.test(body[body.length - 1]!.slice(statement.loc.end.column))) continue;
    if (!body.every((line) => line.trim() === '' || line.startsWith(indent)) || hasMultiLineTemplate(statement)) continue;
    const standalone = body.map((line) => line.slice(indent.length)).join('\n');
    let text: string;
    try {
      text = String(await format(standalone)).replace(/\n+$/, '');
      if (!sameProgram(parseForAnalysis(text, path).ast.program, parseForAnalysis(standalone, path).ast.program)) continue;
    } catch {
      continue;
    }
    if (text === standalone) continue;
    const eol = /(\r\n|\r|\n)$/.exec(lines[last]!)?.[0] ?? '';
    const lineEnd = /(\r\n|\r|\n)$/.exec(lines[first]!)?.[0] ?? '\n';
    replacements.push({ first, last, text: text.split('\n').map((line) => (line === '' ? '' : indent + line)).join(lineEnd) + eol });
  }
  if (replacements.length === 0) return after;
  const out: string[] = [];
  let next = 0;
  for (const { first, last, text } of replacements) {
    out.push(...lines.slice(next, first), text);
    next = last + 1;
  }
  out.push(...lines.slice(next));
  return out.join('');
}

/** For each line of `after` (with their line ends), whether harden inserted it (line ends aside). */
function newLines(before: string, after: string[]): boolean[] {
  const strip = (line: string) => line.replace(/(\r\n|\r|\n)$/, '');
  const old = (before.match(/[^\r\n]*(\r\n|\r|\n|$)/g) ?? []).slice(0, -1).map(strip);
  return insertedLines(old, after.map(strip));
}

/** The outermost statements (at any depth) whose every line is new. */
function insertedStatements(program: any, added: boolean[]): any[] {
  const found: any[] = [];
  const allNew = (node: any) => {
    for (let line = node.loc.start.line; line <= node.loc.end.line; line += 1) if (!added[line - 1]) return false;
    return true;
  };
  const visit = (node: any) => {
    if (!node || typeof node.type !== 'string') return;
    if (/Statement$|Declaration$/.test(node.type) && node.loc && allNew(node)) {
      found.push(node);
      return;
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
      const value = node[key];
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  program.body.forEach(visit);
  return found;
}

function hasMultiLineTemplate(node: any): boolean {
  if (!node || typeof node !== 'object') return false;
  if (node.type === 'TemplateElement' && /[\r\n\u2028\u2029]/.test(String(node.value?.raw ?? ''))) return true;
  if (node.type === 'JSXText' && /[\r\n]/.test(String(node.value ?? ''))) return true;
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    const value = node[key];
    if (Array.isArray(value) ? value.some(hasMultiLineTemplate) : value && typeof value === 'object' && hasMultiLineTemplate(value)) return true;
  }
  return false;
}

/** The prettier that `file` would import (from its own directory upward), loaded once per install. */
function projectPrettier(file: string, loaded: Map<string, Promise<Prettier | undefined>>): Promise<Prettier | undefined> {
  let entry: string;
  try {
    entry = createRequire(join(dirname(file), 'noop.js')).resolve('prettier');
  } catch {
    return Promise.resolve(undefined);
  }
  let found = loaded.get(entry);
  if (!found) {
    found = import(pathToFileURL(entry).href).then(
      (module: { default?: Prettier } & Partial<Prettier>) => (typeof module.format === 'function' ? (module as Prettier) : module.default),
      () => undefined,
    );
    loaded.set(entry, found);
  }
  return found;
}
