/**
 * A class that already logs through an instance logger of its own (`this.logger`, `this.log`,
 * `this._logger`): its console calls go to that logger, written the way the class already calls
 * it, instead of to a second logger imported next to it (issue 14: "classes that already log
 * through `this.logger` got a second pipeline").
 *
 * What harden knows of that logger comes from the class itself: the level methods it calls, and
 * how its calls pass fields and errors — object first (pino, bunyan: `this.logger.error({ err }, 'msg')`)
 * or message first (winston and console-like loggers: `this.logger.error('msg', err)`) — or from a
 * type annotation naming pino's or winston's `Logger`. A call is rewritten only in a shape the class
 * has shown; anything else stays on the console with a reason.
 */
import { ERROR_NAME, isMessage, type Structured } from './arguments.js';

export type Convention = 'pino' | 'winston';

export interface ClassLogger {
  /** `this.logger` as written in the class. */
  text: string;
  /** The library named by the member's type annotation, when it is pino's or winston's `Logger`. */
  library?: Convention;
  /** How the class's calls pass fields and errors; undefined when none of them shows it. */
  convention?: Convention;
  /** Level methods the class calls on the logger. */
  levels: ReadonlySet<string>;
  /** The class passes an error with a message in its convention (`{ err }, 'msg'` or `'msg', err`). */
  errorWithMessage: boolean;
  /** The key the class logs errors under in the pino convention (`err` unless it shows another). */
  errorKey: string;
  /** The class calls `this.logger.<level>(err)` with an error alone. */
  loneError: boolean;
}

/** Why a console call in a class with its own logger is not rewritten. */
export type ClassLoggerRefusal = 'class-logger-convention-unknown' | 'class-logger-level-missing';

const LEVEL_METHODS = new Set(['fatal', 'error', 'warn', 'warning', 'info', 'log', 'debug', 'trace', 'verbose', 'silly', 'http', 'notice', 'crit']);
const STANDARD_LEVELS: Record<Convention, string[]> = {
  pino: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
  winston: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
};
const MEMBER_NAME = /^_?(logger|log)$/;

const perClass = new WeakMap<any, ClassLogger | undefined>();

/**
 * The logger of the class whose instance `this` is at `path` (through arrow functions only), or
 * undefined when `path` is not in an instance method or property of a class with one.
 */
export function classLoggerAt(j: any, root: any, path: any): ClassLogger | { refusal: 'class-logger-not-set-yet'; detail: string } | undefined {
  const owner = thisClass(path);
  if (!owner) return undefined;
  if (!perClass.has(owner.cls)) perClass.set(owner.cls, readClass(j, root, owner.cls));
  const logger = perClass.get(owner.cls);
  if (!logger || !owner.ctor) return logger;
  // in the constructor the logger exists once a top-level statement before the call has set it
  const body = owner.ctor.body.body as any[];
  const member = logger.text.slice('this.'.length);
  const index = body.findIndex((statement) => statement.start <= path.node.start && path.node.end <= statement.end);
  const setsIt = (statement: any) => {
    const e = statement.type === 'ExpressionStatement' ? statement.expression : undefined;
    return e?.type === 'AssignmentExpression' && e.left.type === 'MemberExpression' && e.left.object.type === 'ThisExpression' && e.left.property.name === member;
  };
  const byParameter = owner.ctor.params.some((p: any) => p.type === 'TSParameterProperty' && p.parameter.name === member);
  const byField = owner.cls.body.body.some((m: any) => m.type === 'ClassProperty' && !m.static && m.key?.name === member && m.value);
  if (byParameter || byField || (index > 0 && body.slice(0, index).some(setsIt))) return logger;
  return { refusal: 'class-logger-not-set-yet', detail: `the constructor has not set ${logger.text} yet at this call` };
}

function thisClass(path: any): { cls: any; ctor?: any } | undefined {
  for (let current = path.parent; current; current = current.parent) {
    const node = current.node;
    if (node.type === 'ArrowFunctionExpression') continue;
    if (['ClassMethod', 'ClassPrivateMethod', 'ClassProperty', 'ClassPrivateProperty', 'ClassAccessorProperty'].includes(node.type)) {
      if (node.static) return undefined;
      const cls = current.parent?.parent?.node; // ClassBody -> class
      return node.kind === 'constructor' ? { cls, ctor: node } : { cls };
    }
    if (/Function|ObjectMethod|StaticBlock/.test(node.type) || node.type === 'Program') return undefined;
  }
  return undefined;
}

