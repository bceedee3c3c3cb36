import { posix } from 'node:path';
import { z } from 'zod';
import { addImport, findImportedLocal, isEsmFile, isNameTaken, relativeSpecifier, usesJsExtensions } from '../../src/ast/imports.js';
import { bindingNames } from '../../src/ast/scope.js';
import { detectPrintStyle, extensionOf, parserFor } from '../../src/engine/parse.js';
import { defineTransform } from '../../src/transform.js';
import recast from 'recast';
import { buildCallText, structure, type SourceText } from './arguments.js';
import { withoutExtension } from './detect-logger.js';
import { fileRefusal, isProgramOutput } from './file-kind.js';
import { DEPENDENCY_RANGES, resolveTarget, type LoggerTarget } from './target.js';

const CONSOLE_METHODS = ['error', 'warn', 'info', 'log', 'debug'] as const;
const LEVEL_OF: Record<(typeof CONSOLE_METHODS)[number], string> = { error: 'error', warn: 'warn', info: 'info', log: 'info', debug: 'debug' };
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener']);

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
  skipReasons: {
    'cli-or-script': 'a command-line entry point or script (shebang, bin/, scripts/): its console output is the program output',
    'front-end': 'front-end code (React/JSX, public/, client/): a Node logger does not run in the browser',
    'test-file': 'a test file: test output stays on the console',
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
    'exit-after-async-log': 'process.exit() follows and the project logger writes asynchronously (pino without a sync: true destination, a pino transport, a winston transport other than Console); the record could be lost or reordered',
  },
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
    const refusal = fileRefusal(j, root, file.path, file.source);
    if (refusal) return skipAll(refusal);
    const target = resolveTarget(file, project, options);
    if (typeof target === 'string') return skipAll(target);
    if (target.path === file.path) return skipAll('logger-module');
    if (target.imports.has(file.path)) return skipAll('logger-import-cycle');

    const ext = extensionOf(file.path);
    const hasRequire = root.find(j.CallExpression, { callee: { type: 'Identifier', name: 'require' } }).size() > 0;
    const esm = isEsmFile(j, root) || (!hasRequire && (file.language !== 'js' || ext === 'mjs' || (ext === 'js' && file.package?.type === 'module')));
    if (!esm && target.esm) return skipAll('commonjs-cannot-require-esm');

    const matches = (source: string) =>
      source.startsWith('.') &&
      (project.resolveImport(file.path, source) === target.path ||
        withoutExtension(posix.join(posix.dirname(file.path), source)) === withoutExtension(target.path));
    const bound = findImportedLocal(j, root, matches, target.exportName);
    const local = bound ?? freeName(j, root, target.exportName === 'default' ? 'logger' : target.exportName);
    let changedAny = false;
    const source = sourceText(file.source);
    const parse = (code: string) => recast.parse(code, { parser: parserFor(file.path) }).program.body[0].expression;

    for (const path of candidates) {
      const method = (path.node.property as any).name as (typeof CONSOLE_METHODS)[number];
      const level = LEVEL_OF[method];
      const parent = path.parent.node;
      if (parent.type !== 'CallExpression' || parent.callee !== path.node) {
        if (!isErrorCallbackArgument(path)) {
          sites.skipped(path.node, 'function-reference');
          continue;
        }
        if (!target.levels?.has(level)) {
          sites.skipped(path.node, 'logger-level-missing', `level "${level}"`);
          continue;
        }
        if (!sites.changed(path.node, `console.${method} passed as a listener -> (err) => ${local}.${level}(err)`)) continue;
        path.replace(parse(`(err) => ${local}.${level}(err)`));
        changedAny = true;
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
      if (!target.levels?.has(level)) {
        sites.skipped(parent, 'logger-level-missing', `level "${level}"`);
        continue;
      }
      const beforeExit = isFollowedByExit(callPath);
      if (beforeExit && target.asyncDestination) {
        sites.skipped(parent, 'exit-after-async-log');
        continue;
      }
      const note = beforeExit ? ' (before process.exit: the logger writes synchronously)' : '';
      if (!sites.changed(parent, `console.${method} -> ${local}.${level} (${target.library})${note}`)) continue;
      callPath.replace(parse(buildCallText(target.library, local, level, parts, target.errorKey, source)));
      changedAny = true;
    }

    if (!changedAny) return;
    if (!bound) {
      const withExtension = usesJsExtensions(j, root) || (esm && (ext === 'mjs' || ext === 'mts' || file.package?.type === 'module'));
      addImport(j, root, { source: relativeSpecifier(file.path, target.path, withExtension), imported: target.exportName, local }, esm);
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
  const style = detectPrintStyle(text);
  return {
    indentUnit: ' '.repeat(style.tabWidth),
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
    root.find(j.VariableDeclarator).some((p: any) => declared(p.node.id)) ||
    root.find(j.Function).some((p: any) => p.node.params.some(declared)) ||
    root.find(j.ImportDeclaration).some((p: any) => (p.node.specifiers ?? []).some((s: any) => s.local?.name === 'console'))
  );
}

/** `emitter.on('error', console.error)` or `promise.catch(console.error)`: the one argument is an error. */
function isErrorCallbackArgument(path: any): boolean {
  const call = path.parent.node;
  if (call.type !== 'CallExpression' || call.callee.type !== 'MemberExpression' || call.callee.computed) return false;
  const name = call.callee.property.name;
  if (name === 'catch') return call.arguments.length === 1 && call.arguments[0] === path.node;
  const [event, listener] = call.arguments;
  return LISTENER_METHODS.has(name) && listener === path.node && (event?.value === 'error') && typeof event.value === 'string';
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
