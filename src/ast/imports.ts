/**
 * Imports as transforms need them: what a file already binds from a module (ESM or CommonJS),
 * adding a binding in the file's own module style, and the specifier from one file to another.
 */
import { posix } from 'node:path';
import type { Collection, JSCodeshift } from 'jscodeshift';

export type ImportedName = 'default' | '*' | string;

/** True when the file uses ES module syntax (import/export declarations). */
export function isEsmFile(_j: JSCodeshift, root: Collection<any>): boolean {
  // import/export declarations only ever stand at the top level: no tree walk needed
  const body = root.get().node.program.body as Array<{ type: string }>;
  return body.some((node) =>
    ['ImportDeclaration', 'ExportNamedDeclaration', 'ExportDefaultDeclaration', 'ExportAllDeclaration'].includes(node.type),
  );
}

/**
 * Whether a new binding in this file is written as `import` (else `require`): the file has
 * import/export declarations, or it has no `require` and is TypeScript, `.mjs`, or `.js` in a
 * `"type": "module"` package.
 */
export function writesEsm(j: JSCodeshift, root: Collection<any>, file: { path: string; language: string; package?: { type: string } | undefined }): boolean {
  if (isEsmFile(j, root)) return true;
  const hasRequire = root.find(j.CallExpression, { callee: { type: 'Identifier', name: 'require' } }).size() > 0;
  return !hasRequire && (file.language !== 'js' || file.path.endsWith('.mjs') || (file.path.endsWith('.js') && file.package?.type === 'module'));
}

/** `require('x')` with one string argument: its module, else undefined. */
export function requiredModule(node: any): string | undefined {
  if (
    node?.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments.length === 1 &&
    ['StringLiteral', 'Literal'].includes(node.arguments[0].type) &&
    typeof node.arguments[0].value === 'string'
  ) {
    return node.arguments[0].value;
  }
  return undefined;
}

/** `require('m')` or `require('m').x`: the module, else undefined. */
export function requiredModuleOrMember(node: any): string | undefined {
  return requiredModule(node?.type === 'MemberExpression' ? node.object : node);
}

/** The node is `module.exports`. */
export function isModuleExportsMember(node: any): boolean {
  return node?.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && node.object.name === 'module' && node.property.name === 'exports';
}

/**
 * The reference at `path` is a CommonJS export: the right side of `module.exports = x`,
 * `module.exports.f = x` or `exports.f = x`, or a property of `module.exports = { x }`.
 */
export function isCommonJsExportValue(path: any): boolean {
  let current = path.parent;
  if (current?.node.type === 'ObjectProperty' || current?.node.type === 'Property') current = current.parent?.parent;
  const assignment = current?.node;
  if (assignment?.type !== 'AssignmentExpression') return false;
  const left = assignment.left;
  return isModuleExportsMember(left) || (left.type === 'MemberExpression' && (isModuleExportsMember(left.object) || (left.object.type === 'Identifier' && left.object.name === 'exports')));
}

/**
 * The local name under which the file binds `name` of `source` (top-level ESM import, or a
 * top-level `const x = require(source)` / `const { name: x } = require(source)`), if it does.
 * `matches` may widen the module check (e.g. to accept '../lib/logger.js' and '../lib/logger').
 */
export function findImportedLocal(
  j: JSCodeshift,
  root: Collection<any>,
  matches: (source: string) => boolean,
  name: ImportedName,
): string | undefined {
  const program = root.get().node.program;
  for (const statement of program.body as any[]) {
    if (statement.type === 'ImportDeclaration' && matches(String(statement.source.value)) && statement.importKind !== 'type') {
      for (const specifier of statement.specifiers ?? []) {
        if (name === 'default' && specifier.type === 'ImportDefaultSpecifier') return specifier.local.name;
        if (name === '*' && specifier.type === 'ImportNamespaceSpecifier') return specifier.local.name;
        if (
          specifier.type === 'ImportSpecifier' &&
          specifier.importKind !== 'type' &&
          (specifier.imported.name ?? specifier.imported.value) === name
        ) {
          return specifier.local.name;
        }
      }
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        const module = requiredModule(declarator.init);
        if (!module || !matches(module)) continue;
        if ((name === 'default' || name === '*') && declarator.id.type === 'Identifier') return declarator.id.name;
        if (declarator.id.type === 'ObjectPattern') {
          for (const property of declarator.id.properties) {
            const key = property.key?.name ?? property.key?.value;
            if (key === name && property.value?.type === 'Identifier') return property.value.name;
          }
        }
      }
    }
  }
  return undefined;
}

