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
  const style = oneLineStyle(body);
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const wanted = missing.filter((addition) => (field === 'devDependencies') === addition.dev);
    if (wanted.length === 0) continue;
    const top = scanObject(text, text.indexOf('{'));
    const member = top.members.find((m) => m.key === field);
    if (member && text[member.valueStart] === '{') {
      const section = scanObject(text, member.valueStart);
      const multiline = /[\r\n]/.test(text.slice(section.open, section.close));
      const members = section.members;
      const first = members[0];
      // the section's own spelling: `"a": "1"` or `"a":"1"`, `, ` or `,` between one-line members
      const colon = first ? colonOf(text, first) : style.colon;
      const entry = (a: DependencyAddition) => `${JSON.stringify(a.name)}${colon}${JSON.stringify(a.range)}`;
      const keys = members.map((m) => m.key);
      const sorted = keys.every((key, index) => index === 0 || keys[index - 1]! <= key);
      if (!first) {
        const inserted = multiline
          ? `${wanted.map((a) => `${eol}${lineIndentAt(text, member.keyStart)}${indent}${entry(a)}`).join(',')}${eol}${lineIndentAt(text, member.keyStart)}`
          : `${style.pad}${wanted.map(entry).join(style.comma)}${style.pad}`;
        text = text.slice(0, section.open + 1) + inserted + text.slice(section.close);
        continue;
      }
      const memberIndent = lineIndentAt(text, first.keyStart);
      const between = multiline ? `,${eol}${memberIndent}` : members[1] ? text.slice(members[0]!.valueEnd, members[1].keyStart) : style.comma;
      // each entry goes before the first member that sorts after it (in a sorted section), else after the last
      const byPlace = new Map<number, string[]>();
      for (const addition of wanted) {
        const before = sorted ? members.findIndex((m) => m.key > addition.name) : -1;
        const place = before === -1 ? members.length : before;
        byPlace.set(place, [...(byPlace.get(place) ?? []), entry(addition)]);
      }
      for (const place of [...byPlace.keys()].sort((a, b) => b - a)) {
        const entries = byPlace.get(place)!;
        if (place < members.length) {
          const at = members[place]!.keyStart;
          text = text.slice(0, at) + entries.join(between) + between + text.slice(at);
        } else {
          const at = members[members.length - 1]!.valueEnd;
          text = text.slice(0, at) + between + entries.join(between) + text.slice(at);
        }
      }
    } else if (member) {
      throw new Error(`package.json: "${field}" is not an object`);
    } else {
      const multiline = /[\r\n]/.test(text.slice(top.open, top.close));
      const last = top.members[top.members.length - 1];
      const entries = wanted.map((a) => `${JSON.stringify(a.name)}${style.colon}${JSON.stringify(a.range)}`);
      const memberIndent = last ? lineIndentAt(text, last.keyStart) : indent;
      const block = multiline
        ? `${JSON.stringify(field)}${style.colon}{${eol}${entries.map((e) => memberIndent + indent + e).join(`,${eol}`)}${eol}${memberIndent}}`
        : `${JSON.stringify(field)}${style.colon}{${style.pad}${entries.join(style.comma)}${style.pad}}`;
      const at = last ? last.valueEnd : top.open + 1;
      const lead = multiline ? `${last ? ',' : ''}${eol}${memberIndent}` : `${last ? style.comma : ' '}`;
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

/** How the manifest writes `:` (its first member's), and whether it writes `, ` and `{ x }` or `,` and `{x}`. */
function oneLineStyle(text: string): { colon: string; comma: string; pad: string } {
  const first = scanObject(text, text.indexOf('{')).members[0];
  const colon = first ? colonOf(text, first) : ': ';
  const compact = colon === ':' && !/,[ \t]+"/.test(text);
  return { colon, comma: compact ? ',' : ', ', pad: compact ? '' : ' ' };
}

/** The `:` after a member's key as written, with the space after it (`: ` or `:`). */
function colonOf(text: string, member: Member): string {
  return text.slice(member.keyEnd, member.valueStart).replace(/^\s+/, '').replace(/[\r\n][\s\S]*$/, '') || ': ';
}

interface Member {
  key: string;
  keyStart: number;
  keyEnd: number;
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
    members.push({ key, keyStart, keyEnd, valueStart, valueEnd });
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
