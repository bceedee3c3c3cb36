/**
 * Adding dependencies to a package.json text while keeping its formatting: indentation, line
 * endings, key order (sorted insertion when the section is sorted) and the final newline.
 */

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

/** For hand-formatted manifests: insert the entries as text at the top of their section. */
function insertAsText(body: string, missing: readonly DependencyAddition[], indent: string, eol: string): string {
  let text = body;
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const wanted = missing.filter((addition) => (field === 'devDependencies') === addition.dev);
    if (wanted.length === 0) continue;
    const entries = wanted.map((a) => `${indent}${indent}${JSON.stringify(a.name)}: ${JSON.stringify(a.range)}`);
    const section = new RegExp(`^(${indent})${JSON.stringify(field)}\\s*:\\s*\\{`, 'm').exec(text);
    if (section) {
      const at = section.index + section[0].length;
      const empty = /^\s*\}/.test(text.slice(at));
      text = text.slice(0, at) + eol + entries.join(`,${eol}`) + (empty ? eol + indent : ',') + text.slice(at);
    } else {
      const close = text.lastIndexOf('}');
      const before = text.slice(0, close).replace(/\s*$/, '');
      const block = `${indent}${JSON.stringify(field)}: {${eol}${entries.join(`,${eol}`)}${eol}${indent}}`;
      text = `${before}${before.endsWith('{') ? '' : ','}${eol}${block}${eol}${text.slice(close)}`;
    }
  }
  JSON.parse(text);
  return text;
}
