/**
 * Emission: one module per holder (its fields, constructor, methods and imports), and the
 * original file with the class turned into a facade that creates the holders and delegates.
 * Moved code is copied as written; only `this.x` of shared members becomes `this.shared.x` and
 * `private` is dropped where another class now calls the member.
 */
import { posix } from 'node:path';
import type { MethodDeclaration, SourceFile } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.js';
import { declarationsToMove, isNotMovable, namesStillUsed, type MovedDeclarations } from './declarations.js';
import { collectUses, emptyUse, isRequire, pruneImports, renderImports, type TopLevelUse } from './imports.js';
import { ASSIGNMENTS, type ClassModel } from './model.js';
import type { Holder, Plan } from './plan.js';
import { applyEdits, docStart, lineEnd, lineStart, memberLines, specifierTo, thisAccesses, tidyClassBody, type Edit, type Style } from './text.js';

export interface EmitContext {
  path: string;
  file: SourceFile;
  style: Style;
  /** TypeScript (types, parameter properties) or JavaScript. */
  typescript: boolean;
  /** ES modules (import/export) or CommonJS (require/module.exports). */
  esm: boolean;
  /** Parts are public readonly properties of the facade (callers are rewritten to use them). */
  publicParts: boolean;
}

export type Emitted =
  | { ok: true; files: Map<string, string>; facadeLines: number; holderLines: Map<Holder, number> }
  | { ok: false; reason: 'module-local-value'; detail: string; node: Node };

function withoutPrivate(node: Node & { getModifiers(): Node[] }): Edit[] {
  return node
    .getModifiers()
    .filter((m) => m.getKind() === SyntaxKind.PrivateKeyword || m.getKind() === SyntaxKind.ProtectedKeyword)
    .map((m) => ({ start: m.getStart(), end: m.getEnd() + 1, text: '' }));
}

/** The member's lines with `this.<shared>` redirected and `private` dropped if asked. */
function memberText(node: Node, model: ClassModel, redirect: Map<string, string>, dropPrivate: boolean, addReadonly = false): string {
  const text = node.getSourceFile().getFullText();
  const [start, end] = memberLines(node);
  const edits: Edit[] = [];
  for (const access of thisAccesses(node, model.cls)) {
    const to = redirect.get(access.name);
    if (to) edits.push({ start: access.thisNode.getEnd(), end: access.thisNode.getEnd(), text: `.${to}` });
  }
  if (dropPrivate && (Node.isMethodDeclaration(node) || Node.isPropertyDeclaration(node))) edits.push(...withoutPrivate(node));
  if (addReadonly && Node.isPropertyDeclaration(node) && !node.isReadonly()) {
    edits.push({ start: node.getNameNode().getStart(), end: node.getNameNode().getStart(), text: 'readonly ' });
  }
  return applyEdits(text.slice(start, end), edits, start);
}

function paramType(model: ClassModel, name: string): string {
  const param = model.ctor!.getParameters().find((p) => p.getName() === name)!;
  const type = param.getTypeNode()?.getText() ?? param.getType().getText(param);
  return param.hasQuestionToken() ? `${type} | undefined` : type;
}

