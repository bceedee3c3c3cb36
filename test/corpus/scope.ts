/**
 * Use before initialisation, approximately and cheaply: the module-level bindings of a file
 * (var/let/const declarators, classes; imports and function declarations are hoisted and never
 * count), and the references to them that run while the module loads (outside function
 * bodies), plus one level of indirection through top-level function declarations called at load.
 * A use before the binding's declaration ran is an early use; the gate fails when harden raises
 * a name's count of early uses.
 */
import { babelParse, lineIndex } from './parse.js';

type Node = { type: string; start: number; end: number; [key: string]: any };

interface Ref {
  name: string;
  offset: number;
  /** Inside a function body: not evaluated at load. */
  deferred: boolean;
  /** The top-level function declaration whose own body (not a nested function) holds the ref. */
  topFn: string | undefined;
}

interface Ctx {
  deferred: boolean;
  scopes: ReadonlyArray<ReadonlySet<string>>;
  topFn: string | undefined;
}

export interface EarlyUse {
  name: string;
  line: number;
  before: number;
  after: number;
}

const SKIP_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'typeAnnotation', 'typeParameters', 'typeArguments', 'returnType', 'superTypeParameters', 'superTypeArguments', 'implements', 'predicate', 'decorators']);
const TS_VALUE = new Set(['TSAsExpression', 'TSSatisfiesExpression', 'TSNonNullExpression', 'TSTypeAssertion', 'TSInstantiationExpression', 'TSExportAssignment']);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}

/** Names bound by a pattern (declarator id, param). */
export function patternNames(pattern: Node | null | undefined, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case 'Identifier': out.push(pattern.name); break;
    case 'ObjectPattern': for (const p of pattern.properties) patternNames(p.type === 'RestElement' ? p : p.value, out); break;
    case 'ArrayPattern': for (const e of pattern.elements) patternNames(e, out); break;
    case 'RestElement': patternNames(pattern.argument, out); break;
    case 'AssignmentPattern': patternNames(pattern.left, out); break;
    case 'TSParameterProperty': patternNames(pattern.parameter, out); break;
  }
  return out;
}

