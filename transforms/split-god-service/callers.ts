/**
 * Option `rewriteCallers`: every use of the class in the project, followed through the type
 * checker's symbols. Instances are `const x = new Class(...)` (in any module, exported by
 * `export const` or not) and a CommonJS singleton (`module.exports = new Class()` required as
 * `const x = require(...)`). Every use of an instance must be a call of one of the class's
 * methods (`x.method(...)`); any other use (passed on, re-exported, `x[key]`, `typeof x`, a field
 * read) means the instance escapes and no caller is rewritten. Calls of methods the facade
 * delegates to a part become `x.<part>.method(...)`.
 */
import { posix } from 'node:path';
import type { Identifier, Project, SourceFile, Symbol as MorphSymbol } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.js';
import type { ClassModel } from './model.js';
import type { Holder, Plan } from './plan.js';

export interface CallSite {
  /** Where `.<part>` is inserted: the end of the instance identifier. */
  insertAt: number;
  line: number;
  column: number;
  instance: string;
  method: string;
  holder: Holder;
}

export type CallerAnalysis =
  | { ok: true; calls: Map<string, CallSite[]> }
  | { ok: false; file: string; line: number; column: number; detail: string };

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

function stripExtension(path: string): string {
  return path.replace(SOURCE, '').replace(/\/index$/, '');
}

function resolvesTo(from: string, specifier: string, target: string): boolean {
  return specifier.startsWith('.') && stripExtension(posix.normalize(posix.join(posix.dirname(from), specifier))) === stripExtension(target);
}

class Escape extends Error {
  constructor(
    readonly file: string,
    readonly node: Node,
    detail: string,
  ) {
    super(detail);
  }
}

/** `text` of the module specifier when `node` is `require('<spec>')` or `import('<spec>')`. */
function loadedSpecifier(node: Node): string | undefined {
  if (!Node.isCallExpression(node)) return undefined;
  const callee = node.getExpression();
  const isLoad = callee.getKind() === SyntaxKind.ImportKeyword || (Node.isIdentifier(callee) && callee.getText() === 'require');
  const [arg] = node.getArguments();
  return isLoad && arg && Node.isStringLiteral(arg) ? arg.getLiteralValue() : undefined;
}

export function analyseCallers(
  project: Project,
  model: ClassModel,
  plan: Plan,
  path: string,
  text: (file: string) => string | undefined,
  paths: Iterable<string>,
): CallerAnalysis {
  const sources = [...paths].filter((p) => SOURCE.test(p) && !/\.d\.[cm]?ts$/.test(p));
  const sourceFile = (file: string): SourceFile =>
    file === path ? model.cls.getSourceFile() : project.createSourceFile(`/__callers__/${file}`, text(file)!, { overwrite: true });
  const calls = new Map<string, CallSite[]>();
  /** Modules whose exports hold instances: module -> exported instance names; '' = module.exports itself. */
  const instanceModules = new Map<string, Set<string>>();
  const done = new Set<string>();
  const queue: string[] = [path];
  try {
    while (queue.length) {
      const module = queue.shift()!;
      // The module itself first: it may declare instances its importers take.
      const order = [module, ...sources.filter((f) => f !== module && text(f)!.includes(posix.basename(stripExtension(module))))];
      for (const file of order) {
        const key = file === module ? file : `${file}<-${module}`;
        if (done.has(key) || !sources.includes(file)) continue;
        done.add(key);
        const found = scanFile(sourceFile(file), file, module, model, plan, path, instanceModules, calls);
        for (const m of found) if (!queue.includes(m)) queue.push(m);
      }
    }
  } catch (error) {
    if (!(error instanceof Escape)) throw error;
    const sf = error.node.getSourceFile();
    const start = error.node.getStart();
    const column = start - sf.getFullText().lastIndexOf('\n', start - 1);
    return { ok: false, file: error.file, line: error.node.getStartLineNumber(), column, detail: error.message };
  }
  return { ok: true, calls };
}

