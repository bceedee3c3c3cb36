import { posix } from 'node:path';
import { z } from 'zod';
import { addImport, findImportedLocal, isNameTaken, relativeSpecifier, requiredModule, usesJsExtensions, usesSemicolons, writesEsm } from '../../src/ast/imports.js';
import { bindingNames } from '../../src/ast/scope.js';
import { detectPrintStyle, extensionOf, parserFor } from '../../src/engine/parse.js';
import { defineTransform } from '../../src/transform.js';
import recast from 'recast';
import { buildCallText, ERROR_EVENTS, ERROR_LISTENERS, ERROR_NAME, isMessage, isSeparator, messageText, structure, type SourceText, type Structured } from './arguments.js';
import { withoutExtension } from './detect-logger.js';
import { isProgramOutput } from './file-kind.js';
import { enclosingFunction } from '../../src/ast/functions.js';
import { DEPENDENCY_RANGES, resolveTarget, type LoggerTarget } from './target.js';
import { classLoggerAt, classLoggerShape } from './class-logger.js';
import type { LoggerLibrary } from './detect-logger.js';

type SkipReason = keyof typeof SKIP_REASONS;

const CONSOLE_METHODS = ['error', 'warn', 'info', 'log', 'debug'] as const;
const LEVEL_OF: Record<(typeof CONSOLE_METHODS)[number], string> = { error: 'error', warn: 'warn', info: 'info', log: 'info', debug: 'debug' };

const SKIP_REASONS = {
  'logger-module': 'this is the logger module itself (or sits where it would be generated)',
  'logger-import-cycle': 'the logger module imports this file; importing the logger here would create an import cycle',
  'logger-path-taken': 'a file that is not a pino/winston logger already exists at the logger path; set the `loggerPath` option',
  'commonjs-cannot-require-esm': 'a CommonJS file cannot require() the ES module logger on every Node version; convert the file or point `loggerPath` at a CommonJS module',
  'console-shadowed': '`console` is a local binding in this file, not the global console',
  'program-output': 'console.log prints program output here (a print*/show*/render*/help* function, or JSON.stringify output), not a log record',
  'function-reference': 'console.x is passed as a function where the arguments are unknown; wrap it by hand to choose message and fields',
  'value-used': 'the call\'s return value is used; a logger method returns something else than console',
  'format-specifiers': 'the message has printf placeholders (%s, %d, ...) filled from the other arguments; rewrite it as a message plus fields by hand',
  'no-message': 'the first argument is not a message string (nor a lone error); choose a message by hand',
  'unstructured-argument': 'an argument is neither the message, an error, a variable, a property nor an object literal, so it has no field name; name it first',
  'several-errors': 'more than one argument looks like an error; the logger keeps one error per record',
  'logger-level-missing': 'the project logger has custom levels and harden cannot find this level among them',
  'project-logger-unrecognised': 'the package depends on a logging library (winston, bunyan, log4js, ...) through a module harden cannot read as a pino/winston instance; a generated second logger would split the logs — point `loggerPath` at your logger module',
  'no-package-json': 'no package.json owns this file, so harden cannot add the logger\'s dependency; run harden on the package',
  'library-package': 'a published library (not private, an entry point, no start script) without a logger: its console output belongs to the apps that use it, and a logger would change it for all of them',
  'file-has-own-logger': 'the file already logs through a logger binding of its own (`log`, `logger`, a logging library); a second logger in the same file would split its records',
  'decorative-line': 'the message is only a separator line (----, ====, ****): as a log record it is noise',
  'reserved-field': 'a field would take a name the logger keeps for itself (pino: msg, level, time, pid, hostname; winston: message, level): the record would lose one of them; rename the value first',
  'error-may-be-empty': 'the only argument is an error variable that can be null here (no catch, .catch or if (err) around the call): a logger would write an error record for every call; guard it first',
  'function-partly-convertible': 'another console call of the same function stays on the console (refused for its own reason); converting only some would split the function\'s messages between two outputs',
  'pair-partly-convertible': 'the next or previous statement is a console call harden leaves alone that continues this message (console.dir(err), console.trace(), a call without a message, a separator line); converting only this half would split one message between two outputs',
  'logger-drops-error':
    'the project\'s winston format would lose this error (no `format.errors({ stack: true })` for a lone error, or a `printf` template without `stack`); fix the format, then run harden again',
  'exit-after-async-log': 'process.exit() follows and the project logger writes asynchronously (pino without a sync: true destination, a pino transport, a winston transport other than Console); the record could be lost or reordered',
  'class-logger-convention-unknown':
    'the call is in a class that logs through its own logger (`this.logger`), but none of the class\'s calls shows how that logger takes this shape (fields, an error, an error alone) and its type is not pino\'s or winston\'s; harden will not guess, nor add a second logger next to it — write one such call by hand, or type the member',
  'class-logger-level-missing': 'the class logs through its own logger, and harden cannot see that logger calling this level (the class never calls it, and its type does not say); write the call by hand',
  'class-logger-not-set-yet': 'the call is in the constructor of a class that logs through its own logger, before the statement that sets it; move it after, or write it by hand',
} as const;