/** True when `name` is declared anywhere in the file (any scope): a cheap collision check. */
export function isNameTaken(j: JSCodeshift, root: Collection<any>, name: string): boolean {
  return (
    root.find(j.Identifier, { name }).filter((path: any) => {
      const parent = path.parent?.node;
      if (!parent) return false;
      if (parent.type === 'MemberExpression' && parent.property === path.node && !parent.computed) return false;
      if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === path.node && !parent.computed && !parent.shorthand) {
        return false;
      }
      return true;
    }).size() > 0
  );
}

export interface ImportRequest {
  source: string;
  /** 'default' for a default import, or a named export. */
  imported: ImportedName;
  local: string;
}

/**
 * Adds `import { imported as local } from 'source'` (or the CommonJS `require` form when the file
 * is CommonJS) after the file's last top-level import/require, or at the top of the body. Several
 * named bindings of one module (`extra`) go into the same declaration.
 */
export function addImport(
  j: JSCodeshift,
  root: Collection<any>,
  request: ImportRequest,
  esm = isEsmFile(j, root),
  extra: ReadonlyArray<Omit<ImportRequest, 'source'>> = [],
  semicolons = usesSemicolons(originalText(root)),
): void {
  const program = root.get().node.program;
  const body = program.body as any[];
  const all = [request, ...extra];
  const quote = fileQuote(root, body);
  const source = quote + request.source.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
  const end = semicolons ? ';' : '';
  let text: string;
  if (esm) {
    const named = all.filter((item) => item.imported !== 'default' && item.imported !== '*');
    const parts: string[] = [];
    const byDefault = all.find((item) => item.imported === 'default');
    const namespace = all.find((item) => item.imported === '*');
    if (byDefault) parts.push(byDefault.local);
    if (namespace) parts.push(`* as ${namespace.local}`);
    if (named.length > 0) parts.push(`{ ${named.map((item) => (item.imported === item.local ? item.local : `${item.imported} as ${item.local}`)).join(', ')} }`);
    text = `import ${parts.join(', ')} from ${source}${end}`;
  } else {
    const named = all.map((item) => (item.imported === item.local ? item.local : `${item.imported}: ${item.local}`));
    const id = request.imported === 'default' || request.imported === '*' ? request.local : `{ ${named.join(', ')} }`;
    text = `const ${id} = require(${source})${end}`;
  }
  // Parsed from text rather than built, so `{ a, b }` keeps the snippet's one-line text, in the
  // file's quotes and semicolon style; the snippet sits on its own line so recast separates it
  // from neighbours (new or old) by a newline.
  const statement = j(`\n${text}\n`).get().node.program.body[0];
  const locals = all.map((item) => item.local);
  body.splice(importIndex(j, body, esm ? undefined : locals), 0, statement);
  if (!esm) addedRequires(program).push({ statement, locals });
}

/**
 * CommonJS requires added (or extended) during the current transform's apply. A transform usually
 * adds the import before it writes the code that uses it, so the first use is only known once
 * apply returns: `placeAddedRequires` (called by the engine after every transform) puts each one
 * before the statement that first uses it then.
 */
const pendingRequires = new WeakMap<object, Array<{ statement: any; locals: string[] }>>();

