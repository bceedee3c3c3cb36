/**
 * Adding dependencies to a package.json text while keeping its formatting: indentation, line
 * endings, key order (sorted insertion when the section is sorted) and the final newline.
 */

import { lineIndent } from '../engine/token-align.js';

export interface DependencyAddition {
  name: string;
  range: string;
  dev: boolean;
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** The dependency ranges a manifest already declares, by name (any field). */
export function declaredDependencies(json: Record<string, unknown>): Map<string, string> {
  const declared = new Map<string, string>();
  for (const field of DEPENDENCY_FIELDS) {
    const section = json[field];
    if (section && typeof section === 'object') {
      for (const [name, range] of Object.entries(section)) if (typeof range === 'string') declared.set(name, range);
    }
  }
  return declared;
}

function detectIndent(text: string): string {
  const match = /^([ \t]+)"/m.exec(text);
  return match?.[1] ?? '  ';
}

/**
 * Returns the manifest text with the additions that are not declared yet, or the same text when
 * every one already is. Throws when the text is not a JSON object.
 */
export function addDependencies(text: string, additions: readonly DependencyAddition[]): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const json = JSON.parse(body) as Record<string, unknown>;
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('package.json is not a JSON object');
  const declared = declaredDependencies(json);
  const missing = additions.filter((addition) => !declared.has(addition.name));
  if (missing.length === 0) return text;

  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const indent = detectIndent(body);
  const trailing = /\r?\n$/.test(body) ? eol : '';
  const canonical = JSON.stringify(json, null, indent).split('\n').join(eol) + trailing === body;
  if (!canonical) return bom + insertAsText(body, missing, indent, eol);
  const next: Record<string, unknown> = { ...json };
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const wanted = missing.filter((addition) => (field === 'devDependencies') === addition.dev);
    if (wanted.length === 0) continue;
    const existing = (json[field] && typeof json[field] === 'object' ? json[field] : {}) as Record<string, string>;
    const keys = Object.keys(existing);
    const sorted = keys.every((key, index) => index === 0 || keys[index - 1]! <= key);
    const merged: Record<string, string> = { ...existing };
    for (const addition of wanted) merged[addition.name] = addition.range;
    next[field] = sorted
      ? Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : merged;
  }
  return bom + JSON.stringify(next, null, indent).split('\n').join(eol) + trailing;
}

/**
 * For hand-formatted manifests: insert the entries as text, where a reader of the file would, and
 * never by pattern: the top-level members are found by scanning the JSON (strings and nesting
 * respected), so a one-line manifest or an unusual indentation can never get a second
 * "dependencies" key (which JSON readers resolve by dropping the first). The result must parse to
 * the original object plus the additions, or nothing is written.
 */