/**
 * Binds what `file` takes from `module` (the class, or instances) and checks every use; returns
 * modules that newly export instances (to scan their importers).
 */
function scanFile(
  sf: SourceFile,
  file: string,
  module: string,
  model: ClassModel,
  plan: Plan,
  classPath: string,
  instanceModules: Map<string, Set<string>>,
  calls: Map<string, CallSite[]>,
): string[] {
  const className = model.name;
  const classSymbols = new Set<unknown>();
  const instanceSymbols = new Set<unknown>();
  const names = new Set<string>();
  const instanceNames = new Set<string>();
  const symbolOf = (node: Node) => (node.getSymbol() as MorphSymbol | undefined)?.compilerSymbol;
  const escape = (node: Node, detail: string): never => {
    throw new Escape(file, node, detail);
  };
  const exported = instanceModules.get(module) ?? new Set<string>();
  if (file === module && file === classPath) {
    classSymbols.add(symbolOf(model.cls.getNameNode()!));
    names.add(className);
  } else if (file !== module) {
    // What this file takes from `module`.
    for (const node of sf.getDescendants()) {
      if (Node.isImportDeclaration(node) && resolvesTo(file, node.getModuleSpecifierValue(), module)) {
        if (node.getDefaultImport() || node.getNamespaceImport()) escape(node, `imports ${module} as a whole`);
        for (const spec of node.getNamedImports()) {
          const name = spec.getName();
          const local = spec.getAliasNode() ?? spec.getNameNode();
          if (module === classPath && name === className) classSymbols.add(symbolOf(local));
          else if (exported.has(name)) {
            instanceSymbols.add(symbolOf(local));
            instanceNames.add(local.getText());
          } else continue;
          names.add(local.getText());
        }
      } else if (Node.isExportDeclaration(node) && resolvesTo(file, node.getModuleSpecifierValue() ?? '', module)) {
        escape(node, `re-exports ${module}`);
      } else {
        const specifier = loadedSpecifier(node);
        if (specifier === undefined) {
          // `vi.mock('./x')`, `jest.mock('./x')`: the instances may be mocks without the parts.
          const mentions = Node.isCallExpression(node) && node.getArguments().some((a) => Node.isStringLiteral(a) && resolvesTo(file, a.getLiteralValue(), module));
          if (mentions) escape(node, `passes the module ${module} to other code (a mock?)`);
          continue;
        }
        if (!resolvesTo(file, specifier, module)) continue;
        const declaration = node.getParent();
        const name = Node.isVariableDeclaration(declaration) && declaration.getInitializer() === node ? declaration.getNameNode() : undefined;
        if (name && Node.isIdentifier(name) && exported.has('') && isConst(declaration!)) {
          instanceSymbols.add(symbolOf(name));
          names.add(name.getText());
          instanceNames.add(name.getText());
        } else if (name && Node.isObjectBindingPattern(name) && module === classPath && !exported.has('')) {
          for (const element of name.getElements()) {
            const property = element.getPropertyNameNode()?.getText() ?? element.getName();
            if (property !== className) continue;
            classSymbols.add(symbolOf(element.getNameNode()));
            names.add(element.getName());
          }
        } else {
          escape(node, `loads ${module} in a way harden cannot follow`);
        }
      }
    }
  } else {
    return [];
  }
  if (!names.size) return [];

  const newModules: string[] = [];
  const exportInstance = (name: string) => {
    const set = instanceModules.get(file) ?? new Set<string>();
    if (!instanceModules.has(file)) instanceModules.set(file, set);
    if (!set.has(name)) {
      set.add(name);
      if (!newModules.includes(file)) newModules.push(file);
    }
  };
  const identifiers = sf.getDescendantsOfKind(SyntaxKind.Identifier).filter((id) => names.has(id.getText()));
  // Class uses first: they declare instances, whose uses are checked after.
  for (const id of identifiers) {
    if (!classSymbols.has(symbolOf(id))) continue;
    classUse(id, file, classPath, model, escape, (name, isExported) => {
      instanceSymbols.add(symbolOf(name));
      names.add(name.getText());
      instanceNames.add(name.getText());
      if (isExported) exportInstance(name.getText());
    }, () => exportInstance(''));
  }
  for (const id of sf.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (!names.has(id.getText())) continue;
    const parent = id.getParent();
    if (!instanceSymbols.has(symbolOf(id))) {
      const handedOn = Node.isShorthandPropertyAssignment(parent) || Node.isExportSpecifier(parent);
      if (handedOn && instanceNames.has(id.getText())) escape(id, `hands ${id.getText()} on`);
      continue;
    }
    if (isDeclarationName(id)) continue;
    const call = parent?.getParent();
    if (!Node.isPropertyAccessExpression(parent) || parent.getExpression() !== id || !Node.isCallExpression(call) || call.getExpression() !== parent) {
      escape(id, `uses the ${className} instance ${id.getText()} other than to call a method`);
    }
    const method = (parent as import('ts-morph').PropertyAccessExpression).getName();
    if (!model.methods.has(method)) escape(id, `uses ${id.getText()}.${method}, not a method of ${className}`);
    if (file === classPath) escape(id, `calls ${id.getText()}.${method} in the module of ${className}`);
    const holder = plan.methodHolder.get(method);
    if (!holder || holder.kind !== 'part' || !plan.delegated.has(method)) continue;
    const start = id.getStart();
    const list = calls.get(file) ?? [];
    calls.set(file, list);
    list.push({
      insertAt: id.getEnd(),
      line: id.getStartLineNumber(),
      column: start - sf.getFullText().lastIndexOf('\n', start - 1),
      instance: id.getText(),
      method,
      holder,
    });
  }
  return newModules;
}