export default defineTransform({
  id: 'console-to-logger',
  title: 'Replace console calls with the project logger',
  description:
    'console.error/warn/info/log/debug calls become calls to the project\'s pino or winston logger at the matching level, ' +
    'with the error and the values as structured fields in the form that library keeps. ' +
    'When the project has no logger, a logger module and its dependency are requested.',
  seed: [
    { review: '002', finding: 'Bare `console.error()` statements instead of structured logging' },
    { review: '001', finding: 'Winston-based logging system' },
  ],
  skipReasons: SKIP_REASONS,
  needs: ['console.'],
  scope: 'file',
  options: z.object({
    levels: z
      .array(z.enum(CONSOLE_METHODS))
      .default([...CONSOLE_METHODS])
      .describe('Which console methods to convert (log and info map to info).'),
    library: z.enum(['pino', 'winston']).default('pino').describe('The library of a generated logger module, when the project has none.'),
    loggerPath: z
      .string()
      .optional()
      .describe('Where a generated logger module goes, relative to the package (default src/lib/logger.ts, .js in JavaScript packages).'),
  }),
  apply({ j, root, file, options, sites, request, project }) {
    const wanted = new Set<string>(options.levels);
    const candidates = root
      .find(j.MemberExpression, { object: { type: 'Identifier', name: 'console' }, computed: false })
      .filter((path: any) => path.node.property.type === 'Identifier' && wanted.has(path.node.property.name))
      .paths();
    if (candidates.length === 0) return;
    const skipAll = (reason: Parameters<typeof sites.skipped>[1]) => candidates.forEach((path: any) => sites.skipped(path.node, reason));

    if (consoleIsDeclared(j, root)) return skipAll('console-shadowed');
    // a call in a class that logs through its own instance logger goes to that logger
    const inClass = new Map<any, NonNullable<ReturnType<typeof classLoggerAt>>>();
    for (const path of candidates) {
      const found = classLoggerAt(j, root, path);
      if (found) inClass.set(path, found);
    }
    const fileCandidates = candidates.filter((path: any) => !inClass.has(path));
    const fileLogger = fileCandidates.length === 0 ? undefined : fileTarget();
    if (typeof fileLogger === 'string') fileCandidates.forEach((path: any) => sites.skipped(path.node, fileLogger));
    const { target, bound, local, esm, ext } = typeof fileLogger === 'object' ? fileLogger : ({} as Partial<Exclude<typeof fileLogger, string | undefined>>);

    function fileTarget() {
      const target = resolveTarget(file, project, options);
      if (typeof target === 'string') return target;
      if (target.path === file.path) return 'logger-module' as const;
      if (target.imports.has(file.path)) return 'logger-import-cycle' as const;
      if (hasOwnLogger(j, root, file.path, target.path, project)) return 'file-has-own-logger' as const;
      const ext = extensionOf(file.path);
      const esm = writesEsm(j, root, file);
      if (!esm && target.esm) return 'commonjs-cannot-require-esm' as const;
      const matches = (source: string) =>
        source.startsWith('.') &&
        (project.resolveImport(file.path, source) === target.path ||
          withoutExtension(posix.join(posix.dirname(file.path), source)) === withoutExtension(target.path));
      const bound = findImportedLocal(j, root, matches, target.exportName);
      const local = bound ?? freeName(j, root, target.exportName === 'default' ? 'logger' : target.exportName);
      return { target, bound, local, esm, ext };
    }
    let changedAny = false;
    const changedCalls = new Set<any>();
    const source = sourceText(file.source);
    const parse = (code: string) => recast.parse(code, { parser: parserFor(file.path) }).program.body[0].expression;

    // First decide every call, then make the changes: a call whose neighbour stays on the console is left too.
    const plans: Array<{ node: any; path: any; apply: () => void; message: string; statement: any }> = [];
    for (const path of candidates) {
      const method = (path.node.property as any).name as (typeof CONSOLE_METHODS)[number];
      let level = LEVEL_OF[method];
      const parent = path.parent.node;
      const owned = inClass.get(path);
      if (owned && 'refusal' in owned) {
        sites.skipped(parent.type === 'CallExpression' && parent.callee === path.node ? parent : path.node, owned.refusal, owned.detail);
        continue;
      }
      if (!owned && !target) continue; // refused above for the whole file
      // where the call goes: the class's own logger, or the file's (project or generated) logger
      const channel = owned
        ? { text: owned.text, levels: owned.levels as ReadonlySet<string> | undefined, errorKey: owned.errorKey, errorLoss: undefined, asyncDestination: undefined }
        : { text: local!, levels: target!.levels, errorKey: target!.errorKey, errorLoss: target!.errorLoss, asyncDestination: target!.asyncDestination as boolean | undefined };
      /** The argument order to write (the library's, or the one the class shows), or why not. */
      const shapeFor = (parts: Structured, level: string): LoggerLibrary | { refusal: SkipReason; detail?: string } => {
        if (owned) return classLoggerShape(owned, level, parts);
        if (!target!.levels?.has(level)) return { refusal: 'logger-level-missing', detail: `level "${level}"` };
        const loss = parts.error ? (target!.errorLoss?.any ?? (parts.message ? undefined : target!.errorLoss?.lone)) : undefined;
        if (loss) return { refusal: 'logger-drops-error', detail: loss };
        return target!.library;
      };
      if (parent.type !== 'CallExpression' || parent.callee !== path.node) {
        if (!isErrorCallbackArgument(path)) {
          sites.skipped(path.node, 'function-reference');
          continue;
        }
        const shape = shapeFor({ message: undefined, error: path.node, fields: [] }, level);
        if (typeof shape === 'object') {
          sites.skipped(path.node, shape.refusal, shape.detail);
          continue;
        }
        plans.push({
          node: path.node,
          path,
          statement: undefined,
          message: `console.${method} passed as a listener -> (err) => ${channel.text}.${level}(err)`,
          apply: () => path.replace(parse(`(err) => ${channel.text}.${level}(err)`)),
        });
        continue;
      }
      const callPath = path.parent;
      if (method === 'log' && isProgramOutput(callPath)) {
        sites.skipped(parent, 'program-output');
        continue;
      }
      if (!isValueIgnored(callPath)) {
        sites.skipped(parent, 'value-used');
        continue;
      }
      const parts = structure(callPath.get('arguments').map((argument: any) => argument));
      if (typeof parts === 'string') {
        sites.skipped(parent, parts);
        continue;
      }
      if (!parts.message && parts.error && !surelyAnError(callPath, parts.error)) {
        sites.skipped(parent, 'error-may-be-empty');
        continue;
      }
      if (isDecorative(parts)) {
        sites.skipped(parent, 'decorative-line');
        continue;
      }
      if (level !== 'error' && level !== 'warn' && reportsError(callPath, parts)) level = 'error';
      const shape = shapeFor(parts, level);
      if (typeof shape === 'object') {
        sites.skipped(parent, shape.refusal, shape.detail);
        continue;
      }
      const reserved = reservedField(parts, shape);
      if (reserved) {
        sites.skipped(parent, 'reserved-field', `"${reserved}"`);
        continue;
      }
      const beforeExit = isFollowedByExit(callPath);
      if (beforeExit && channel.asyncDestination !== false) {
        sites.skipped(parent, 'exit-after-async-log', owned ? `harden cannot tell whether ${owned.text} writes synchronously` : undefined);
        continue;
      }
      const note = beforeExit ? ' (before process.exit: the logger writes synchronously)' : '';
      const described = owned ? `the class's own logger, ${shape === 'pino' ? 'fields first' : 'message first'} as its other calls` : target!.library;
      plans.push({
        node: parent,
        path,
        statement: callPath.parent.node.type === 'ExpressionStatement' ? callPath.parent : undefined,
        message: `console.${method} -> ${channel.text}.${level} (${described})${note}`,
        apply: () => callPath.replace(parse(buildCallText(shape, channel.text, level, parts, channel.errorKey, source))),
      });
    }
    const planned = new Set(plans.map((plan) => plan.statement?.node).filter(Boolean));
    // One function logs through one channel: if harden leaves any console call of a function alone,
    // converting the others would split its messages between the console and the logger.
    const plannedCalls = new Set(plans.map((plan) => plan.node));
    const mixed = new Set<any>();
    root
      .find(j.MemberExpression, { object: { type: 'Identifier', name: 'console' } })
      .forEach((path: any) => {
        const call = path.parent.node.type === 'CallExpression' && path.parent.node.callee === path.node ? path.parent.node : path.node;
        const method = path.node.computed ? undefined : path.node.property?.name;
        // methods the `levels` option leaves out stay on the console by the user's choice
        const excluded = (CONSOLE_METHODS as readonly string[]).includes(method) && !wanted.has(method);
        const owner = enclosingFunction(path)?.node;
        if (!plannedCalls.has(call) && !excluded && owner) mixed.add(owner);
      });
    for (const plan of plans) {
      if (plan.statement && neighbours(plan.statement).some((next) => isConsoleStatement(next) && !planned.has(next) && isContinuation(next))) {
        sites.skipped(plan.node, 'pair-partly-convertible');
        continue;
      }
      // one function is one flow of messages (module code is not one)
      const owner = enclosingFunction(plan.path)?.node;
      if (owner && mixed.has(owner)) {
        sites.skipped(plan.node, 'function-partly-convertible');
        continue;
      }
      if (!sites.changed(plan.node, plan.message)) continue;
      plan.apply();
      changedCalls.add(plan.node);
      changedAny = true;
    }

    if (!changedAny || !target || !plans.some((plan) => !inClass.has(plan.path) && changedCalls.has(plan.node))) return;
    if (!bound) {
      const withExtension = usesJsExtensions(j, root) || (esm && (ext === 'mjs' || ext === 'mts' || file.package?.type === 'module'));
      addImport(j, root, { source: relativeSpecifier(file.path, target.path, withExtension), imported: target.exportName, local }, esm, [], usesSemicolons(file.source));
    }
    requestSupport(target, request);
  },
});

