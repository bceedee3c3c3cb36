/**
 * A function that listeners call with their data: `socket.on('message', (data) => this.handleMessage(id, data))`.
 * Its parse of that parameter is as exposed as the listener's own, and returning early from it is
 * as safe, when every call of it is the last thing a listener does with nothing around it that
 * catches (no `try`, no `.catch()`, the result unused).
 */
import { findCallers } from '../../src/ast/callers.js';
import { enclosingFunction } from '../../src/ast/functions.js';
import type { FileInfo, ProjectView } from '../../src/transform.js';
import { holderName, listenerOf, type Listener } from './listeners.js';
import { referencesTo } from '../../src/ast/scope.js';
import { insideTry, sourceOf } from './sources.js';

export type Relay = { listener: Listener; lines: number[] } | { refusal: 'callers-rely-on-exception'; detail: string };

/**
 * The listener whose data reaches parameter `index` of the function at `fnPath`, when listeners
 * are its only callers; a refusal when some caller is a listener and another could rely on the
 * exception; undefined when no listener calls it (the data is not known to come from outside).
 */
export function relayedListener(j: any, root: any, file: FileInfo, project: ProjectView, fnPath: any, index: number): Relay | undefined {
  const callers = localCalls(j, fnPath) ?? findCallers(j, root, file.path, project, fnPath);
  if ('unresolved' in callers || callers.calls.length === 0) return undefined;
  let listener: Listener | undefined;
  const lines: number[] = [];
  let other: string | undefined;
  for (const call of callers.calls) {
    const line = call.node.loc?.start.line;
    const argument = call.node.arguments?.[index];
    const source = argument && sourceOf(j, root, call, argument);
    const from = source ? listenerOf(j, source.fnPath, file.package) : undefined;
    if (!from || 'refusal' in from || !isTail(call, source!.fnPath)) {
      other ??= `the call at line ${line} ${from && !('refusal' in from) ? 'is not the last thing its listener does, or its result or exception is used' : 'does not pass listener data'}`;
      continue;
    }
    listener ??= from;
    if (listener.channel !== from.channel) listener = { ...listener, channel: 'other' };
    lines.push(line);
  }
  if (!listener) return undefined;
  if (other) return { refusal: 'callers-rely-on-exception', detail: other };
  const name = methodName(fnPath.node);
  if (name && !isPrivate(fnPath.node)) {
    // findCallers follows `this.f()` and instances made in this file; another module holding an instance is not followed
    const mention = project.files.find((path) => path !== file.path && project.couldImport(path, file.path) && new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}($|[^\\w$])`).test(project.readFile(path) ?? ''));
    if (mention) return { refusal: 'callers-rely-on-exception', detail: `${mention} mentions ${name}, which is not private` };
  }
  return { listener, lines };
}

/** The calls of a function held by a name local to a function (`const onMessage = (…) => …` in a method), when calls are its only uses. */
function localCalls(j: any, fnPath: any): { calls: any[] } | { unresolved: string } | undefined {
  const name = holderName(fnPath);
  const scope = name && fnPath.parent?.scope?.lookup(name);
  if (!scope || scope.isGlobal || scope.path.node.type === 'Program') return undefined;
  const refs = referencesTo(j, scope, name);
  const calls = refs.filter((ref: any) => ref.parent.node.type === 'CallExpression' && ref.parent.node.callee === ref.node).map((ref: any) => ref.parent);
  return calls.length === refs.length ? { calls } : { unresolved: `${name} is used as a value` };
}

/**
 * The call is the listener's whole expression body, or a statement of its own (`f(x);`,
 * `await f(x);`, `void f(x);`, `return f(x);`) directly in the listener and outside any `try`.
 */
function isTail(call: any, listenerPath: any): boolean {
  if (enclosingFunction(call)?.node !== listenerPath.node) return false;
  let up = call.parent;
  if (up.node === listenerPath.node) return true;
  if (up.node.type === 'AwaitExpression' || (up.node.type === 'UnaryExpression' && up.node.operator === 'void')) up = up.parent;
  if (up.node === listenerPath.node) return true;
  if (up.node.type !== 'ExpressionStatement' && up.node.type !== 'ReturnStatement') return false;
  return !insideTry(up, listenerPath);
}

function methodName(fn: any): string | undefined {
  if (fn.type !== 'ClassMethod' || fn.computed) return undefined;
  return fn.key?.name;
}

function isPrivate(fn: any): boolean {
  return fn.accessibility === 'private' || fn.accessibility === 'protected' || fn.type === 'ClassPrivateMethod';
}