function insertAsText(body: string, missing: readonly DependencyAddition[], indent: string, eol: string): string {
  let text = body;
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const wanted = missing.filter((addition) => (field === 'devDependencies') === addition.dev);
    if (wanted.length === 0) continue;
    const top = scanObject(text, text.indexOf('{'));
    const member = top.members.find((m) => m.key === field);
    if (member && text[member.valueStart] === '{') {
      const section = scanObject(text, member.valueStart);
      const multiline = /[\r\n]/.test(text.slice(section.open, section.close));
      const first = section.members[0];
      const memberIndent = first ? lineIndentAt(text, first.keyStart) : lineIndentAt(text, member.keyStart) + indent;
      const entries = wanted.map((a) => `${JSON.stringify(a.name)}: ${JSON.stringify(a.range)}`);
      const inserted = multiline
        ? entries.map((entry) => `${eol}${memberIndent}${entry}`).join(',') + (first ? ',' : `${eol}${lineIndentAt(text, member.keyStart)}`)
        : ` ${entries.join(', ')}${first ? ',' : ' '}`;
      const at = section.open + 1;
      // a one-line `{ "a": "1" }` keeps its space after the brace: insert after it
      const skip = !multiline && first && text[at] === ' ' ? 1 : 0;
      text = text.slice(0, at + skip) + (skip ? inserted.slice(1) + ' ' : inserted) + text.slice(at + skip);
    } else if (member) {
      throw new Error(`package.json: "${field}" is not an object`);
    } else {
      const multiline = /[\r\n]/.test(text.slice(top.open, top.close));
      const last = top.members[top.members.length - 1];
      const entries = wanted.map((a) => `${JSON.stringify(a.name)}: ${JSON.stringify(a.range)}`);
      const memberIndent = last ? lineIndentAt(text, last.keyStart) : indent;
      const block = multiline
        ? `${JSON.stringify(field)}: {${eol}${entries.map((e) => memberIndent + indent + e).join(`,${eol}`)}${eol}${memberIndent}}`
        : `${JSON.stringify(field)}: { ${entries.join(', ')} }`;
      const at = last ? last.valueEnd : top.open + 1;
      const lead = multiline ? `${last ? ',' : ''}${eol}${memberIndent}` : `${last ? ', ' : ' '}`;
      text = text.slice(0, at) + lead + block + (last || multiline ? '' : ' ') + (!last && multiline ? eol : '') + text.slice(at);
    }
  }
  const expected = JSON.parse(body) as Record<string, Record<string, string> | unknown>;
  for (const addition of missing) {
    const field = addition.dev ? 'devDependencies' : 'dependencies';
    expected[field] = { ...((expected[field] as Record<string, string>) ?? {}), [addition.name]: addition.range };
  }
  if (!sameJson(JSON.parse(text), expected) || duplicateTopLevelKeys(text)) {
    throw new Error('package.json: harden could not add the dependencies without changing anything else; add them by hand');
  }
  return text;
}

interface Member {
  key: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

/** The members of the JSON object whose `{` is at `open`: keys and value spans. */
function scanObject(text: string, open: number): { open: number; close: number; members: Member[] } {
  if (text[open] !== '{') throw new Error('package.json is not a JSON object');
  const members: Member[] = [];
  let i = skipSpace(text, open + 1);
  while (text[i] !== '}') {
    if (text[i] !== '"') throw new Error(`package.json: unexpected ${JSON.stringify(text[i] ?? 'end')} at ${i}`);
    const keyStart = i;
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') throw new Error(`package.json: expected ':' at ${i}`);
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    members.push({ key, keyStart, valueStart, valueEnd });
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return { open, close: i, members };
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i += 1;
  return i;
}

function skipString(text: string, i: number): number {
  for (let k = i + 1; k < text.length; k += 1) {
    if (text[k] === '\\') k += 1;
    else if (text[k] === '"') return k + 1;
  }
  throw new Error('package.json: unterminated string');
}

function skipValue(text: string, i: number): number {
  if (text[i] === '"') return skipString(text, i);
  if (text[i] === '{' || text[i] === '[') {
    let depth = 0;
    for (let k = i; k < text.length; k += 1) {
      const c = text[k];
      if (c === '"') k = skipString(text, k) - 1;
      else if (c === '{' || c === '[') depth += 1;
      else if (c === '}' || c === ']') {
        depth -= 1;
        if (depth === 0) return k + 1;
      }
    }
    throw new Error('package.json: unbalanced brackets');
  }
  let k = i;
  while (k < text.length && !/[\s,}\]]/.test(text[k]!)) k += 1;
  return k;
}

/** The whitespace before `offset` on its line (empty when other text precedes it). */
function lineIndentAt(text: string, offset: number): string {
  return lineIndent(text, offset) ?? '';
}

function duplicateTopLevelKeys(text: string): boolean {
  const keys = scanObject(text, text.indexOf('{')).members.map((m) => m.key);
  return new Set(keys).size !== keys.length;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => sameJson((a as any)[k], (b as any)[k]));
}