function readClass(j: any, root: any, cls: any): ClassLogger | undefined {
  const calls = new Map<string, any[]>();
  const otherUse = new Set<string>();
  j(cls.body)
    .find(j.MemberExpression, { object: { type: 'ThisExpression' }, computed: false })
    .forEach((p: any) => {
      const name = p.node.property.name;
      if (!MEMBER_NAME.test(name ?? '')) return;
      const outer = p.parent.node;
      const call = p.parent.parent?.node;
      if (outer.type === 'MemberExpression' && outer.object === p.node && !outer.computed && call?.type === 'CallExpression' && call.callee === outer) {
        if (LEVEL_METHODS.has(outer.property.name)) calls.set(name, [...(calls.get(name) ?? []), call]);
        else if (outer.property.name !== 'child') otherUse.add(name);
      } else if (outer.type === 'CallExpression' && outer.callee === p.node) {
        otherUse.add(name); // `this.log('…')`: a function, not a logger object
      }
    });
  const typed = typedMembers(j, root, cls);
  const names = new Set([...calls.keys(), ...typed.keys()].filter((name) => !otherUse.has(name)));
  if (names.size === 0) return undefined;
  const name = [...names].sort((a, b) => (calls.get(b)?.length ?? 0) - (calls.get(a)?.length ?? 0))[0]!;
  const library = typed.get(name);
  const seen = calls.get(name) ?? [];
  const levels = new Set<string>(library ? STANDARD_LEVELS[library] : []);
  const conventions = new Set<Convention>();
  let errorWithMessage = false;
  let loneError = false;
  let errorKey: string | undefined;
  for (const call of seen) {
    levels.add(call.callee.property.name);
    const [first, second] = call.arguments;
    const errorLike = (node: any) => node?.type === 'Identifier' && ERROR_NAME.test(node.name);
    if (first && isMessage(first) && second) {
      conventions.add('winston');
      if (errorLike(second)) errorWithMessage = true;
    } else if (first?.type === 'ObjectExpression' && second && isMessage(second)) {
      conventions.add('pino');
      for (const property of first.properties) {
        const value = property.value ?? property.argument;
        const key = property.key?.name ?? property.key?.value;
        if (errorLike(value) && typeof key === 'string') {
          errorWithMessage = true;
          errorKey ??= key;
        }
      }
    } else if (errorLike(first) && call.arguments.length === 1) {
      loneError = true;
    }
  }
  const convention = conventions.size === 1 ? [...conventions][0] : undefined;
  if (library && convention && library !== convention) return { text: `this.${name}`, levels, errorWithMessage: false, loneError: false, errorKey: 'err' };
  return {
    text: `this.${name}`,
    library,
    convention: convention ?? library,
    levels,
    errorWithMessage: errorWithMessage || library !== undefined,
    errorKey: errorKey ?? 'err',
    loneError: loneError || library === 'pino',
  };
}

/** Members typed as pino's or winston's `Logger` (class properties and constructor parameter properties). */
function typedMembers(j: any, root: any, cls: any): Map<string, Convention> {
  const libraries = new Map<string, Convention>();
  root.find(j.ImportDeclaration).forEach((p: any) => {
    const source = p.node.source.value;
    if (source !== 'pino' && source !== 'winston') return;
    for (const specifier of p.node.specifiers ?? []) libraries.set(specifier.local.name, source);
  });
  const libraryOf = (annotation: any): Convention | undefined => {
    const type = annotation?.typeAnnotation;
    if (type?.type !== 'TSTypeReference') return undefined;
    const name = type.typeName;
    if (name.type === 'Identifier') return libraries.get(name.name);
    if (name.type === 'TSQualifiedName' && name.left.type === 'Identifier') return libraries.get(name.left.name);
    return undefined;
  };
  const members = new Map<string, Convention>();
  for (const member of cls.body.body) {
    if ((member.type === 'ClassProperty' || member.type === 'ClassPrivateProperty') && !member.static && member.key?.type === 'Identifier') {
      const library = libraryOf(member.typeAnnotation);
      if (library && MEMBER_NAME.test(member.key.name)) members.set(member.key.name, library);
    }
    if (member.type === 'ClassMethod' && member.kind === 'constructor') {
      for (const param of member.params) {
        if (param.type !== 'TSParameterProperty' || param.parameter.type !== 'Identifier') continue;
        const library = libraryOf(param.parameter.typeAnnotation);
        if (library && MEMBER_NAME.test(param.parameter.name)) members.set(param.parameter.name, library);
      }
    }
  }
  return members;
}

/**
 * The shape of one console call for the class logger: the library whose argument order to write,
 * or why it is refused (a shape the class has not shown, a level it does not call).
 */
export function classLoggerShape(logger: ClassLogger, level: string, parts: Structured): Convention | { refusal: ClassLoggerRefusal; detail: string } {
  if (!logger.levels.has(level)) {
    return { refusal: 'class-logger-level-missing', detail: `${logger.text} has no "${level}" method that harden can see (the class calls ${[...logger.levels].join(', ') || 'none'})` };
  }
  const unknown = (what: string) => ({ refusal: 'class-logger-convention-unknown' as const, detail: `no call of ${logger.text} in the class ${what}` });
  if (!parts.error && parts.fields.length === 0) return logger.convention ?? 'winston';
  if (!logger.convention) return unknown('passes fields or an error, so its argument order is unknown');
  if (parts.error && !parts.message && parts.fields.length === 0) return logger.loneError ? logger.convention : unknown('logs an error alone');
  if (parts.error && !logger.errorWithMessage) return unknown('passes an error with a message');
  // winston's form of an error with fields goes through child(): only for a real winston logger
  if (parts.error && parts.fields.length > 0 && logger.convention === 'winston' && logger.library !== 'winston') return unknown('passes an error and fields together');
  return logger.convention;
}
