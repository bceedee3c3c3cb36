/**
 * What a new module must import: every identifier in its moved code that resolves (through the
 * type checker) to an import or a top-level declaration of the original file. Imports are
 * copied with only the names used, re-pointed to the new folder; top-level declarations of the
 * original are imported from it (and exported there when they were not).
 */
import type { SourceFile } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.js';
import { repoint, specifierTo, type Style } from './text.js';

export interface TopLevelUse {
  /** An import or require of the original file, by its statement, with the names used. */
  imports: Map<Node, Set<string>>;
  /** Top-level declarations of the original file used, by name. */
  locals: Map<string, { node: Node; typeOnly: boolean; exported: boolean }>;
}

export function emptyUse(): TopLevelUse {
  return { imports: new Map(), locals: new Map() };
}

function topStatement(node: Node, file: SourceFile): Node | undefined {
  for (let current: Node | undefined = node; current; current = current.getParent()) {
    if (current.getParent() === file) return current;
  }
  return undefined;
}

/** Records what `node` uses of the top level of `file`. */
export function collectUses(node: Node, file: SourceFile, into: TopLevelUse): void {
  for (const id of node.getDescendantsOfKind(SyntaxKind.Identifier)) {
    const parent = id.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) continue;
    const symbol = id.getSymbol();
    const declaration = symbol?.getDeclarations()[0];
    if (!declaration || declaration.getSourceFile() !== file) continue;
    const statement = topStatement(declaration, file);
    if (!statement || statement.containsRange(node.getPos(), node.getEnd())) continue;
    if (Node.isImportDeclaration(statement) || isRequire(statement)) {
      const names = into.imports.get(statement) ?? new Set<string>();
      names.add(id.getText());
      into.imports.set(statement, names);
      continue;
    }
    const name = id.getText();
    if (into.locals.has(name)) continue;
    const typeOnly = Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement);
    const exported = Node.isExportable(statement) && statement.isExported();
    into.locals.set(name, { node: statement, typeOnly, exported });
  }
}

export function isRequire(statement: Node): boolean {
  return Node.isVariableStatement(statement) && /^\s*(?:const|let|var)\s+[^=]+=\s*require\(/.test(statement.getText());
}

/**
 * Import statements for a new module in `toDir`, in the original order: the original module's
 * imports it needs (re-pointed), then the top-level declarations it uses from `localsFrom` (the
 * shared module they moved to), with `extra` names of that module first (the shared class).
 */
export function renderImports(
  use: TopLevelUse,
  originalPath: string,
  toDir: string,
  style: Style,
  localsFrom: string,
  extra: { types: string[]; values: string[] } = { types: [], values: [] },
): string[] {
  const lines: string[] = [];
  const q = style.quote;
  const statements = [...use.imports.keys()].sort((a, b) => a.getStart() - b.getStart());
  for (const statement of statements) {
    const names = use.imports.get(statement)!;
    if (Node.isImportDeclaration(statement)) {
      const spec = repoint(statement.getModuleSpecifierValue(), originalPath, toDir);
      const typeOnly = statement.isTypeOnly() ? 'type ' : '';
      const parts: string[] = [];
      const def = statement.getDefaultImport();
      if (def && names.has(def.getText())) parts.push(def.getText());
      const ns = statement.getNamespaceImport();
      if (ns && names.has(ns.getText())) parts.push(`* as ${ns.getText()}`);
      const named = statement.getNamedImports().filter((s) => names.has((s.getAliasNode() ?? s.getNameNode()).getText()));
      if (named.length) parts.push(`{ ${named.map((s) => s.getText()).join(', ')} }`);
      if (parts.length) lines.push(`import ${typeOnly}${parts.join(', ')} from ${q}${spec}${q}${style.semi}`);
    } else {
      const text = statement.getText();
      const match = /require\((['"])([^'"]+)\1\)/.exec(text)!;
      const spec = repoint(match[2]!, originalPath, toDir);
      const declaration = (statement as any).getDeclarations()[0];
      const nameNode = declaration.getNameNode();
      const kind = text.trimStart().split(/\s/)[0];
      const binding = Node.isObjectBindingPattern(nameNode)
        ? `{ ${nameNode.getElements().filter((e: any) => names.has(e.getName())).map((e: any) => e.getText()).join(', ')} }`
        : nameNode.getText();
      const rest = declaration.getInitializer().getText().replace(match[0], `require(${q}${spec}${q})`);
      lines.push(`${kind} ${binding} = ${rest}${style.semi}`);
    }
  }
  const locals = [...use.locals].sort((a, b) => a[1].node.getStart() - b[1].node.getStart());
  const values = [...extra.values, ...locals.filter(([, l]) => !l.typeOnly).map(([name]) => name)];
  const types = [...extra.types, ...locals.filter(([, l]) => l.typeOnly).map(([name]) => name)];
  const from = specifierTo(toDir, localsFrom, style.jsExtensions);
  if (types.length) lines.push(`import type { ${types.join(', ')} } from ${q}${from}${q}${style.semi}`);
  if (values.length) lines.push(`import { ${values.join(', ')} } from ${q}${from}${q}${style.semi}`);
  return lines;
}

function usedNames(file: SourceFile): Set<string> {
  const used = new Set<string>();
  for (const id of file.getDescendantsOfKind(SyntaxKind.Identifier)) {
    const statement = topStatement(id, file);
    if (!statement || Node.isImportDeclaration(statement) || (isRequire(statement) && !id.getFirstAncestorByKind(SyntaxKind.CallExpression))) {
      continue;
    }
    const parent = id.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) continue;
    used.add(id.getText());
  }
  return used;
}

/**
 * Removes the import bindings of `after` that `before` used and `after` no longer does (the
 * code that used them moved out); whole declarations go when nothing is left of them.
 */
export function pruneImports(before: SourceFile, after: SourceFile): string {
  const wasUsed = usedNames(before);
  const isUsed = usedNames(after);
  const dropped = (name: string) => wasUsed.has(name) && !isUsed.has(name);
  for (const statement of after.getStatements()) {
    if (Node.isImportDeclaration(statement)) {
      const named = statement.getNamedImports();
      const def = statement.getDefaultImport();
      const ns = statement.getNamespaceImport();
      const all = [...named.map((s) => (s.getAliasNode() ?? s.getNameNode()).getText()), ...(def ? [def.getText()] : []), ...(ns ? [ns.getText()] : [])];
      if (all.length === 0 || !all.some(dropped)) continue;
      if (all.every(dropped)) {
        statement.remove();
        continue;
      }
      for (const s of named) if (dropped((s.getAliasNode() ?? s.getNameNode()).getText())) s.remove();
      if (def && dropped(def.getText())) statement.removeDefaultImport();
    } else if (isRequire(statement) && Node.isVariableStatement(statement)) {
      const declaration = statement.getDeclarations()[0]!;
      const nameNode = declaration.getNameNode();
      if (Node.isObjectBindingPattern(nameNode)) {
        const elements = nameNode.getElements();
        if (elements.every((e) => dropped(e.getName()))) statement.remove();
        else if (elements.some((e) => dropped(e.getName()))) {
          const kept = elements.filter((e) => !dropped(e.getName())).map((e) => e.getText());
          nameNode.replaceWithText(`{ ${kept.join(', ')} }`);
        }
      } else if (dropped(nameNode.getText())) statement.remove();
    }
  }
  return after.getFullText();
}
