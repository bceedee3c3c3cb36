/**
 * Top-level declarations of the original module that moved code uses (types, constants, error
 * classes, helper functions) move to the shared module, with everything they use in turn, so
 * parts and facade both import them from there and no part imports the facade (no import
 * cycle). The facade imports what it still uses and re-exports what it exported, so its public
 * API does not change.
 */
import type { SourceFile, Statement } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.js';
import { collectUses, emptyUse, type TopLevelUse } from './imports.js';
import { ASSIGNMENTS } from './model.js';

export interface MovedDeclarations {
  /** Statements that move, in source order. */
  statements: Statement[];
  /** Every name they declare -> whether it is only a type (interface, type alias). */
  names: Map<string, { typeOnly: boolean; exported: boolean; statement: Statement }>;
  /** What the moved statements import from the original module's imports. */
  use: TopLevelUse;
}

export interface NotMovable {
  name: string;
  detail: string;
  node: Node;
}

function declaredNames(statement: Statement): string[] {
  if (Node.isVariableStatement(statement)) {
    return statement.getDeclarations().flatMap((d) => {
      const name = d.getNameNode();
      return Node.isIdentifier(name) ? [name.getText()] : name.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText());
    });
  }
  const name = (statement as { getName?: () => string | undefined }).getName?.();
  return name ? [name] : [];
}

function isWrite(id: Node): boolean {
  const parent = id.getParent();
  if (Node.isBinaryExpression(parent) && parent.getLeft() === id) return ASSIGNMENTS.has(parent.getOperatorToken().getText());
  return (Node.isPrefixUnaryExpression(parent) || Node.isPostfixUnaryExpression(parent)) && /\+\+|--/.test(parent.getText());
}

/** Why a top-level statement cannot move out of its module, or undefined when it can. */
function movable(statement: Statement, cls: Node, file: SourceFile): string | undefined {
  if (statement === cls) return 'it is the class itself';
  if (Node.isExportable(statement) && statement.isDefaultExport()) return 'it is the default export of the module';
  if (Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement) || Node.isEnumDeclaration(statement)) return undefined;
  if (Node.isClassDeclaration(statement) || Node.isFunctionDeclaration(statement)) return undefined;
  if (Node.isVariableStatement(statement)) {
    if (statement.getDeclarationKind() === 'const') return undefined;
    for (const name of declaredNames(statement)) {
      const written = file
        .getDescendantsOfKind(SyntaxKind.Identifier)
        .some((id) => id.getText() === name && !statement.containsRange(id.getPos(), id.getEnd()) && isWrite(id) && id.getSymbol()?.getDeclarations()[0]?.getFirstAncestor((a) => a === statement));
      if (written) return `it is a module-level ${statement.getDeclarationKind()} that code assigns to, and a module cannot assign to an imported binding`;
    }
    return undefined;
  }
  return 'it is not a declaration that can move to another module';
}

/**
 * The declarations to move: those in `uses` (what the parts and the shared object use), closed
 * over what they use themselves.
 */
export function declarationsToMove(uses: TopLevelUse[], cls: Node, file: SourceFile): MovedDeclarations | NotMovable {
  const statements = new Set<Statement>();
  const use = emptyUse();
  const queue: { name: string; node: Node; via?: string }[] = uses.flatMap((u) => [...u.locals].map(([name, local]) => ({ name, node: local.node })));
  while (queue.length) {
    const { name, node, via } = queue.pop()!;
    const statement = node as Statement;
    if (statements.has(statement)) continue;
    const why = movable(statement, cls, file);
    if (why) {
      const uses = via ? `${via}, which uses ${name}` : name;
      return { name, detail: `moved code uses ${uses}; ${name} cannot move to the shared module: ${why}`, node: statement };
    }
    statements.add(statement);
    // overloads and merged declarations (`function f(a: string): void;` + `function f(a) {}`,
    // `interface X` + `interface X`) move together
    for (const other of file.getStatements()) {
      if (other !== statement && declaredNames(other).some((n) => declaredNames(statement).includes(n))) queue.push({ name, node: other, via });
    }
    const own = emptyUse();
    collectUses(statement, file, own);
    for (const [statementNode, names] of own.imports) {
      const into = use.imports.get(statementNode) ?? new Set<string>();
      for (const n of names) into.add(n);
      use.imports.set(statementNode, into);
    }
    for (const [local, info] of own.locals) queue.push({ name: local, node: info.node, via: via ?? name });
  }
  const ordered = [...statements].sort((a, b) => a.getStart() - b.getStart());
  const names = new Map<string, { typeOnly: boolean; exported: boolean; statement: Statement }>();
  for (const statement of ordered) {
    const typeOnly = Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement);
    const exported = Node.isExportable(statement) && statement.hasExportKeyword();
    for (const name of declaredNames(statement)) names.set(name, { typeOnly, exported, statement });
  }
  return { statements: ordered, names, use };
}

export function isNotMovable(value: MovedDeclarations | NotMovable): value is NotMovable {
  return 'detail' in value;
}

/**
 * Names of `moved` that `file` (the facade with the moved statements taken out) still uses: an
 * identifier with no declaration of its own in the file (a local of the same name shadows).
 */
export function namesStillUsed(file: SourceFile, moved: ReadonlyMap<string, unknown>): Set<string> {
  const used = new Set<string>();
  const checker = file.getProject().getTypeChecker().compilerObject;
  for (const id of file.getDescendantsOfKind(SyntaxKind.Identifier)) {
    const name = id.getText();
    if (!moved.has(name) || used.has(name)) continue;
    const parent = id.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) continue;
    if (Node.isQualifiedName(parent) && parent.getRight() === id) continue;
    if (Node.isImportSpecifier(parent) || Node.isImportClause(parent) || Node.isNamespaceImport(parent)) continue;
    if (Node.isExportSpecifier(parent)) {
      if (!parent.getExportDeclaration().getModuleSpecifier()) used.add(name);
      continue;
    }
    if (Node.isShorthandPropertyAssignment(parent)) {
      if (!checker.getShorthandAssignmentValueSymbol(parent.compilerNode)) used.add(name);
      continue;
    }
    const symbol = id.getSymbol();
    const declarations = symbol?.getDeclarations() ?? [];
    if (declarations.length === 0) used.add(name);
  }
  return used;
}