function addedRequires(program: object): Array<{ statement: any; locals: string[] }> {
  let list = pendingRequires.get(program);
  if (!list) pendingRequires.set(program, (list = []));
  return list;
}

/**
 * Records that `statement`, an existing top-level `require`, now also binds `locals` (a transform
 * added names to its destructuring): it must come before their first use too.
 */
export function noteExtendedRequire(root: Collection<any>, statement: any, locals: readonly string[]): void {
  addedRequires(root.get().node.program).push({ statement, locals: [...locals] });
}

/**
 * Moves every require recorded by `addImport`/`noteExtendedRequire` since the last call to where it
 * is initialised before every top-level evaluation that uses it (see `importIndex`), and forgets
 * them. Only ever moves a require up, never below the place it has.
 */
export function placeAddedRequires(j: JSCodeshift, root: Collection<any>): void {
  const program = root.get().node.program;
  const list = pendingRequires.get(program);
  if (!list) return;
  pendingRequires.delete(program);
  const body = program.body as any[];
  for (const { statement, locals } of list) {
    const at = body.indexOf(statement);
    if (at === -1) continue;
    body.splice(at, 1);
    const wanted = importIndex(j, body, locals);
    body.splice(Math.min(at, wanted), 0, statement);
  }
}

/**
 * Where a new import goes: after the file's last top-level import/require. A CommonJS `require` is
 * not hoisted, so it goes after the last require that comes before the first statement using one
 * of `locals`, or right before that statement: the binding is initialised before every use.
 */
function importIndex(j: JSCodeshift, body: any[], locals: readonly string[] | undefined): number {
  const isImport = (node: any) =>
    node.type === 'ImportDeclaration' ||
    (node.type === 'VariableDeclaration' && node.declarations.some((d: any) => requiredModule(d.init) !== undefined));
  let firstUse = locals ? firstUseIndex(j, body, locals) : body.length;
  if (firstUse === -1) firstUse = body.length;
  let index = -1;
  // an import declaration goes after the file's last one, not after requires that follow them
  const esmOnly = locals === undefined && body.some((node) => node.type === 'ImportDeclaration');
  for (let i = 0; i < firstUse; i += 1) if (esmOnly ? body[i].type === 'ImportDeclaration' : isImport(body[i])) index = i;
  return index === -1 && firstUse < body.length ? firstUse : index + 1;
}

/**
 * The first top-level statement that uses one of `names` when the module loads. A hoisted function
 * declaration runs where it is called, so a use inside one counts at every statement that names
 * that function (transitively); the declaration itself evaluates nothing.
 */
function firstUseIndex(j: JSCodeshift, body: any[], locals: readonly string[]): number {
  const names = new Set(locals);
  // the identifier names below each node, read once (find's filter only collects them: no NodePath
  // is made); the loop below and both searches after it ask about the same statements
  const namesBelow = new Map<any, Set<string>>();
  const mentionsAny = (node: any, wanted: ReadonlySet<string>) => {
    let found = namesBelow.get(node);
    if (!found) {
      const collected = new Set<string>();
      j(node).find(j.Identifier, (id: any) => {
        collected.add(id.name);
        return false;
      });
      namesBelow.set(node, (found = collected));
    }
    for (const name of wanted) if (found.has(name)) return true;
    return false;
  };
  const mentions = (node: any) => mentionsAny(node, names);
  const declared = (node: any) => {
    const inner = node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration' ? node.declaration : node;
    return inner?.type === 'FunctionDeclaration' ? inner : undefined;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of body) {
      const fn = declared(node);
      if (fn?.id && !names.has(fn.id.name) && mentions(fn)) {
        names.add(fn.id.name);
        grew = true;
      }
    }
  }
  const loadUse = body.findIndex((node) => !declared(node) && mentions(node));
  // the first mention of the names themselves reads best (a function that uses them, right after
  // the imports above it), unless a hoisted call runs that function earlier
  const original = new Set(locals);
  const firstMention = body.findIndex((node) => mentionsAny(node, original));
  if (loadUse === -1) return firstMention;
  return firstMention === -1 ? loadUse : Math.min(loadUse, firstMention);
}

