/**
 * From a grouping to a plan: the holders (one class per part, one shared object), where each
 * field and constructor statement goes, which constructor parameters each holder needs, and the
 * refusals only this step can see (constructor order, module-local values in CommonJS).
 */
import type { Statement } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.js';
import type { Grouping } from './grouping.js';
import type { ClassModel } from './model.js';
import { camel, pascal, thisAccesses } from './text.js';

export interface Holder {
  kind: 'part' | 'shared';
  stem: string[];
  className: string;
  property: string;
  file: string;
  methods: string[];
  fields: string[];
  dependencies: Set<string>;
  /** Plain constructor parameters its moved constructor statements read. */
  params: string[];
  statements: Statement[];
  usesShared: boolean;
  joined: string[];
}

export interface Plan {
  holders: Holder[];
  shared: Holder | undefined;
  /**
   * The shared module: the shared object's file, which also receives the top-level declarations
   * (types, constants, error classes) that moved code uses, so no part imports the facade.
   */
  sharedFile: string;
  /** Moved method -> holder. */
  methodHolder: Map<string, Holder>;
  fieldHolder: Map<string, Holder>;
  /** Moved methods the facade keeps a delegating method for. */
  delegated: Set<string>;
}

export interface Refused {
  reason: 'constructor-order';
  detail: string;
  node: Node;
}

export interface Naming {
  /** Root-relative path of the original file. */
  path: string;
  partNames: Record<string, string>;
}

const SUFFIX = /(Service|Manager|Client)$/;

export function namesFor(model: ClassModel, naming: Naming): { prefix: string; suffix: string; dir: string; base: string; ext: string } {
  const suffix = SUFFIX.exec(model.name)?.[1] ?? '';
  const prefix = model.name.slice(0, model.name.length - suffix.length) || model.name;
  const slash = naming.path.lastIndexOf('/');
  const dirname = slash === -1 ? '' : naming.path.slice(0, slash);
  const file = naming.path.slice(slash + 1);
  const ext = /\.[cm]?[jt]sx?$/.exec(file)![0];
  const base = file.slice(0, file.length - ext.length);
  const folder = base.split('.')[0]!;
  return { prefix, suffix, dir: dirname ? `${dirname}/${folder}` : folder, base, ext };
}

function fileName(className: string, stemKebab: string, base: string, ext: string): string {
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(base)) return `${stemKebab}-${base}${ext}`;
  const name = /^[a-z]/.test(base) ? className.charAt(0).toLowerCase() + className.slice(1) : className;
  return `${name}${ext}`;
}