function isConst(declaration: Node): boolean {
  const list = declaration.getParent();
  return Node.isVariableDeclarationList(list) && (list.getFlags() & 2) !== 0; // ts.NodeFlags.Const
}

function isDeclarationName(id: Identifier): boolean {
  const parent = id.getParent();
  return (
    (Node.isVariableDeclaration(parent) && parent.getNameNode() === id) ||
    Node.isImportSpecifier(parent) ||
    (Node.isBindingElement(parent) && (parent.getNameNode() === id || parent.getPropertyNameNode() === id))
  );
}

/** A use of the class name: the declaration, a type, or `const x = new Class(...)`. */
function classUse(
  id: Identifier,
  file: string,
  classPath: string,
  model: ClassModel,
  escape: (node: Node, detail: string) => never,
  instance: (name: Identifier, exported: boolean) => void,
  singleton: () => void,
): void {
  const parent = id.getParent();
  if (id === model.cls.getNameNode() || isDeclarationName(id)) return;
  if (file === classPath && Node.isExportSpecifier(parent) && !parent.getAliasNode()) return;
  if (Node.isTypeReference(parent) || (Node.isExpressionWithTypeArguments(parent) && parent.getParent()?.getText().startsWith('implements'))) return;
  if (Node.isNewExpression(parent) && parent.getExpression() === id) {
    const holder = parent.getParent();
    if (Node.isVariableDeclaration(holder) && holder.getInitializer() === parent && isConst(holder)) {
      const name = holder.getNameNode();
      if (!Node.isIdentifier(name)) escape(parent, `destructures a new ${model.name}`);
      const statement = holder.getParent()?.getParent();
      const isExported = Node.isVariableStatement(statement) && statement.isExported() && statement.getParent() === id.getSourceFile();
      return instance(name as Identifier, isExported);
    }
    if (
      file === classPath &&
      Node.isBinaryExpression(holder) &&
      holder.getRight() === parent &&
      holder.getLeft().getText() === 'module.exports' &&
      Node.isExpressionStatement(holder.getParent())
    ) {
      return singleton();
    }
    escape(parent, `creates a ${model.name} that is not kept in a const`);
  }
  escape(id, `uses the class ${model.name} as a value`);
}