function requestSupport(target: LoggerTarget, request: { file(p: string, c: string): void; dependency(n: string, r: string): void }): void {
  if (!target.generated || !target.request) return;
  request.file(target.request.path, target.request.contents);
  request.dependency(target.library, DEPENDENCY_RANGES[target.library]);
}

/**
 * Argument text as written, for building the replacement as code (recast then reuses it verbatim;
 * a built object literal would be printed one property per line). Read through recast's own
 * `Lines` (the parser saw LF line ends and expanded indentation, so offsets into the raw text
 * would be off); continuation lines lose the indentation of the line the argument starts on,
 * which recast adds back at the new position.
 */
function sourceText(text: string): SourceText {
  let unit: string | undefined;
  return {
    // read only when a call is rewritten (the style detection reads the whole file)
    get indentUnit() {
      return (unit ??= ' '.repeat(detectPrintStyle(text).tabWidth));
    },
    text(node: any) {
      const { lines, start, end } = node.loc;
      const indent: number = lines.getIndentAt(start.line);
      return String(lines.slice(start, end).toString({ lineTerminator: '\n' }))
        .split('\n')
        .map((line, i) => (i > 0 ? line.replace(new RegExp(`^ {0,${indent}}`), '') : line))
        .join('\n');
    },
  };
}

