/**
 * From `console.x(...)` arguments to a structured logger call. The leading string (literal,
 * template, or a `'...' + x` concatenation) stays the message; one error-like argument goes where
 * the library keeps message and stack; variables, member chains and object literals become named
 * fields. The call shape is library specific, because the wrong one compiles and drops the error:
 *
 *   pino     logger.error({ err, userId }, 'msg')        (`logger.error('msg', err)` drops err)
 *   winston  logger.child({ userId }).error('msg', err)  (`logger.error('msg', { err })` logs {})
 */
import type { LoggerLibrary } from './detect-logger.js';

export interface Structured {
  message: any | undefined;
  error: any | undefined;
  /** Fields in argument order: a variable, an object-literal property, or a value under `key` (`id: req.user?.id`). */
  fields: Array<{ node: any; key?: string }>;
}

export type Refusal = 'format-specifiers' | 'unstructured-argument' | 'several-errors' | 'no-message';

export const ERROR_LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);
export const ERROR_EVENTS = new Set(['error', 'uncaughtException', 'unhandledRejection', 'uncaughtExceptionMonitor']);

export const ERROR_NAME = /^(err|error|ex|exc|exception)$|[a-z](Error|Err)$/;
const FORMAT_SPECIFIER = /%[sdifjoOc]/;

/** True when `path` (an Identifier path) names a `catch (x)` parameter or a `.catch((x) => ...)` parameter. */
function isCaughtValue(path: any, name: string): boolean {
  for (let scope = path.scope; scope; scope = scope.parent) {
    if (!scope.declares(name)) continue;
    const node = scope.path.node;
    if (node.type === 'CatchClause') return node.param?.type === 'Identifier' && node.param.name === name;
    const parent = scope.path.parent?.node;
    const isFunction = /Function/.test(node.type);
    if (isFunction && node.params[0]?.type === 'Identifier' && node.params[0].name === name && parent?.type === 'CallExpression') {
      const callee = parent.callee;
      if (callee.type !== 'MemberExpression' || callee.computed) return false;
      if (callee.property.name === 'catch') return parent.arguments[0] === node;
      // process.on('unhandledRejection' | 'uncaughtException', (reason) => ...), emitter.on('error', (e) => ...)
      const event = parent.arguments[0];
      return (
        ERROR_LISTENERS.has(callee.property.name) &&
        parent.arguments[1] === node &&
        typeof event?.value === 'string' &&
        ERROR_EVENTS.has(event.value)
      );
    }
    return false;
  }
  return false;
}

export function isErrorLike(argumentPath: any): boolean {
  const node = argumentPath.node;
  if (node.type === 'Identifier') return ERROR_NAME.test(node.name) || isCaughtValue(argumentPath, node.name);
  if (node.type === 'NewExpression' && node.callee.type === 'Identifier') return /Error$/.test(node.callee.name);
  return false;
}

export function isMessage(node: any): boolean {
  if (node.type === 'StringLiteral' || node.type === 'TemplateLiteral') return true;
  if (node.type === 'Literal') return typeof node.value === 'string';
  return node.type === 'BinaryExpression' && node.operator === '+' && isMessage(node.left);
}

