/**
 * Which functions are listeners for data from outside the process, and what kind: a WebSocket
 * frame (`ws.on('message', data => …)` on a socket the server accepted), a socket.io event, or a
 * message of another transport (Redis pub/sub, Postgres LISTEN, IPC, MQTT, a WebSocket client).
 * An exception thrown there is thrown inside the library's event loop callback: the process stops.
 * Consumers of brokers that acknowledge (amqplib, kafkajs, BullMQ) and stream chunks (`'data'`)
 * are recognised so they can be refused.
 */
import { referencesTo, resolveBinding, unwrapExpression } from '../../src/ast/scope.js';
import { keyName, literalText, memberText, typeName } from '../../src/ast/values.js';
import { ancestorHolding } from './sources.js';
import type { PackageInfo } from '../../src/transform.js';

export type Channel = 'websocket' | 'socket.io' | 'other';

export interface Listener {
  channel: Channel;
  /** The event name (`message`, `notification`, a socket.io event). */
  event: string;
  /** The registration call (`socket.on(…)`), for messages. */
  registration: any;
  /** The receiver (`socket` of `socket.on(…)`), when it is a plain identifier. */
  receiver?: { name: string; scope: any };
}

export type ListenerRefusal = { refusal: 'broker-ack' | 'stream-chunk' | 'callers-rely-on-exception' | 'trusted-source'; detail: string };

const REGISTER = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);
/** node-redis 4 `subscribe(channel, listener)`. */
const SUBSCRIBE = new Set(['subscribe', 'pSubscribe', 'sSubscribe']);
/** Events that carry a whole message from another process. */
const MESSAGE_EVENTS = new Set(['message', 'pmessage', 'messageBuffer', 'pmessageBuffer', 'smessage', 'notification']);
/** socket.io's own events, which carry no client payload. */
const SOCKET_IO_RESERVED = new Set(['disconnect', 'disconnecting', 'error', 'connect', 'connect_error', 'newListener', 'removeListener']);
/** Callers of a consumer that acknowledge, retry or dead-letter by what it throws. */
const BROKER_METHODS = new Map([
  ['consume', 'amqplib channel.consume'],
  ['process', 'a Bull queue.process'],
]);
const BROKER_KEYS = new Map([
  ['eachMessage', 'kafkajs eachMessage'],
  ['eachBatch', 'kafkajs eachBatch'],
  ['handleMessage', 'an sqs-consumer handleMessage'],
  ['handleMessageBatch', 'an sqs-consumer handleMessageBatch'],
]);

/**
 * The listener the function at `fnPath` is registered as (inline, or by the name of a local
 * function or constant every use of which is a registration), a refusal for a broker consumer
 * or a stream chunk, or undefined.
 */
export function listenerOf(j: any, fnPath: any, pkg: PackageInfo | undefined): Listener | ListenerRefusal | undefined {
  const inline = registrationOf(j, fnPath, fnPath, pkg);
  if (inline) return inline;
  const name = holderName(fnPath);
  const scope = name && fnPath.parent?.scope?.lookup(name);
  if (!scope) return undefined;
  const refs = referencesTo(j, scope, name);
  const found = refs.map((ref: any) => registrationOf(j, ref, fnPath, pkg));
  if (found.length === 0 || !found.every(Boolean)) return undefined;
  // one registration that relies on the exception (a broker consumer) is enough to refuse
  const refusal = found.find((f): f is ListenerRefusal => 'refusal' in f!);
  if (refusal) return refusal;
  // registered on transports that answer a bad message differently: no one guard fits them all
  const listeners = found as Listener[];
  return listeners.every((l) => l.channel === listeners[0]!.channel) ? listeners[0] : undefined;
}

/** `const onMessage = (…) => …` / `function onMessage(…) {…}`: the name the function is held by. */
export function holderName(fnPath: any): string | undefined {
  if (fnPath.node.type === 'FunctionDeclaration') return fnPath.node.id?.name;
  let up = fnPath.parent;
  while (up && ['TSAsExpression', 'ParenthesizedExpression'].includes(up.node.type)) up = up.parent;
  return up?.node.type === 'VariableDeclarator' && up.node.id.type === 'Identifier' ? up.node.id.name : undefined;
}

