/**
 * The class model: every instance method and field of a candidate class, which fields each
 * method reads or writes through `this`, which methods it calls, and the refusals that can be
 * decided from the class alone (dynamic access, decorators, accessors, `super`, unbound
 * references, `this` escaping).
 */
import type { ClassDeclaration, ConstructorDeclaration, MethodDeclaration, ParameterDeclaration, PropertyDeclaration, Statement } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.js';

export type Visibility = 'public' | 'protected' | 'private';

export interface MethodInfo {
  name: string;
  node: MethodDeclaration;
  visibility: Visibility;
  fields: Set<string>;
  calls: Set<string>;
  /** `this` used as a value (passed, returned, aliased): it would mean the part, not the facade. */
  thisEscapes: boolean;
  lines: number;
  /** The body is only `return this.<field>.<method>(...)`: it already delegates. */
  delegates: boolean;
}

export interface FieldInfo {
  name: string;
  declaration: PropertyDeclaration | undefined;
  parameter: ParameterDeclaration | undefined;
  visibility: Visibility;
  /** Written by a method (not only by its declaration or the constructor). */
  writtenByMethods: boolean;
}

export interface ClassModel {
  cls: ClassDeclaration;
  name: string;
  methods: Map<string, MethodInfo>;
  fields: Map<string, FieldInfo>;
  ctor: ConstructorDeclaration | undefined;
  /** Methods re-bound in the constructor: `this.x = this.x.bind(this)`. */
  bound: Set<string>;
  /** Constructor statements `this.x = this.x.bind(this)`. */
  bindStatements: Set<Statement>;
  /** Bound methods the class itself takes as values (`items.map(this.format)`): each holder of one binds it. */
  valueReferences: Set<string>;
  lines: number;
}

export interface Refusal {
  reason: ModelRefusal;
  detail: string;
  node: Node;
}

export type ModelRefusal =
  | 'dynamic-member-access'
  | 'framework-decorators'
  | 'inheritance'
  | 'unsupported-member'
  | 'unbound-method-reference';

export const ASSIGNMENTS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=', '||=', '??=']);

export function lineCount(node: Node): number {
  return node.getEndLineNumber() - node.getStartLineNumber() + 1;
}

function visibilityOf(node: { hasModifier(kind: SyntaxKind): boolean }, name: string): Visibility {
  if (name.startsWith('#') || node.hasModifier(SyntaxKind.PrivateKeyword)) return 'private';
  if (node.hasModifier(SyntaxKind.ProtectedKeyword)) return 'protected';
  return 'public';
}

/** The member whose `this` a `this` keyword refers to (arrow functions see through). */
function ownerOf(node: Node, cls: ClassDeclaration): Node | undefined {
  for (let current = node.getParent(); current; current = current.getParent()) {
    if (Node.isFunctionDeclaration(current) || Node.isFunctionExpression(current)) return undefined;
    if (Node.isClassDeclaration(current) || Node.isClassExpression(current)) return undefined;
    if (current.getParent() === cls) return current;
  }
  return undefined;
}