/** A name for the logger that nothing in the file uses yet. */
function freeName(j: any, root: any, preferred: string): string {
  for (const name of [preferred, 'logger', 'appLogger']) if (!isNameTaken(j, root, name)) return name;
  for (let index = 2; ; index += 1) if (!isNameTaken(j, root, `logger${index}`)) return `logger${index}`;
}

/** True when the file declares its own `console` (variable, parameter, import). */
function consoleIsDeclared(j: any, root: any): boolean {
  const declared = (pattern: any) => bindingNames(pattern).includes('console');
  return (
    root.find(j.VariableDeclarator, (node: any) => declared(node.id)).size() > 0 ||
    root.find(j.Function, (node: any) => node.params.some(declared)).size() > 0 ||
    root.find(j.ImportDeclaration, (node: any) => (node.specifiers ?? []).some((s: any) => s.local?.name === 'console')).size() > 0
  );
}

const RESERVED_FIELDS = { pino: new Set(['msg', 'level', 'time', 'pid', 'hostname']), winston: new Set(['message', 'level']) };

/** The first field whose name the library uses for the record itself. */
function reservedField(parts: Structured, library: 'pino' | 'winston'): string | undefined {
  for (const field of parts.fields) {
    const node = field.node;
    const name = field.key ?? (node.type === 'Identifier' ? node.name : node.key?.name ?? node.key?.value);
    if (typeof name === 'string' && RESERVED_FIELDS[library].has(name)) return name;
  }
  return undefined;
}