/** The registration `at` (the function itself, or a reference to it) is an argument of. */
function registrationOf(j: any, at: any, fnPath: any, pkg: PackageInfo | undefined): Listener | ListenerRefusal | undefined {
  let up = at.parent;
  let value = at.node;
  while (up && ['TSAsExpression', 'ParenthesizedExpression'].includes(up.node.type)) {
    value = up.node;
    up = up.parent;
  }
  const parent = up?.node;
  const fn = fnPath.node;
  if (!parent) return undefined;
  // socket.onmessage = (event) => …
  if (parent.type === 'AssignmentExpression' && parent.right === value && parent.left.type === 'MemberExpression' && !parent.left.computed && parent.left.property.name === 'onmessage') {
    return withReceiver(at, { channel: channelOf(at, parent.left.object, 'message', pkg), event: 'message', registration: up }, parent.left.object);
  }
  if (parent.type === 'ObjectProperty' && parent.value === value && BROKER_KEYS.has(keyName(parent) ?? '')) {
    return { refusal: 'broker-ack', detail: BROKER_KEYS.get(keyName(parent)!)! };
  }
  if (fn.type === 'ObjectMethod' && value === fn && BROKER_KEYS.has(keyName(fn) ?? '')) return { refusal: 'broker-ack', detail: BROKER_KEYS.get(keyName(fn)!)! };
  if (parent.type === 'NewExpression' && parent.arguments.includes(value) && parent.callee.type === 'Identifier' && parent.callee.name === 'Worker' && pkg?.dependencyRange('bullmq')) {
    return { refusal: 'broker-ack', detail: 'a BullMQ Worker processor' };
  }
  if (parent.type !== 'CallExpression' || !parent.arguments.includes(value)) return undefined;
  const callee = unwrapExpression(parent.callee);
  if (callee?.type !== 'MemberExpression' || callee.computed) return undefined;
  const method = callee.property.name;
  if (BROKER_METHODS.has(method) && (method === 'consume' || pkg?.dependencyRange('bull'))) return { refusal: 'broker-ack', detail: BROKER_METHODS.get(method)! };
  if (SUBSCRIBE.has(method) && parent.arguments.indexOf(value) >= 1) {
    return withReceiver(at, { channel: 'other', event: 'message', registration: up }, callee.object);
  }
  if (!REGISTER.has(method) || parent.arguments.indexOf(value) < 1) return undefined;
  const event = literalText(parent.arguments[0]);
  if (event === undefined) return undefined;
  if (event === 'data') return { refusal: 'stream-chunk', detail: `'data' listener` };
  const channel = channelOf(at, callee.object, event, pkg);
  if (channel === 'socket.io' ? SOCKET_IO_RESERVED.has(event) : !MESSAGE_EVENTS.has(event)) return undefined;
  // Google Pub/Sub and the like: the listener acknowledges the message itself
  if (acknowledges(j, fnPath)) return { refusal: 'broker-ack', detail: 'the listener calls ack()/nack()' };
  const own = event === 'message' ? ownProcess(at, callee.object) : undefined;
  if (own) return { refusal: 'trusted-source', detail: own };
  // the file emits the event itself: what the listener throws reaches that emit() call
  const emitted = emitLine(j, at, callee.object, event);
  if (emitted !== undefined) return { refusal: 'callers-rely-on-exception', detail: `this file emits '${event}' itself (line ${emitted}): the exception reaches that emit() call` };
  return withReceiver(at, { channel, event, registration: up }, callee.object);
}

function withReceiver(at: any, listener: Listener, object: any): Listener {
  const receiver = unwrapExpression(object);
  if (receiver?.type !== 'Identifier') return listener;
  const scope = at.parent?.scope?.lookup(receiver.name);
  return scope ? { ...listener, receiver: { name: receiver.name, scope } } : listener;
}

/**
 * A socket a server accepted: the first parameter of a `connection` listener, or a binding typed
 * `WebSocket`. socket.io when the package depends on socket.io and not on ws; any other receiver
 * of `message` is another transport (a client of some server, a subscriber, a child process).
 */
