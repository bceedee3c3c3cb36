/**
 * The project's own page convention, read once per run from the code it already has: the query
 * parameters its handlers read (`req.query.page`, `const { offset, per_page } = req.query`) and the
 * `.skip(…)` expressions it writes (`(page - 1) * limit`: 1-based pages; `page * limit`: 0-based;
 * `.skip(offset)`: offsets). harden follows it, or refuses when the project mixes conventions.
 */
import type { ProjectView } from '../../src/transform.js';
import { unwrapExpression } from '../../src/ast/scope.js';

export type Style = 'page1' | 'page0' | 'offset';

export interface Convention {
  style: Style;
  /** The query parameter holding the page number (page styles) or the offset (offset style). */
  pageParam: string;
  limitParam: string;
  /** Where it was seen, for the site message ('' when harden's default). */
  evidence: string;
}

const PAGE_NAMES = new Set(['page', 'pageNumber', 'page_number']);
const OFFSET_NAMES = new Set(['offset', 'skip', 'start']);
const LIMIT_NAMES = new Set(['limit', 'per_page', 'perPage', 'pageSize', 'page_size']);

const conventions = new WeakMap<ProjectView, Convention | { ambiguous: string }>();

export function projectConvention(j: any, project: ProjectView): Convention | { ambiguous: string } {
  let found = conventions.get(project);
  if (!found) conventions.set(project, (found = detect(j, project)));
  return found;
}

function nameOf(node: any): string | undefined {
  const value = unwrapExpression(node);
  if (value?.type === 'Identifier') return value.name;
  if (value?.type === 'MemberExpression' && !value.computed) return value.property.name;
  if (value?.type === 'MemberExpression' && typeof value.property.value === 'string') return value.property.value;
  if ((value?.type === 'UnaryExpression' && value.operator === '+') || value?.type === 'TSNonNullExpression') return nameOf(value.argument ?? value.expression);
  if (value?.type === 'CallExpression' && value.arguments.length >= 1 && /^(Number|parseInt|Number\.parseInt|String)$/.test(value.callee.name ?? `${value.callee.object?.name}.${value.callee.property?.name}`)) return nameOf(value.arguments[0]);
  return undefined;
}

/** `.skip(E)`: the style E writes and the names it uses. */
function skipStyle(arg: any): { style: Style; page?: string; limit?: string } | undefined {
  const value = unwrapExpression(arg);
  if (value?.type === 'BinaryExpression' && value.operator === '*') {
    const sides = [unwrapExpression(value.left), unwrapExpression(value.right)];
    const minusOne = sides.findIndex((s) => s?.type === 'BinaryExpression' && s.operator === '-' && unwrapExpression(s.right)?.value === 1);
    if (minusOne >= 0) return { style: 'page1', page: nameOf(sides[minusOne].left), limit: nameOf(sides[1 - minusOne]) };
    const names = sides.map(nameOf);
    const pageAt = names.findIndex((n) => n !== undefined && PAGE_NAMES.has(n));
    if (pageAt >= 0) return { style: 'page0', page: names[pageAt], limit: names[1 - pageAt] };
    return undefined;
  }
  const name = nameOf(value);
  if (name && OFFSET_NAMES.has(name)) return { style: 'offset', page: name };
  return undefined;
}

function detect(j: any, project: ProjectView): Convention | { ambiguous: string } {
  const styles = new Map<Style, string>();
  const pageParams = new Map<string, string>();
  const limitParams = new Map<string, string>();
  for (const file of project.files) {
    if (project.roleOf(file) !== 'source') continue;
    const text = project.readFile(file) ?? '';
    if (!/\.skip\(|query/.test(text) || !/page|offset|skip|per_?page|limit/i.test(text)) continue;
    const root = project.parse(file);
    if (!root) continue;
    root.find(j.CallExpression).forEach((path: any) => {
      const callee = path.node.callee;
      if (callee.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'skip' || path.node.arguments.length !== 1) return;
      const seen = skipStyle(path.node.arguments[0]);
      if (!seen) return;
      const where = `${file}:${path.node.loc?.start.line}`;
      if (!styles.has(seen.style)) styles.set(seen.style, where);
      if (seen.page && (PAGE_NAMES.has(seen.page) || OFFSET_NAMES.has(seen.page)) && !pageParams.has(seen.page)) pageParams.set(seen.page, where);
      if (seen.limit && LIMIT_NAMES.has(seen.limit) && !limitParams.has(seen.limit)) limitParams.set(seen.limit, where);
    });
    root.find(j.MemberExpression).forEach((path: any) => {
      const node = path.node;
      if (node.computed || node.property.name !== 'query') return;
      const where = `${file}:${node.loc?.start.line}`;
      const parent = path.parent.node;
      const keys: string[] = [];
      if (parent.type === 'MemberExpression' && parent.object === node) keys.push(nameOf(parent) ?? '');
      if (parent.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'ObjectPattern') {
        for (const property of parent.id.properties) keys.push(property.key?.name ?? property.key?.value ?? '');
      }
      for (const key of keys) {
        if ((PAGE_NAMES.has(key) || OFFSET_NAMES.has(key)) && !pageParams.has(key)) pageParams.set(key, where);
        if (LIMIT_NAMES.has(key) && !limitParams.has(key)) limitParams.set(key, where);
      }
    });
  }
  const list = (map: Map<string, string>) => [...map].map(([name, where]) => `${name} (${where})`).join(', ');
  if (styles.size > 1) return { ambiguous: `the project pages in more than one way: ${list(styles as Map<string, string>)}` };
  if (limitParams.size > 1) return { ambiguous: `the project names its page size in more than one way: ${list(limitParams)}` };
  let style = [...styles.keys()][0];
  const offsets = [...pageParams.keys()].filter((n) => OFFSET_NAMES.has(n));
  const pages = [...pageParams.keys()].filter((n) => PAGE_NAMES.has(n));
  if (!style) style = offsets.length > 0 && pages.length === 0 ? 'offset' : 'page1';
  const candidates = style === 'offset' ? offsets : pages;
  if (candidates.length > 1) return { ambiguous: `the project reads its page from more than one parameter: ${list(new Map(candidates.map((n) => [n, pageParams.get(n)!])))}` };
  const pageParam = candidates[0] ?? (style === 'offset' ? 'offset' : 'page');
  const limitParam = [...limitParams.keys()][0] ?? 'limit';
  const evidence = [...new Set([styles.get(style), pageParams.get(pageParam), limitParams.get(limitParam)].filter(Boolean))].join(', ');
  return { style, pageParam, limitParam, evidence };
}