/** The logged error cannot be null: a catch parameter, a .catch()/error-listener parameter, or inside `if (err)`. */
function surelyAnError(callPath: any, error: any): boolean {
  if (error.type !== 'Identifier') return error.type === 'NewExpression';
  const name = error.name;
  for (let path = callPath.parent; path; path = path.parent) {
    const node = path.node;
    if (node.type === 'CatchClause') return node.param?.type === 'Identifier' && node.param.name === name;
    if (node.type === 'IfStatement' && isInside(callPath.node, node.consequent) && impliesTruthy(node.test, name)) return true;
    if (/Function/.test(node.type)) {
      const call = path.parent?.node;
      const param = node.params?.[0];
      if (param?.type !== 'Identifier' || param.name !== name || call?.type !== 'CallExpression' || call.callee.type !== 'MemberExpression') return false;
      const method = call.callee.property?.name;
      return method === 'catch' || (ERROR_LISTENERS.has(method) && ERROR_EVENTS.has(call.arguments[0]?.value ?? ''));
    }
  }
  return false;
}

/** `test` is truthy only when `name` is: `err`, `err && x`, `err != null`, `err !== null && ...`. */
function impliesTruthy(test: any, name: string): boolean {
  if (test.type === 'Identifier') return test.name === name;
  if (test.type === 'LogicalExpression' && test.operator === '&&') return impliesTruthy(test.left, name) || impliesTruthy(test.right, name);
  if (test.type === 'BinaryExpression' && (test.operator === '!=' || test.operator === '!==')) {
    const [a, b] = [test.left, test.right];
    const isName = (n: any) => n.type === 'Identifier' && n.name === name;
    const isNull = (n: any) => n.type === 'NullLiteral' || (n.type === 'Identifier' && n.name === 'undefined');
    return (isName(a) && isNull(b) && test.operator === '!=') || (isName(b) && isNull(a) && test.operator === '!=');
  }
  return false;
}

/** A message made only of separator characters, with nothing else to log. */
function isDecorative(parts: Structured): boolean {
  if (!parts.message || parts.error || parts.fields.length > 0 || !isMessage(parts.message)) return false;
  return isSeparator(messageText(parts.message));
}

/** The statement before and after `statement` in its block. */
function neighbours(statement: any): any[] {
  const body = statement.parent?.node?.body;
  if (!Array.isArray(body)) return [];
  const index = body.indexOf(statement.node);
  return [body[index - 1], body[index + 1]].filter(Boolean);
}

/**
 * A console statement that belongs to the message next to it rather than standing alone: a dump
 * (`console.dir(err)`, `console.trace()`), a call whose first argument is not a message, or a
 * separator line around it.
 */
function isContinuation(statement: any): boolean {
  const call = statement.expression;
  const method = call.callee.property?.name;
  if (['dir', 'trace', 'table', 'group', 'groupEnd', 'dirxml'].includes(method)) return true;
  const first = call.arguments[0];
  if (!first || !isMessage(first)) return true;
  return isSeparator(messageText(first));
}

/** `console.anything(...)` as a statement. */
function isConsoleStatement(node: any): boolean {
  const callee = node?.type === 'ExpressionStatement' && node.expression.type === 'CallExpression' ? node.expression.callee : undefined;
  return callee?.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'console';
}