function channelOf(at: any, object: any, event: string, pkg: PackageInfo | undefined): Channel {
  const receiver = unwrapExpression(object);
  if (receiver?.type !== 'Identifier') return 'other';
  const binding = resolveBinding(at, receiver.name);
  if (binding?.kind !== 'parameter') return 'other';
  const owner = ancestorHolding(at, binding.fn);
  const param = binding.fn.params?.find((p: any) => (p.type === 'TSParameterProperty' ? p.parameter : p)?.name === receiver.name);
  const typed = typeName(param?.typeAnnotation?.typeAnnotation);
  const socketIo = pkg?.dependencyRange('socket.io') !== undefined && pkg?.dependencyRange('ws') === undefined;
  if (typed && /(^|\.)WebSocket$/.test(typed)) return event === 'message' ? 'websocket' : 'other';
  if (typed && /(^|\.)Socket$/.test(typed) && socketIo) return 'socket.io';
  const connection = owner && binding.fn.params[0] === param && isConnectionListener(owner);
  if (!connection) return 'other';
  if (socketIo) return 'socket.io';
  return event === 'message' ? 'websocket' : 'other';
}

function isConnectionListener(fnPath: any): boolean {
  const parent = fnPath.parent?.node;
  if (parent?.type !== 'CallExpression' || !parent.arguments.includes(fnPath.node)) return false;
  const callee = unwrapExpression(parent.callee);
  return callee?.type === 'MemberExpression' && !callee.computed && REGISTER.has(callee.property.name) && ['connection', 'connect'].includes(literalText(parent.arguments[0]) ?? '');
}

/** Whether the listener calls `x.ack(…)` / `x.nack(…)` (also in its callbacks). */
function acknowledges(j: any, fnPath: any): boolean {
  return j(fnPath)
    .find(j.CallExpression, { callee: { type: 'MemberExpression' } })
    .some((path: any) => !path.node.callee.computed && ['ack', 'nack'].includes(path.node.callee.property.name));
}

/**
 * IPC between the program's own processes: `process.on('message')` (from the parent that forked
 * it), a `Worker` of worker_threads, a child made by `fork()` or `cluster.fork()`. Their messages
 * are the program's own writing.
 */
function ownProcess(at: any, object: any): string | undefined {
  const receiver = unwrapExpression(object);
  if (receiver?.type === 'Identifier' && receiver.name === 'process' && !at.scope?.lookup('process')) return 'process.on(\'message\'): IPC from the parent process';
  const made = receiver?.type === 'Identifier' ? resolveBinding(at, receiver.name) : undefined;
  const init = made?.kind === 'variable' && !made.destructured ? unwrapExpression(made.declarator.init) : undefined;
  if (init?.type === 'NewExpression' && init.callee.type === 'Identifier' && init.callee.name === 'Worker') return 'a worker_threads Worker this program started';
  const callee = init?.type === 'CallExpression' ? unwrapExpression(init.callee) : undefined;
  const name = callee?.type === 'Identifier' ? callee.name : callee?.type === 'MemberExpression' && !callee.computed ? callee.property.name : undefined;
  if (name === 'fork') return 'a child process this program forked';
  return undefined;
}

/** The line of an `x.emit(event, …)` in the file on the same receiver as the registration (`bus.on` / `bus.emit`), if any. */
function emitLine(j: any, at: any, receiver: any, event: string): number | undefined {
  let top = at;
  while (top.parent) top = top.parent;
  const same = sameReceiver(at, receiver);
  const emit = j(top)
    .find(j.CallExpression, { callee: { type: 'MemberExpression', property: { type: 'Identifier', name: 'emit' } } })
    .filter((path: any) => literalText(path.node.arguments[0]) === event && same(path, path.node.callee.object))
    .nodes()[0];
  return emit ? emit.loc?.start.line ?? 0 : undefined;
}

/** Whether another expression names the receiver: the same binding, or the same `this.x` / `a.b` chain. */
function sameReceiver(at: any, receiver: any): (path: any, other: any) => boolean {
  const mine = unwrapExpression(receiver);
  const text = memberText(mine);
  const scope = mine?.type === 'Identifier' ? at.scope?.lookup(mine.name) : undefined;
  return (path, other) => {
    const theirs = unwrapExpression(other);
    if (mine?.type === 'Identifier') return theirs?.type === 'Identifier' && theirs.name === mine.name && path.scope?.lookup(mine.name) === scope;
    return text !== undefined && memberText(theirs) === text;
  };
}