/** A message made only of separator characters (`-----`, `====`, `****`). */
export function isSeparator(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length >= 3 && /^[-=+*#_~.:|<>\s]+$/.test(trimmed);
}

export function messageText(node: any): string {
  if (node.type === 'StringLiteral' || node.type === 'Literal') return String(node.value);
  if (node.type === 'TemplateLiteral') return node.quasis.map((q: any) => q.value.cooked ?? q.value.raw).join('');
  if (node.type === 'BinaryExpression') return messageText(node.left) + (isMessage(node.right) ? messageText(node.right) : '');
  return '';
}

/** Methods whose result renders their receiver as text: the field is named after the receiver. */
const RENDERING = new Set([
  'join', 'toString', 'toFixed', 'toPrecision', 'toISOString', 'toJSON', 'toLocaleString', 'toLocaleDateString',
  'toLocaleTimeString', 'toDateString', 'toTimeString', 'toUTCString', 'trim', 'trimStart', 'trimEnd', 'toUpperCase', 'toLowerCase',
]);

/**
 * The field name for a value argument: `userId` for `userId`, `id` for `req.user?.id`, and for a
 * rendering of a value the value's name: `counts` for `counts.join(', ')`, `at` for
 * `at.toISOString()`, `body` for `JSON.stringify(body)` or `String(body)`. (A name only: the field
 * holds the argument as written.)
 */
function fieldKey(node: any): string | undefined {
  if (node.type === 'Identifier') return node.name;
  if ((node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') && !node.computed) {
    return node.property.type === 'Identifier' ? node.property.name : undefined;
  }
  if (node.type === 'CallExpression' || node.type === 'OptionalCallExpression') {
    const callee = node.callee;
    const member = (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed ? callee : undefined;
    if (member && RENDERING.has(member.property.name)) return fieldKey(member.object);
    const [first] = node.arguments;
    const wraps = (callee.type === 'Identifier' && callee.name === 'String') || (member?.object.type === 'Identifier' && member.object.name === 'JSON' && member.property.name === 'stringify');
    if (wraps && first && first.type !== 'SpreadElement') return fieldKey(first);
  }
  return undefined;
}

/** Splits the arguments of one console call; a string names why the call cannot be structured. */
export function structure(argumentPaths: any[]): Structured | Refusal {
  const [first, ...rest] = argumentPaths;
  if (!first) return 'no-message';
  if (!isMessage(first.node)) {
    if (rest.length === 0 && isErrorLike(first)) return { message: undefined, error: first.node, fields: [] };
    return 'no-message';
  }
  if (rest.length > 0 && FORMAT_SPECIFIER.test(messageText(first.node))) return 'format-specifiers';
  const result: Structured = { message: first.node, error: undefined, fields: [] };
  const keys = new Set<string>();
  const addField = (field: { node: any; key?: string }, key: string) => {
    if (keys.has(key)) return false;
    keys.add(key);
    result.fields.push(field);
    return true;
  };
  for (const path of rest) {
    const node = path.node;
    if (isErrorLike(path)) {
      if (result.error) return 'several-errors';
      result.error = node;
      continue;
    }
    if (node.type === 'ObjectExpression') {
      for (const property of node.properties) {
        const key = property.type === 'SpreadElement' || property.computed ? undefined : (property.key?.name ?? property.key?.value);
        if (key === undefined) {
          if (property.type !== 'SpreadElement') return 'unstructured-argument';
          result.fields.push({ node: property });
        } else if (!addField({ node: property }, String(key))) return 'unstructured-argument';
      }
      continue;
    }
    const key = fieldKey(node);
    if (!key) return 'unstructured-argument';
    const field = node.type === 'Identifier' ? { node } : { node, key };
    if (!addField(field, key)) return 'unstructured-argument';
  }
  return result;
}

/** Reads argument text from the file: `text(node)` is its source, continuation lines dedented. */
export interface SourceText {
  text(node: any): string;
  /** One indentation step of the file ('  ', '    ' or a tab). */
  indentUnit: string;
}

/**
 * pino drops a trailing ': ' from the message ("Error:" + a separate err field reads "Error"),
 * whitespace written as an escape (`\n`, `\t`, `\r`) too; an escaped character is never split
 * from its backslash.
 */
function trimmedForPino(message: any, raw: string): string | undefined {
  if (!['StringLiteral', 'Literal', 'TemplateLiteral'].includes(message.type)) return raw;
  const quote = raw.length - 1;
  let end = quote;
  for (;;) {
    if (/[\s:]/.test(raw[end - 1] ?? '') && backslashesBefore(raw, end - 1) % 2 === 0) end -= 1;
    else if (/[ntr]/.test(raw[end - 1] ?? '') && raw[end - 2] === '\\' && backslashesBefore(raw, end - 1) % 2 === 1) end -= 2;
    else break;
  }
  const trimmed = raw.slice(0, end) + raw.slice(quote);
  return /^(""|''|``)$/.test(trimmed) ? undefined : trimmed;
}

/** How many backslashes stand right before `index`. */
function backslashesBefore(text: string, index: number): number {
  let count = 0;
  while (text[index - 1 - count] === '\\') count += 1;
  return count;
}

/** `{ a, b: c }` on one line when it fits, else one property per line. */
function objectText(properties: string[], indentUnit: string): string {
  const oneLine = `{ ${properties.join(', ')} }`;
  if (!oneLine.includes('\n') && oneLine.length <= 72) return oneLine;
  const indented = properties.map((p) => indentUnit + p.split('\n').join(`\n${indentUnit}`));
  return `{\n${indented.join(',\n')},\n}`;
}

/** The replacement call `<logger>.<level>(...)` for one structured console call, as code. */
export function buildCallText(
  library: LoggerLibrary,
  loggerName: string,
  level: string,
  parts: Structured,
  errorKey: string,
  source: SourceText,
): string {
  const { error, fields } = parts;
  const fieldTexts = fields.map((field) => (field.key ? `${field.key}: ${source.text(field.node)}` : source.text(field.node)));
  const errorText = error && source.text(error);
  if (library === 'pino') {
    const rawMessage = parts.message && source.text(parts.message);
    const message = rawMessage && (error || fields.length > 0) ? trimmedForPino(parts.message, rawMessage) : rawMessage;
    if (error && !message && fields.length === 0) return `${loggerName}.${level}(${errorText})`;
    const properties = [...fieldTexts];
    if (error) properties.unshift(errorText === errorKey ? errorKey : `${errorKey}: ${errorText}`);
    const args = properties.length > 0 ? [objectText(properties, source.indentUnit)] : [];
    if (message) args.push(message);
    return `${loggerName}.${level}(${args.join(', ')})`;
  }
  const target = error && fields.length > 0 ? `${loggerName}.child(${objectText(fieldTexts, source.indentUnit)})` : loggerName;
  const args: string[] = [];
  if (parts.message) args.push(source.text(parts.message));
  if (error) args.push(errorText);
  else if (fields.length > 0) args.push(objectText(fieldTexts, source.indentUnit));
  return `${target}.${level}(${args.join(', ')})`;
}