/** The text the file was parsed from (recast keeps it on the File node), or '' when unknown. */
function originalText(root: Collection<any>): string {
  const lines = root.get().node.loc?.lines;
  return lines ? String(lines.toString()) : '';
}

/**
 * Whether the file ends its statements with `;` (most declarations, imports, returns and call
 * statements do), so generated statements can follow it. Counted from the text: cheap and enough.
 */
export function usesSemicolons(source: string): boolean {
  const { withSemicolon, without } = semicolonCounts(source);
  return withSemicolon >= without;
}

/** How many statement-like lines of `source` end with a `;` and how many end without one. */
export function semicolonCounts(source: string): { withSemicolon: number; without: number } {
  let withSemicolon = 0;
  let without = 0;
  for (const line of source.split(/\r\n|\r|\n/)) {
    const text = line.trim();
    if (!/^(const|let|var|import|export|return|throw)\b|^[\w$.]+\(.*\);?$/.test(text)) continue;
    if (text.endsWith(';')) withSemicolon += 1;
    else if (!/[{([,=+\-*/&|?:.`]$/.test(text)) without += 1;
  }
  return { withSemicolon, without };
}

/** The quote character the file's existing imports/requires use for module names ('\'' when none). */
function moduleQuote(body: any[]): string {
  for (const node of body) {
    const literal =
      node.type === 'ImportDeclaration'
        ? node.source
        : node.type === 'VariableDeclaration'
          ? node.declarations.find((d: any) => requiredModule(d.init) !== undefined)?.init.arguments[0]
          : undefined;
    const raw = literal?.extra?.raw ?? literal?.raw;
    if (typeof raw === 'string' && (raw[0] === '"' || raw[0] === "'")) return raw[0];
  }
  return "'";
}

/** The quote of the file's module specifiers, else of most of its strings, else `'`. */
function fileQuote(root: Collection<any>, body: any[]): string {
  const fromImports = body.some((node) => node.type === 'ImportDeclaration' || (node.type === 'VariableDeclaration' && node.declarations.some((d: any) => requiredModule(d.init) !== undefined)));
  if (fromImports) return moduleQuote(body);
  return dominantQuote(originalText(root)) === 'double' ? '"' : "'";
}

/** The quote most of the file's string literals use (a cheap count on the text). */
export function dominantQuote(text: string): 'single' | 'double' {
  const single = (text.match(/(^|[\s(,=:[{])'(?:[^'\\\n]|\\.)*'/g) ?? []).length;
  const double = (text.match(/(^|[\s(,=:[{])"(?:[^"\\\n]|\\.)*"/g) ?? []).length;
  return double > single ? 'double' : 'single';
}

/**
 * The import specifier from `fromFile` to `toFile` (both root-relative): relative, with the
 * extension style the importing file already uses for its relative imports ('.js' suffixes in
 * ESM TypeScript, none in CommonJS/bundler code).
 */
export function relativeSpecifier(fromFile: string, toFile: string, withJsExtension: boolean): string {
  let rel = posix.relative(posix.dirname(fromFile), toFile);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const stem = rel.replace(/\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/, '');
  if (!withJsExtension) return stem;
  const ext = /\.(mts|mjs)$/.test(toFile) ? '.mjs' : /\.(cts|cjs)$/.test(toFile) ? '.cjs' : '.js';
  return stem + ext;
}

/** Whether the file's existing relative imports carry extensions (`./x.js`). */
export function usesJsExtensions(j: JSCodeshift, root: Collection<any>): boolean {
  const relative = root
    .find(j.ImportDeclaration)
    .nodes()
    .map((node: any) => String(node.source.value))
    .filter((source: string) => source.startsWith('.'));
  return relative.length > 0 && relative.every((source: string) => /\.(c|m)?js$/.test(source));
}