const ERROR_WORDS = /\b(error|errors|fail|failed|failure|fails|exception|problem|unable|cannot|could not|couldn't)\b/i;

/**
 * A console.log/info that reports an error: it logs an error value, its message says so, or it
 * stands where the program handles one (a catch block, a `.catch()` callback, an `if (err)` branch).
 */
function reportsError(callPath: any, parts: Structured): boolean {
  if (parts.error) return true;
  if (parts.message && ERROR_WORDS.test(messageText(parts.message))) return true;
  for (let path = callPath.parent; path; path = path.parent) {
    const node = path.node;
    if (node.type === 'CatchClause') return true;
    if (/Function/.test(node.type)) {
      const call = path.parent?.node;
      return (
        call?.type === 'CallExpression' &&
        call.callee.type === 'MemberExpression' &&
        call.callee.property?.name === 'catch' &&
        call.arguments[0] === node
      );
    }
    if (node.type === 'IfStatement' && path.parent && testsError(node.test) && isInside(callPath.node, node.consequent)) return true;
  }
  return false;
}

function testsError(test: any): boolean {
  if (!test) return false;
  if (test.type === 'Identifier') return ERROR_NAME.test(test.name);
  if (test.type === 'LogicalExpression') return testsError(test.left) || testsError(test.right);
  if (test.type === 'UnaryExpression' && test.operator === '!') return false;
  if (test.type === 'MemberExpression') return test.object.type === 'Identifier' && ERROR_NAME.test(test.object.name);
  return false;
}

function isInside(node: any, container: any): boolean {
  return typeof node.start === 'number' && typeof container?.start === 'number'
    ? node.start >= container.start && node.end <= container.end
    : false;
}

const LOGGER_MODULE = /(^|[/@-])(log|logs|logger|loggers|logging|winston|bunyan|log4js|npmlog|loglevel|signale|consola|tracer|debug)(\.[cm]?[jt]sx?)?$/;
const LOGGER_BINDING = /^(log|logger|winston|bunyan|log4js|debugLog)$/;

/**
 * The file already logs through something else than harden's target: it imports a logging library
 * or a project module named like a logger, or binds `log`/`logger` from any module.
 */
function hasOwnLogger(j: any, root: any, path: string, targetPath: string, project: any): boolean {
  const body = root.get().node.program.body as any[];
  const ownModule = (source: string) => {
    if (source.startsWith('.')) {
      const resolved = project.resolveImport(path, source);
      if (resolved === targetPath) return false;
    }
    return LOGGER_MODULE.test(source);
  };
  for (const statement of body) {
    if (statement.type === 'ImportDeclaration') {
      const source = String(statement.source.value);
      if (ownModule(source)) return true;
      const resolved = source.startsWith('.') ? project.resolveImport(path, source) : undefined;
      if (resolved !== targetPath && statement.specifiers?.some((s: any) => LOGGER_BINDING.test(s.local?.name ?? ''))) return true;
    }
    if (statement.type === 'VariableDeclaration') {
      for (const declarator of statement.declarations) {
        const init = declarator.init;
        const module = requiredModule(init) ?? requiredModule(init?.type === 'MemberExpression' ? init.object : undefined);
        if (module === undefined) continue;
        if (ownModule(module)) return true;
        const resolved = module.startsWith('.') ? project.resolveImport(path, module) : undefined;
        if (resolved === targetPath) continue;
        const names = declarator.id.type === 'Identifier' ? [declarator.id.name] : (declarator.id.properties ?? []).map((p: any) => p.value?.name ?? '');
        if (names.some((name: string) => LOGGER_BINDING.test(name))) return true;
      }
    }
  }
  return false;
}

/** `emitter.on('error', console.error)` or `promise.catch(console.error)`: the one argument is an error. */
function isErrorCallbackArgument(path: any): boolean {
  const call = path.parent.node;
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || call.callee.computed) return false;
  const name = call.callee.property.name;
  if (name === 'catch') return call.arguments.length === 1 && call.arguments[0] === path.node;
  const [event, listener] = call.arguments;
  return ERROR_LISTENERS.has(name) && listener === path.node && (event?.value === 'error') && typeof event.value === 'string';
}

/** The call is a statement of its own, or the expression body of an arrow function. */
function isValueIgnored(callPath: any): boolean {
  const parent = callPath.parent.node;
  return parent.type === 'ExpressionStatement' || (parent.type === 'ArrowFunctionExpression' && parent.body === callPath.node);
}

/** The next statement in the same block is `process.exit(...)`. */
function isFollowedByExit(callPath: any): boolean {
  const statement = callPath.parent;
  if (statement.node.type !== 'ExpressionStatement') return false;
  const body = statement.parent?.node?.body;
  if (!Array.isArray(body)) return false;
  const next = body[body.indexOf(statement.node) + 1];
  const expression = next?.type === 'ExpressionStatement' ? next.expression : undefined;
  return (
    expression?.type === 'CallExpression' &&
    expression.callee.type === 'MemberExpression' &&
    expression.callee.object.name === 'process' &&
    expression.callee.property.name === 'exit'
  );
}