function unwrapExport(statement: Node): Node {
  return (statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') && isNode(statement.declaration)
    ? statement.declaration
    : statement;
}

/** Names a list of statements declares in its own scope; `var`s looked for in nested blocks too. */
function declaredNames(statements: Node[], names = new Set<string>(), varsOnly = false): Set<string> {
  for (const raw of statements) {
    const statement = unwrapExport(raw);
    if (statement.type === 'VariableDeclaration' && (!varsOnly || statement.kind === 'var')) {
      for (const d of statement.declarations) for (const n of patternNames(d.id)) names.add(n);
    } else if (!varsOnly && (statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
      names.add(statement.id.name);
    } else if (!FUNCTIONS.has(statement.type)) {
      for (const child of nestedStatements(statement)) declaredNames([child], names, true);
    }
  }
  return names;
}

/** let/const/class/function names declared directly in a block. */
function blockNames(statements: Node[]): string[] {
  const names: string[] = [];
  for (const s of statements) {
    if (s.type === 'VariableDeclaration' && s.kind !== 'var') for (const d of s.declarations) patternNames(d.id, names);
    else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) names.push(s.id.name);
  }
  return names;
}

function nestedStatements(statement: Node): Node[] {
  const out: Node[] = [];
  for (const key of ['body', 'consequent', 'alternate', 'block', 'handler', 'finalizer', 'init', 'left', 'cases']) {
    const value = statement[key];
    if (Array.isArray(value)) out.push(...value.filter(isNode));
    else if (isNode(value)) out.push(...(value.type === 'BlockStatement' || value.type === 'SwitchCase' ? value.body ?? value.consequent : [value]));
  }
  return out.filter((n) => n.type.endsWith('Statement') || n.type.endsWith('Declaration') || n.type === 'CatchClause' || n.type === 'SwitchCase');
}

function collect(program: Node): Ref[] {
  const refs: Ref[] = [];
  const inScope = (ctx: Ctx, name: string) => ctx.scopes.some((s) => s.has(name));
  const withScope = (ctx: Ctx, names: Iterable<string>, extra: Partial<Ctx> = {}): Ctx => ({ ...ctx, ...extra, scopes: [...ctx.scopes, new Set(names)] });

  const pattern = (node: Node | null | undefined, ctx: Ctx): void => {
    if (!node) return;
    if (node.type === 'AssignmentPattern') { pattern(node.left, ctx); visit(node.right, ctx); }
    else if (node.type === 'ObjectPattern') for (const p of node.properties) { if (p.type === 'RestElement') pattern(p.argument, ctx); else { if (p.computed) visit(p.key, ctx); pattern(p.value, ctx); } }
    else if (node.type === 'ArrayPattern') for (const e of node.elements) pattern(e, ctx);
    else if (node.type === 'RestElement') pattern(node.argument, ctx);
    else if (node.type === 'TSParameterProperty') pattern(node.parameter, ctx);
    else if (node.type !== 'Identifier') visit(node, ctx); // member expression targets
  };

  const fn = (node: Node, ctx: Ctx, topFn?: string): void => {
    const params: string[] = [];
    for (const p of node.params ?? []) patternNames(p, params);
    if (node.type === 'FunctionExpression' && node.id) params.push(node.id.name);
    const body = node.body?.type === 'BlockStatement' ? node.body.body : [];
    const inner = withScope(ctx, [...params, ...declaredNames(body), 'arguments'], { deferred: true, topFn: topFn ?? (ctx.topFn ? '' : undefined) });
    for (const p of node.params ?? []) pattern(p, inner);
    if (node.body?.type === 'BlockStatement') for (const s of body) visit(s, inner);
    else visit(node.body, inner);
  };

  const visit = (node: unknown, ctx: Ctx): void => {
    if (Array.isArray(node)) { for (const n of node) visit(n, ctx); return; }
    if (!isNode(node)) return;
    const t = node.type;
    if (t === 'Identifier') {
      if (!inScope(ctx, node.name)) refs.push({ name: node.name, offset: node.start, deferred: ctx.deferred, topFn: ctx.topFn || undefined });
      return;
    }
    if (t.startsWith('TS') && !TS_VALUE.has(t)) return;
    if (FUNCTIONS.has(t)) {
      if ((t === 'ObjectMethod' || t === 'ClassMethod' || t === 'ClassPrivateMethod') && node.computed) visit(node.key, ctx);
      fn(node, ctx);
      return;
    }
    switch (t) {
      case 'ImportDeclaration': case 'ExportAllDeclaration':
      case 'BreakStatement': case 'ContinueStatement': case 'MetaProperty': case 'JSXIdentifier': case 'PrivateName':
        return;
      case 'ExportNamedDeclaration': visit(node.declaration, ctx); return;
      case 'LabeledStatement': visit(node.body, ctx); return;
      case 'MemberExpression': case 'OptionalMemberExpression':
        visit(node.object, ctx); if (node.computed) visit(node.property, ctx); return;
      case 'ObjectProperty':
        if (node.computed) visit(node.key, ctx); visit(node.value, ctx); return;
      case 'ClassProperty': case 'ClassPrivateProperty': case 'ClassAccessorProperty':
        if (node.computed) visit(node.key, ctx);
        visit(node.value, node.static ? ctx : { ...ctx, deferred: true, topFn: ctx.topFn ? '' : undefined });
        return;
      case 'ClassDeclaration': case 'ClassExpression':
        visit(node.superClass, ctx); visit(node.body, node.id ? withScope(ctx, [node.id.name]) : ctx); return;
      case 'VariableDeclarator': pattern(node.id, ctx); visit(node.init, ctx); return;
      case 'AssignmentExpression': pattern(node.left, ctx); visit(node.right, ctx); return;
      case 'CatchClause': {
        const c = withScope(ctx, patternNames(node.param));
        pattern(node.param, c); visit(node.body, c); return;
      }
      case 'BlockStatement': case 'StaticBlock': {
        const b = withScope(ctx, blockNames(node.body));
        for (const s of node.body) visit(s, b); return;
      }
      case 'ForStatement': case 'ForInStatement': case 'ForOfStatement': {
        const head = node.init ?? node.left;
        const f = head?.type === 'VariableDeclaration' && head.kind !== 'var' ? withScope(ctx, declaredNames([head])) : ctx;
        for (const key of ['init', 'left', 'test', 'update', 'right', 'body']) visit(node[key], f); return;
      }
    }
    for (const key of Object.keys(node)) if (!SKIP_KEYS.has(key)) visit(node[key], ctx);
  };

  const top: Ctx = { deferred: false, scopes: [], topFn: undefined };
  for (const raw of program.body as Node[]) {
    const statement = unwrapExport(raw);
    if (statement.type === 'FunctionDeclaration' && statement.id) fn(statement, top, statement.id.name);
    else visit(raw, top);
  }
  return refs;
}

/** Module-level bindings that are not hoisted, with the offset where their initialisation ends. */
function bindings(program: Node): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string, offset: number) => { if (!out.has(name)) out.set(name, offset); };
  const scan = (statements: Node[], varsOnly: boolean) => {
    for (const raw of statements) {
      const s = unwrapExport(raw);
      if (s.declare) continue;
      if (s.type === 'VariableDeclaration' && (!varsOnly || s.kind === 'var')) for (const d of s.declarations) for (const n of patternNames(d.id)) add(n, d.end);
      else if (!varsOnly && s.type === 'ClassDeclaration' && s.id) add(s.id.name, s.start);
      else if (!varsOnly && s.type === 'TSImportEqualsDeclaration') add(s.id.name, s.end);
      else if (!FUNCTIONS.has(s.type)) scan(nestedStatements(s), true);
    }
  };
  scan(program.body, false);
  return out;
}

/** Per binding name, the offsets of its load-time uses before its initialisation. */
export function loadTimeUses(text: string, file: string): Map<string, number[]> | undefined {
  const ast = babelParse(text, file);
  if (!ast) return undefined;
  const program = ast.program as unknown as Node;
  const refs = collect(program);
  const declared = bindings(program);
  const functions = new Map<string, Ref[]>();
  for (const ref of refs) if (ref.topFn) functions.set(ref.topFn, [...(functions.get(ref.topFn) ?? []), ref]);
  const early = new Map<string, number[]>();
  const use = (name: string, offset: number) => {
    const at = declared.get(name);
    if (at !== undefined && offset < at) early.set(name, [...(early.get(name) ?? []), offset]);
  };
  for (const ref of refs) {
    if (ref.deferred) continue;
    use(ref.name, ref.offset);
    for (const inner of functions.get(ref.name) ?? []) use(inner.name, ref.offset);
  }
  return early;
}

/** Names whose load-time uses before initialisation are more after harden than before. */
export function useBeforeInit(before: string, after: string, file: string): EarlyUse[] {
  const a = loadTimeUses(before, file);
  const b = loadTimeUses(after, file);
  if (!a || !b) return [];
  const lineOf = lineIndex(after);
  const out: EarlyUse[] = [];
  for (const [name, offsets] of b) {
    const was = a.get(name)?.length ?? 0;
    if (offsets.length > was) out.push({ name, line: lineOf(Math.min(...offsets)), before: was, after: offsets.length });
  }
  return out;
}