function renderHolder(holder: Holder, plan: Plan, model: ClassModel, ctx: EmitContext, use: TopLevelUse): string {
  const { style, typescript } = ctx;
  const i1 = style.indent;
  const i2 = i1 + i1;
  const semi = style.semi || ';';
  const redirect = new Map<string, string>();
  if (holder !== plan.shared && plan.shared) {
    for (const name of [...plan.shared.methods, ...plan.shared.fields]) redirect.set(name, plan.shared.property);
  }
  const fields = [...model.fields.values()]
    .filter((f) => f.declaration && holder.fields.includes(f.name))
    .map((f) => {
      // Shared state: members only the shared object uses keep their modifiers; the others lose
      // `private` (parts and facade reach them through their private `shared` reference) and
      // are `readonly` when nothing reassigns them after construction.
      const outside = holder.kind === 'shared' && usedOutsideShared(plan, model).has(f.name);
      return memberText(f.declaration!, model, redirect, outside, outside && ctx.typescript && !reassigned(model, f.name));
    });
  for (const name of holder.fields) {
    const declaration = model.fields.get(name)!.declaration;
    if (declaration) collectUses(declaration, ctx.file, use);
  }
  const params: { name: string; property: boolean; type: string }[] = [];
  if (holder.usesShared && plan.shared) params.push({ name: plan.shared.property, property: true, type: plan.shared.className });
  const methodsUsing = (dep: string) => holder.methods.some((m) => model.methods.get(m)!.fields.has(dep));
  for (const dep of [...holder.dependencies].sort(byCtorOrder(model))) {
    params.push({ name: dep, property: methodsUsing(dep), type: typescript ? paramType(model, dep) : '' });
    const param = model.ctor!.getParameters().find((p) => p.getName() === dep)!;
    const typeNode = param.getTypeNode();
    if (typeNode) collectUses(typeNode, ctx.file, use);
  }
  for (const name of holder.params) {
    if (params.some((p) => p.name === name)) continue;
    params.push({ name, property: false, type: typescript ? paramType(model, name) : '' });
    const typeNode = model.ctor!.getParameters().find((p) => p.getName() === name)!.getTypeNode();
    if (typeNode) collectUses(typeNode, ctx.file, use);
  }
  const lines: string[] = [];
  const exportKeyword = ctx.esm ? 'export ' : '';
  lines.push(`${exportKeyword}class ${holder.className} {`);
  const body: string[] = [];
  if (fields.length) body.push(fields.join(''));
  // Methods bound in the original constructor that the moved code hands out as values, or
  // whose bind statement leaves the facade with them, are bound by their holder the same way.
  const binds = holder.methods.filter((m) => model.valueReferences.has(m) || (model.bound.has(m) && !plan.delegated.has(m))).map((m) => `${i2}this.${m} = this.${m}.bind(this)${semi}\n`);
  if (params.length || holder.statements.length || binds.length) {
    let ctor: string;
    const statements = holder.statements.map((s) => {
      collectUses(s, ctx.file, use);
      return `${i2}${s.getText()}\n`;
    });
    statements.push(...binds);
    if (typescript) {
      const rendered = params.map((p) => `${p.property ? `private readonly ` : ''}${p.name}: ${p.type}`);
      const head = rendered.length > 1 || rendered.join('').length > 60
        ? `${i1}constructor(\n${rendered.map((r) => `${i2}${r},\n`).join('')}${i1}) {`
        : `${i1}constructor(${rendered.join(', ')}) {`;
      ctor = statements.length ? `${head}\n${statements.join('')}${i1}}\n` : `${head}}\n`;
    } else {
      const assigns = params.filter((p) => p.property).map((p) => `${i2}this.${p.name} = ${p.name}${semi}\n`);
      ctor = `${i1}constructor(${params.map((p) => p.name).join(', ')}) {\n${assigns.join('')}${statements.join('')}${i1}}\n`;
    }
    body.push(ctor);
  }
  for (const name of holder.methods) {
    const method = model.methods.get(name)!;
    const calledFromOutside = plan.delegated.has(name) || (holder.kind === 'shared' && usedOutsideShared(plan, model).has(name));
    body.push(memberText(method.node, model, redirect, calledFromOutside));
    collectUses(method.node, ctx.file, use);
  }
  lines.push(body.join('\n').replace(/\n$/, ''));
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/**
 * A section comment (`// --- cache ---`, set apart from the member below it by a blank line)
 * whose members all left the facade goes with them.
 */
function emptiedSections(model: ClassModel, plan: Plan, text: string): Edit[] {
  const removed = (member: Node) =>
    (Node.isPropertyDeclaration(member) && plan.fieldHolder.has(member.getName())) ||
    (Node.isMethodDeclaration(member) && plan.methodHolder.has(member.getName()) && !plan.delegated.has(member.getName()));
  const edits: Edit[] = [];
  let section: Edit[] = [];
  let allRemoved = false;
  const close = () => {
    if (section.length && allRemoved) edits.push(...section);
  };
  for (const member of model.cls.getMembers()) {
    const start = docStart(member);
    const headers = member
      .getLeadingCommentRanges()
      .filter((c) => c.getPos() < start && c.getText().startsWith('//') && text.slice(lineStart(text, c.getPos()), c.getPos()).trim() === '');
    if (headers.length) {
      close();
      section = headers.map((c) => ({ start: lineStart(text, c.getPos()), end: lineEnd(text, c.getEnd()), text: '' }));
      allRemoved = true;
    }
    if (!removed(member)) allRemoved = false;
  }
  close();
  return edits;
}

/** Members of the shared object that parts or the facade use (the rest stay as declared). */
function usedOutsideShared(plan: Plan, model: ClassModel): Set<string> {
  const used = new Set<string>();
  for (const method of model.methods.values()) {
    if (plan.methodHolder.get(method.name) === plan.shared) continue;
    for (const name of [...method.fields, ...method.calls]) used.add(name);
  }
  for (const name of plan.shared?.methods ?? []) if (plan.delegated.has(name)) used.add(name);
  const moved = new Set(plan.holders.flatMap((h) => h.statements));
  for (const statement of model.ctor?.getStatements() ?? []) {
    if (moved.has(statement)) continue;
    for (const access of thisAccesses(statement, model.cls)) used.add(access.name);
  }
  return used;
}

/** The field is assigned somewhere other than its declaration or a `this.x = ...` statement of the constructor. */
function reassigned(model: ClassModel, field: string): boolean {
  if (model.fields.get(field)!.writtenByMethods) return true;
  const direct = new Set(model.ctor?.getStatements() ?? []);
  return thisAccesses(model.cls, model.cls).some(({ name, access }) => {
    if (name !== field) return false;
    const use = access.getParent();
    const write =
      (Node.isBinaryExpression(use) && use.getLeft() === access && ASSIGNMENTS.has(use.getOperatorToken().getText())) ||
      ((Node.isPrefixUnaryExpression(use) || Node.isPostfixUnaryExpression(use)) && /\+\+|--/.test(use.getText()));
    if (!write) return false;
    const statement = use!.getParent();
    return !(Node.isExpressionStatement(statement) && direct.has(statement) && Node.isBinaryExpression(use) && use.getOperatorToken().getText() === '=');
  });
}

function byCtorOrder(model: ClassModel) {
  const order = (model.ctor?.getParameters() ?? []).map((p) => p.getName());
  return (a: string, b: string) => order.indexOf(a) - order.indexOf(b);
}

function delegation(method: MethodDeclaration, holder: Holder, style: Style): string {
  const body = method.getBody()!;
  const head = method.getText().slice(0, body.getStart() - method.getStart());
  const typeArgs = method.getTypeParameters().map((t) => t.getName());
  const args = method.getParameters().map((p) => (p.isRestParameter() ? `...${p.getName()}` : p.getName()));
  const call = `this.${holder.property}.${method.getName()}${typeArgs.length ? `<${typeArgs.join(', ')}>` : ''}(${args.join(', ')})`;
  return `${head}{\n${style.indent}${style.indent}return ${call}${style.semi || ';'}\n${style.indent}}`;
}

export function emit(model: ClassModel, plan: Plan, ctx: EmitContext): Emitted {
  const { file, style } = ctx;
  const text = file.getFullText();
  const files = new Map<string, string>();
  const holderLines = new Map<Holder, number>();
  const q = style.quote;
  const head = /^(['"])use strict\1;?\n/.exec(text)?.[0] ?? '';
  const rendered = plan.holders.map((holder) => {
    const use = emptyUse();
    return { holder, use, classText: renderHolder(holder, plan, model, ctx, use) };
  });
  // Top-level declarations the moved code uses move to the shared module (ES modules; a
  // CommonJS module's locals are refused: `module-local-value`).
  let moved: MovedDeclarations = { statements: [], names: new Map(), use: emptyUse() };
  if (ctx.esm) {
    const found = declarationsToMove(rendered.map((r) => r.use), model.cls, file);
    if (isNotMovable(found)) return { ok: false, reason: 'module-local-value', detail: found.detail, node: found.node };
    moved = found;
  } else {
    for (const { use } of rendered) {
      for (const [name, local] of use.locals) {
        return { ok: false, reason: 'module-local-value', detail: `${name} is local to the CommonJS module; move it to a module of its own first (the parts cannot require the facade without a cycle)`, node: local.node };
      }
    }
  }
  for (const { holder, use, classText } of rendered) {
    holderLines.set(holder, classText.split('\n').length - 1);
    if (holder === plan.shared) continue;
    const dir = posix.dirname(holder.file);
    const sharedType = holder.usesShared && plan.shared && ctx.typescript ? [plan.shared.className] : [];
    const imports = renderImports(use, ctx.path, dir, style, plan.sharedFile, { types: sharedType, values: [] });
    const tail = ctx.esm ? '' : `\nmodule.exports = { ${holder.className} }${style.semi}\n`;
    files.set(holder.file, `${head}${imports.length ? `${imports.join('\n')}\n\n` : ''}${classText}${tail}`);
  }

  // The facade: the class with moved members replaced by delegations or removed.
  const cls = model.cls;
  const classEdits: Edit[] = [];
  const redirect = new Map<string, string>();
  for (const name of plan.shared?.fields ?? []) redirect.set(name, plan.shared!.property);
  for (const method of model.methods.values()) {
    const holder = plan.methodHolder.get(method.name);
    if (!holder) {
      for (const access of thisAccesses(method.node, cls)) {
        const to = redirect.get(access.name);
        if (to) classEdits.push({ start: access.thisNode.getEnd(), end: access.thisNode.getEnd(), text: `.${to}` });
      }
    } else if (plan.delegated.has(method.name)) {
      classEdits.push({ start: method.node.getStart(), end: method.node.getEnd(), text: delegation(method.node, holder, style) });
    } else {
      const [start, end] = memberLines(method.node);
      classEdits.push({ start, end, text: '' });
    }
  }
  for (const name of plan.fieldHolder.keys()) {
    const declaration = model.fields.get(name)!.declaration;
    if (!declaration) continue;
    const [start, end] = memberLines(declaration);
    classEdits.push({ start, end, text: '' });
  }
  classEdits.push(...emptiedSections(model, plan, text));
  const i1 = style.indent;
  const semi = style.semi || ';';
  const ctor = model.ctor;
  const create = (holder: Holder) => {
    const args = [
      ...(holder.usesShared && plan.shared ? [`this.${plan.shared.property}`] : []),
      ...[...holder.dependencies].sort(byCtorOrder(model)).map((d) => `this.${d}`),
      ...holder.params.filter((p) => !holder.dependencies.has(p)),
    ];
    return `new ${holder.className}(${args.join(', ')})`;
  };
  const ordered = plan.shared ? [plan.shared, ...plan.holders.filter((h) => h !== plan.shared)] : plan.holders;
  const modifiers = (h: Holder) => (!ctx.typescript ? '' : ctx.publicParts && h.kind === 'part' ? 'readonly ' : 'private readonly ');
  const declarations = ordered.map((h) =>
    ctor
      ? ctx.typescript ? `${i1}${modifiers(h)}${h.property}: ${h.className}${semi}\n` : ''
      : `${i1}${modifiers(h)}${h.property} = ${create(h)}${semi}\n`,
  );
  const openBrace = cls.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken).getEnd();
  const firstMember = cls.getMembers()[0];
  const separator = firstMember && !Node.isPropertyDeclaration(firstMember) ? '\n' : '';
  if (declarations.join('')) classEdits.push({ start: lineEnd(text, openBrace - 1), end: lineEnd(text, openBrace - 1), text: declarations.join('') + separator });
  if (ctor) {
    for (const statement of model.bindStatements) {
      const method = /^this\.(\w+)/.exec(statement.getText())![1]!;
      if (plan.methodHolder.has(method) && !plan.delegated.has(method)) {
        classEdits.push({ start: lineStart(text, statement.getStart()), end: lineEnd(text, statement.getEnd()), text: '' });
      }
    }
    for (const holder of plan.holders) {
      for (const statement of holder.statements) {
        classEdits.push({ start: lineStart(text, statement.getStart()), end: lineEnd(text, statement.getEnd()), text: '' });
      }
    }
    const bodyOpen = ctor.getBody()!.getStart() + 1;
    const inner = i1 + i1;
    const creations = ordered.map((h) => `${inner}this.${h.property} = ${create(h)}${semi}\n`).join('');
    classEdits.push({ start: lineEnd(text, bodyOpen - 1), end: lineEnd(text, bodyOpen - 1), text: creations });
  }
  const classStart = lineStart(text, docStart(cls));
  const classEnd = cls.getEnd();
  const facadeClass = tidyClassBody(applyEdits(text.slice(classStart, classEnd), classEdits, classStart));

  // Top level: imports of the holders; the moved declarations leave, their exported names are
  // re-exported where the first of them stood, so the module's API is unchanged.
  const topEdits: Edit[] = [{ start: classStart, end: classEnd, text: facadeClass }];
  const dir = posix.dirname(ctx.path);
  const sharedSpec = specifierTo(dir, plan.sharedFile, style.jsExtensions);
  const exportedValues = [...moved.names].filter(([, n]) => n.exported && !(n.typeOnly && ctx.typescript)).map(([name]) => name);
  const exportedTypes = ctx.typescript ? [...moved.names].filter(([, n]) => n.exported && n.typeOnly).map(([name]) => name) : [];
  const reexports = [
    ...(exportedValues.length ? [`export { ${exportedValues.join(', ')} } from ${q}${sharedSpec}${q}${style.semi}\n`] : []),
    ...(exportedTypes.length ? [`export type { ${exportedTypes.join(', ')} } from ${q}${sharedSpec}${q}${style.semi}\n`] : []),
  ].join('');
  moved.statements.forEach((statement, index) => {
    const [start, end] = memberLines(statement);
    const blankAfter = /^[ \t]*\n/.exec(text.slice(end))?.[0].length ?? 0;
    const keepBlank = index === 0 && reexports !== '';
    topEdits.push({ start, end: keepBlank ? end : end + blankAfter, text: index === 0 ? reexports : '' });
  });
  const partImports = plan.holders
    .filter((h) => h !== plan.shared)
    .map((h) => {
      const spec = specifierTo(dir, h.file, style.jsExtensions);
      return ctx.esm ? `import { ${h.className} } from ${q}${spec}${q}${style.semi}` : `const { ${h.className} } = require(${q}${spec}${q})${style.semi}`;
    });
  const lastImport = file.getStatements().filter((s) => Node.isImportDeclaration(s) || isRequire(s)).at(-1);
  const at = lastImport ? lineEnd(text, lastImport.getEnd()) : lineStart(text, file.getStatements()[0]?.getStart() ?? 0);
  const facadeText = (sharedImports: string[]) =>
    applyEdits(text, [...topEdits, { start: at, end: at, text: `${[...sharedImports, ...partImports].join('\n')}\n${lastImport ? '' : '\n'}` }]);
  const sharedImportsFor = (names: Set<string>) => {
    const ordered = [...moved.names.keys()].filter((n) => names.has(n));
    const values = [...(plan.shared ? [plan.shared.className] : []), ...ordered.filter((n) => !(ctx.typescript && moved.names.get(n)!.typeOnly))];
    const types = ctx.typescript ? ordered.filter((n) => moved.names.get(n)!.typeOnly) : [];
    if (!ctx.esm) return values.length ? [`const { ${values.join(', ')} } = require(${q}${sharedSpec}${q})${style.semi}`] : [];
    return [
      ...(values.length ? [`import { ${values.join(', ')} } from ${q}${sharedSpec}${q}${style.semi}`] : []),
      ...(types.length ? [`import type { ${types.join(', ')} } from ${q}${sharedSpec}${q}${style.semi}`] : []),
    ];
  };
  const probe = file.getProject().createSourceFile(`/__split__/probe/${ctx.path}`, facadeText(sharedImportsFor(new Set())), { overwrite: true });
  const facadeUses = namesStillUsed(probe, moved.names);
  probe.delete();
  const facadeFile = file.getProject().createSourceFile(`/__split__/${ctx.path}`, facadeText(sharedImportsFor(facadeUses)), { overwrite: true });
  files.set(ctx.path, pruneImports(file, facadeFile));
  facadeFile.delete();

  // The shared module: the moved declarations, then the shared object.
  if (moved.statements.length || plan.shared) {
    const sharedDir = posix.dirname(plan.sharedFile);
    const use = emptyUse();
    for (const source of [moved.use, ...rendered.filter((r) => r.holder === plan.shared).map((r) => r.use)]) {
      for (const [statement, names] of source.imports) use.imports.set(statement, new Set([...(use.imports.get(statement) ?? []), ...names]));
    }
    const imports = renderImports(use, ctx.path, sharedDir, style, plan.sharedFile);
    let declarations = '';
    let previousEnd = -1;
    for (const statement of moved.statements) {
      const [start, end] = memberLines(statement);
      // every moved declaration is exported: parts or facade import it, or an exported member's type names it
      const exported = Node.isExportable(statement) && statement.hasExportKeyword();
      const edits = exported ? [] : [{ start: statement.getStart(), end: statement.getStart(), text: 'export ' }];
      const adjacent = previousEnd !== -1 && text.slice(previousEnd, start).trim() === '' && !text.slice(previousEnd, start).includes('\n');
      declarations += `${declarations && !adjacent ? '\n' : ''}${applyEdits(text.slice(start, end), edits, start)}`;
      previousEnd = end;
    }
    const sharedClass = rendered.find((r) => r.holder === plan.shared)?.classText ?? '';
    const tail = ctx.esm || !plan.shared ? '' : `\nmodule.exports = { ${plan.shared.className} }${style.semi}\n`;
    const body = [declarations, sharedClass].filter(Boolean).join('\n');
    files.set(plan.sharedFile, `${head}${imports.length ? `${imports.join('\n')}\n\n` : ''}${body}${tail}`);
  }
  return { ok: true, files, facadeLines: facadeClass.split('\n').length - lineOffset(text, classStart, cls), holderLines };
}

function lineOffset(text: string, classStart: number, cls: Node): number {
  return text.slice(classStart, cls.getStart()).split('\n').length - 1;
}