export function buildModel(cls: ClassDeclaration): ClassModel | Refusal {
  const name = cls.getName()!;
  const decorated = [cls, ...cls.getMembers()].find((member) => Node.isDecoratable(member) && member.getDecorators().length > 0);
  const ctor = cls.getConstructors().find((c) => c.hasBody()) ?? cls.getConstructors()[0];
  const decoratedParam = ctor?.getParameters().find((p) => p.getDecorators().length > 0);
  if (decorated || decoratedParam) {
    const node = decorated ?? decoratedParam!;
    const decorator = (Node.isDecoratable(node) ? node.getDecorators()[0] : undefined)?.getName() ?? '';
    return {
      reason: 'framework-decorators',
      detail: `@${decorator} is read by a framework (dependency injection) that would not know the new parts`,
      node,
    };
  }
  if (cls.getConstructors().length > 1) return { reason: 'unsupported-member', detail: 'constructor overloads', node: ctor! };

  const methods = new Map<string, MethodInfo>();
  const fields = new Map<string, FieldInfo>();
  for (const member of cls.getMembers()) {
    if (Node.isConstructorDeclaration(member) || Node.isClassStaticBlockDeclaration(member)) continue;
    if (Node.isGetAccessorDeclaration(member) || Node.isSetAccessorDeclaration(member)) {
      if (member.isStatic()) continue;
      return { reason: 'unsupported-member', detail: `accessor ${member.getName()}`, node: member };
    }
    if (Node.isMethodDeclaration(member)) {
      if (member.isStatic()) continue;
      const methodName = member.getName();
      if (member.getOverloads().length > 0 || !member.hasBody()) {
        return { reason: 'unsupported-member', detail: `overloaded or abstract method ${methodName}`, node: member };
      }
      if (member.isGenerator()) return { reason: 'unsupported-member', detail: `generator method ${methodName}`, node: member };
      if (methodName.startsWith('#') || Node.isComputedPropertyName(member.getNameNode())) {
        return { reason: 'unsupported-member', detail: `method ${methodName} has a private or computed name`, node: member };
      }
      const param = member.getParameters().find((p) => !Node.isIdentifier(p.getNameNode()) || (p.getInitializer()?.getText() ?? '').includes('this'));
      if (param) {
        return { reason: 'unsupported-member', detail: `method ${methodName} has a destructured parameter or a default using this`, node: param };
      }
      methods.set(methodName, {
        name: methodName,
        node: member,
        visibility: visibilityOf(member, methodName),
        fields: new Set(),
        calls: new Set(),
        thisEscapes: false,
        lines: lineCount(member),
        delegates: /^\{\s*return this\.\w+\.\w+(<[^>]*>)?\([\w\s,.]*\);?\s*\}$/.test(member.getBody()!.getText()),
      });
      continue;
    }
    if (Node.isPropertyDeclaration(member)) {
      if (member.isStatic()) continue;
      const fieldName = member.getName();
      if (fieldName.startsWith('#') || Node.isComputedPropertyName(member.getNameNode())) {
        return { reason: 'unsupported-member', detail: `field ${fieldName} has a private or computed name`, node: member };
      }
      const init = member.getInitializer();
      if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init)) && init.getText().includes('this')) {
        return { reason: 'unsupported-member', detail: `field ${fieldName} holds a function that uses this`, node: member };
      }
      fields.set(fieldName, { name: fieldName, declaration: member, parameter: undefined, visibility: visibilityOf(member, fieldName), writtenByMethods: false });
      continue;
    }
    if (Node.isIndexSignatureDeclaration(member)) return { reason: 'dynamic-member-access', detail: 'index signature', node: member };
  }
  for (const parameter of ctor?.getParameters() ?? []) {
    if (!parameter.isParameterProperty()) continue;
    const fieldName = parameter.getName();
    fields.set(fieldName, {
      name: fieldName,
      declaration: undefined,
      parameter,
      visibility: visibilityOf(parameter, fieldName),
      writtenByMethods: false,
    });
  }

  const bound = new Set<string>();
  const bindStatements = new Set<Statement>();
  const valueReferences = new Set<string>();
  for (const statement of ctor?.getStatements() ?? []) {
    const bind = /^this\.(\w+)\s*=\s*this\.(\w+)\.bind\(this\);?$/.exec(statement.getText());
    if (bind && bind[1] === bind[2] && methods.has(bind[1]!)) {
      bound.add(bind[1]!);
      bindStatements.add(statement);
    }
  }

  for (const node of cls.getDescendantsOfKind(SyntaxKind.SuperKeyword)) {
    return { reason: 'inheritance', detail: 'a method calls super; parts cannot reach the base class', node };
  }
  for (const thisNode of cls.getDescendantsOfKind(SyntaxKind.ThisKeyword)) {
    if (thisNode.getFirstAncestor((a) => Node.isJSDoc(a))) continue; // `{@link this.x}`, `@type {typeof this.x}`: not code
    const owner = ownerOf(thisNode, cls);
    if (!owner) continue;
    const parent = thisNode.getParent()!;
    const method = Node.isMethodDeclaration(owner) ? methods.get(owner.getName()) : undefined;
    if (Node.isElementAccessExpression(parent) && parent.getExpression() === thisNode) {
      return { reason: 'dynamic-member-access', detail: `this[${parent.getArgumentExpression()?.getText() ?? ''}]`, node: parent };
    }
    if (!Node.isPropertyAccessExpression(parent) || parent.getExpression() !== thisNode) {
      if (method) method.thisEscapes = true;
      continue;
    }
    const member = parent.getName();
    const use = parent.getParent();
    const isCall = Node.isCallExpression(use) && use.getExpression() === parent;
    const isBind =
      Node.isPropertyAccessExpression(use) && use.getName() === 'bind' && Node.isCallExpression(use.getParent()) &&
      use.getParent()!.getText().endsWith('.bind(this)');
    const isWrite =
      (Node.isBinaryExpression(use) && use.getLeft() === parent && ASSIGNMENTS.has(use.getOperatorToken().getText())) ||
      ((Node.isPrefixUnaryExpression(use) || Node.isPostfixUnaryExpression(use)) && /\+\+|--/.test(use.getText()));
    if (methods.has(member)) {
      const inBindStatement = [...bindStatements].some((s) => s.containsRange(parent.getPos(), parent.getEnd()));
      if (inBindStatement) continue;
      // A method bound in the constructor may be handed out from a method (or from the
      // constructor after the bind): every holder of it binds it too (see emit), so the
      // reference stays bound after the split.
      const boundHere =
        bound.has(member) &&
        (Node.isMethodDeclaration(owner) ||
          (Node.isConstructorDeclaration(owner) &&
            [...bindStatements].some((s) => new RegExp(`^this\\.${member}\\s*=`).test(s.getText()) && s.getEnd() <= parent.getStart())));
      if (!isCall && !isBind && boundHere) {
        valueReferences.add(member);
        method?.calls.add(member);
        continue;
      }
      if (!isCall && !isBind) {
        return {
          reason: 'unbound-method-reference',
          detail: `this.${member} is passed around without .bind(this); a delegating facade would change what this means`,
          node: parent,
        };
      }
      method?.calls.add(member);
      continue;
    }
    if (!fields.has(member)) {
      if (Node.isConstructorDeclaration(owner) && isWrite) {
        fields.set(member, { name: member, declaration: undefined, parameter: undefined, visibility: 'public', writtenByMethods: false });
      } else if (method && isWrite && cls.getSourceFile().getFilePath().match(/\.[cm]?jsx?$/)) {
        fields.set(member, { name: member, declaration: undefined, parameter: undefined, visibility: 'public', writtenByMethods: true });
        method.fields.add(member);
        continue;
      } else if (!Node.isConstructorDeclaration(owner)) {
        const base = cls.getExtends();
        return base
          ? { reason: 'inheritance', detail: `this.${member} comes from the base class ${base.getText()}`, node: parent }
          : { reason: 'unsupported-member', detail: `this.${member} is not declared in the class`, node: parent };
      } else continue;
    }
    if (method) {
      method.fields.add(member);
      if (isWrite) fields.get(member)!.writtenByMethods = true;
    }
  }
  const base = cls.getExtends();
  if (base) {
    const override = [...methods.values()].find((m) => m.node.hasModifier(SyntaxKind.OverrideKeyword));
    if (override) return { reason: 'inheritance', detail: `${override.name} overrides a method of ${base.getText()}`, node: override.node };
  }
  return { cls, name, methods, fields, ctor, bound, bindStatements, valueReferences, lines: lineCount(cls) };
}

export function isRefusal(value: ClassModel | Refusal): value is Refusal {
  return 'reason' in value;
}