export function makePlan(model: ClassModel, grouping: Grouping, naming: Naming): Plan | Refused {
  const { prefix, suffix, dir, base, ext } = namesFor(model, naming);
  const memberNames = new Set([...model.methods.keys(), ...model.fields.keys()]);
  const taken = new Set<string>();
  const propertyFor = (wanted: string) => {
    let name = wanted;
    while (memberNames.has(name) || taken.has(name)) name = `${name}Part`;
    taken.add(name);
    return name;
  };
  const rename = (name: string) => naming.partNames[name] ?? name;
  const holders: Holder[] = grouping.parts.map((part) => {
    const className = rename(pascal(part.stem) + prefix + suffix);
    return {
      kind: 'part',
      stem: part.stem,
      className,
      property: propertyFor(camel(part.stem)),
      file: `${dir}/${fileName(className, part.stem.join('-'), base, ext)}`,
      methods: part.methods,
      fields: part.fields,
      dependencies: new Set(part.dependencies),
      params: [],
      statements: [],
      usesShared: false,
      joined: part.joined,
    };
  });
  let shared: Holder | undefined;
  const prefixWords = prefix.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ');
  const sharedFile = `${dir}/${[...prefixWords, 'shared'].join('-')}${ext.replace(/x$/, '')}`;
  if (grouping.shared.methods.length || grouping.shared.fields.length) {
    const className = rename(`${prefix}Shared`);
    shared = {
      kind: 'shared',
      stem: [...prefixWords, 'shared'],
      className,
      property: propertyFor('shared'),
      file: sharedFile,
      methods: grouping.shared.methods,
      fields: grouping.shared.fields,
      dependencies: new Set(grouping.shared.dependencies),
      params: [],
      statements: [],
      usesShared: false,
      joined: [],
    };
    holders.push(shared);
  }
  const methodHolder = new Map<string, Holder>();
  const fieldHolder = new Map<string, Holder>();
  for (const holder of holders) {
    for (const m of holder.methods) methodHolder.set(m, holder);
    for (const f of holder.fields) fieldHolder.set(f, holder);
  }
  const sharedNames = new Set([...(shared?.methods ?? []), ...(shared?.fields ?? [])]);
  for (const holder of holders) {
    if (holder === shared) continue;
    holder.usesShared = holder.methods.some((m) => {
      const info = model.methods.get(m)!;
      return [...info.fields, ...info.calls].some((name) => sharedNames.has(name));
    });
  }

  // Fields: parameter properties that move must be dependencies; initializers may read only
  // dependencies and earlier fields of the same holder.
  for (const [name, holder] of fieldHolder) {
    const field = model.fields.get(name)!;
    if (field.parameter) {
      return { reason: 'constructor-order', detail: `constructor parameter property ${name} is reassigned by methods`, node: field.parameter };
    }
    const init = field.declaration?.getInitializer();
    if (init) {
      const refused = checkReads(init, holder, fieldHolder, grouping.dependencies, model);
      if (refused) return refused;
    }
  }

  // Fields the facade keeps are initialised before the parts exist: they may not read moved members.
  for (const field of model.fields.values()) {
    const init = field.declaration?.getInitializer();
    if (!init || fieldHolder.has(field.name)) continue;
    const moved = thisAccesses(init, model.cls).find((a) => fieldHolder.has(a.name) || methodHolder.has(a.name));
    if (moved) {
      return { reason: 'constructor-order', detail: `the initialiser of ${field.name} reads this.${moved.name} before the parts exist`, node: init };
    }
  }

  // Constructor statements: `this.f = ...` for a moved field moves with it; the rest stays.
  const statements = model.ctor?.getStatements() ?? [];
  let lastMoved = -1;
  statements.forEach((statement, index) => {
    const target = assignedField(statement);
    if (target && fieldHolder.has(target)) lastMoved = index;
  });
  const ctorParams = new Map((model.ctor?.getParameters() ?? []).map((p) => [p.getName(), p]));
  for (const [index, statement] of statements.entries()) {
    const target = assignedField(statement);
    const holder = target ? fieldHolder.get(target) : undefined;
    if (!holder) {
      if (model.bindStatements.has(statement)) continue;
      const moved = thisAccesses(statement, model.cls).find((a) => fieldHolder.has(a.name));
      if (moved) return { reason: 'constructor-order', detail: `the constructor uses this.${moved.name} outside its assignment`, node: statement };
      if (index < lastMoved && statement.getFirstDescendant((n) => Node.isCallExpression(n) || Node.isNewExpression(n))) {
        return { reason: 'constructor-order', detail: 'a constructor statement with calls runs before fields that move to parts are set', node: statement };
      }
      continue;
    }
    const refused = checkReads(statement, holder, fieldHolder, grouping.dependencies, model);
    if (refused) return refused;
    holder.statements.push(statement);
    for (const id of statement.getDescendantsOfKind(SyntaxKind.Identifier)) {
      const param = ctorParams.get(id.getText());
      if (!param || id.getSymbol()?.getDeclarations()[0] !== param) continue;
      if (grouping.dependencies.has(param.getName())) holder.dependencies.add(param.getName());
      else if (!holder.params.includes(param.getName())) holder.params.push(param.getName());
    }
  }

  const facadeCalls = new Set<string>();
  for (const name of grouping.facade.methods) for (const call of model.methods.get(name)!.calls) facadeCalls.add(call);
  for (const statement of statements) {
    if (model.bindStatements.has(statement)) continue;
    for (const a of thisAccesses(statement, model.cls)) facadeCalls.add(a.name);
  }
  // A private method bound in the constructor that nothing left on the facade uses moves with
  // its bind statement (its holder binds it); a public one stays bound on the facade too.
  const delegated = new Set(
    [...methodHolder.keys()].filter((m) => model.methods.get(m)!.visibility !== 'private' || facadeCalls.has(m)),
  );
  return { holders, shared, sharedFile, methodHolder, fieldHolder, delegated };
}

function assignedField(statement: Statement): string | undefined {
  return /^this\.(\w+)\s*=[^=]/.exec(statement.getText())?.[1];
}

function checkReads(
  node: Node,
  holder: Holder,
  fieldHolder: Map<string, Holder>,
  dependencies: Set<string>,
  model: ClassModel,
): Refused | undefined {
  for (const access of thisAccesses(node, model.cls)) {
    if (dependencies.has(access.name)) {
      holder.dependencies.add(access.name);
      continue;
    }
    if (fieldHolder.get(access.name) === holder) continue;
    return { reason: 'constructor-order', detail: `initialising ${holder.className} would read this.${access.name}, which it does not hold`, node };
  }
  if (node.getFirstDescendant((n) => n.getKind() === SyntaxKind.ThisKeyword && !Node.isPropertyAccessExpression(n.getParent()))) {
    return { reason: 'constructor-order', detail: 'a constructor statement uses this as a value', node };
  }
  return undefined;
}
