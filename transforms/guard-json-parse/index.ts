import { z } from 'zod';
import { enclosingFunction, requestParam } from '../../src/ast/functions.js';
import { routesOf } from '../../src/ast/routes.js';
import { dominantQuote, findImportedLocal, isNameTaken, usesSemicolons } from '../../src/ast/imports.js';
import { resolveBinding, unwrapExpression } from '../../src/ast/scope.js';
import { literalText } from '../../src/ast/values.js';
import { detectPrintStyle } from '../../src/engine/parse.js';
import { defineTransform, type FileInfo, type ProjectView } from '../../src/transform.js';
import { findProjectLogger } from '../console-to-logger/detect-logger.js';
import { guarded, shapeOf, type Reaction, type Shape, type Style } from './guard.js';
import { listenerOf, type Listener } from './listeners.js';
import { relayedListener } from './relay.js';
import { insideTry, REQUEST_PARTS, sourceOf, type Source } from './sources.js';

const SKIP_REASONS = {
  'already-guarded': 'the parse is already inside a try with a catch: what happens to malformed input there is the code\'s own decision',
  clone: 'JSON.parse(JSON.stringify(x)) copies a value the program built; it never meets malformed text',
  'response-shadowed': 'the name of the handler\'s response parameter means something else where the parse is (a local of the same name): harden cannot answer 400 there; rename the local, or guard the parse by hand',
  'trusted-source':
    'the message comes from a process this program started or was started by (process.on(\'message\') IPC, a worker_threads Worker, a forked child): the program writes those messages itself, so a malformed one is a bug to see, not input to drop',
  'broker-ack':
    'the function consumes a message broker (amqplib consume, kafkajs eachMessage, BullMQ or Bull processors, sqs-consumer, a listener that calls ack()/nack()): what it throws decides redelivery or dead-lettering, and returning would acknowledge the bad message. Reject it with the broker\'s own nack or dead-letter queue by hand',
  'stream-chunk':
    'a \'data\' listener receives chunks of a stream, not whole messages: a chunk can end in the middle of a JSON text, so a guard would drop good data. Collect the chunks and parse them on \'end\' (or split on newlines), then run again',
  'inside-callback':
    'the parse is inside a callback within the listener or handler (a forEach, a promise callback, a timer): a return there would not leave the listener. Move the parse into the listener\'s own body',
  'complex-statement':
    'the parse is not the whole value of a one-variable declaration (`const x = JSON.parse(…)`), of an assignment to a variable, nor a statement of its own, so the guard cannot be added without reordering code; assign the parse to a variable first and run again',
  'callers-rely-on-exception':
    'the parse is in a function that is not only a listener or a request handler: a caller may catch its exception or use its result (a helper called from elsewhere, a public method, a call inside a try or with .catch()). Guard it where the callers handle the error',
  'returns-value':
    'the function declares a return type other than void, so the guard\'s bare `return` would not type-check; guard it by hand with the value its callers should get',
  'not-express':
    'the handler\'s package does not depend on express, so harden cannot answer 400 with res.status(400).json(…); guard it with your framework\'s response',
} as const;

type Reason = keyof typeof SKIP_REASONS;

/** Where the parsed text comes from, once it is known to come from outside the process. */
type Exposure =
  | { kind: 'request'; fnPath: any; field: string }
  | { kind: 'listener'; fnPath: any; listener: Listener; via?: number[] };

export default defineTransform({
  id: 'guard-json-parse',
  title: 'Guard JSON.parse of client and queue data',
  description:
    'JSON.parse of a listener\'s data (a WebSocket frame, a socket.io event, a Redis or Postgres message) or of a request part (req.body.x, req.query.x) throws on malformed text; ' +
    'in a listener that stops the process. The parse goes into a try: an Express handler answers 400, a WebSocket handler answers an error frame when the socket is in scope or drops the frame, other listeners log a warning and return.',
  seed: { review: '003', finding: 'Missing Error Boundaries in Async Operations' },
  skipReasons: SKIP_REASONS,
  needs: ['JSON.parse'],
  scope: 'file',
  standAloneSites: true,
  options: z.object({}),
  apply({ j, root, file, sites, project }) {
    const plans: Array<{ shape: Shape; reaction: Reaction }> = [];
    root
      .find(j.CallExpression, { callee: { type: 'MemberExpression', object: { type: 'Identifier', name: 'JSON' }, property: { name: 'parse' } } })
      .forEach((path: any) => {
        if (path.node.callee.computed || resolveBinding(path, 'JSON')) return;
        const verdict = judge(j, root, file, project, path);
        if (!verdict) return;
        if ('refusal' in verdict) return sites.skipped(path.node, verdict.refusal, verdict.detail);
        if (sites.changed(path.node, verdict.message)) plans.push(verdict);
      });
    if (plans.length === 0) return;
    const source = file.source;
    const print = detectPrintStyle(source);
    const style: Style = {
      semicolons: usesSemicolons(source),
      // in columns: the printer turns them into the file's tabs
      indent: ' '.repeat(print.tabWidth),
      quote: dominantQuote(source) === 'double' ? '"' : "'",
    };
    const taken = new Set<string>();
    for (const plan of plans) plan.shape.statement.replace(...guarded(j, plan.shape, plan.reaction, style, () => freshName(j, root, taken)));
  },
});

type Verdict = { refusal: Reason; detail?: string } | { shape: Shape; reaction: Reaction; message: string };

function judge(j: any, root: any, file: FileInfo, project: ProjectView, path: any): Verdict | undefined {
  const argument = path.node.arguments[0];
  if (!argument || argument.type === 'SpreadElement') return undefined;
  const inner = unwrapExpression(argument);
  if (isJsonCall(inner, 'stringify')) {
    const copied = inner.arguments[0] && sourceOf(j, root, path, inner.arguments[0]);
    const exposed = copied && exposure(j, root, file, project, copied);
    return exposed && !('refusal' in exposed) ? { refusal: 'clone' } : undefined;
  }
  const source = sourceOf(j, root, path, argument);
  const exposed = source && exposure(j, root, file, project, source);
  if (!exposed || 'refusal' in exposed) return exposed;
  if (insideTry(path, exposed.fnPath)) return { refusal: 'already-guarded' };
  if (enclosingFunction(path)?.node !== exposed.fnPath.node) return { refusal: 'inside-callback' };
  let res: string | undefined;
  if (exposed.kind === 'request') {
    // answering 400 is only right in a route handler: a helper's caller, an http or 'upgrade' listener would answer again or crash
    const routes = routesOf(j, file.path, project, exposed.fnPath);
    if (!('routes' in routes) || routes.routes.length === 0) {
      return { refusal: 'callers-rely-on-exception', detail: `not a registered route handler: ${'unknown' in routes ? routes.unknown : 'no route registers it'}` };
    }
    const param = exposed.fnPath.node.params[1];
    if (param?.type !== 'Identifier') return { refusal: 'callers-rely-on-exception', detail: 'the function has no response parameter: its callers get the exception' };
    // ast-types keeps a block's `const res` in the function's scope: a second binding of the name shadows it somewhere
    const scope = path.scope?.lookup(param.name);
    if (scope?.node !== exposed.fnPath.node || (scope.getBindings()[param.name]?.length ?? 0) > 1) return { refusal: 'response-shadowed', detail: `\`${param.name}\` is not the handler's response here` };
    if (!file.package?.dependencyRange('express')) return { refusal: 'not-express' };
    res = param.name;
  }
  const returnType = exposed.fnPath.node.returnType?.typeAnnotation;
  if (returnType && !voidLike(returnType)) return { refusal: 'returns-value', detail: file.source.slice(returnType.start, returnType.end) };
  const shape = shapeOf(path);
  if ('refusal' in shape) return shape;
  if (exposed.kind === 'request') {
    const message = `${exposed.field} is not valid JSON`;
    return { shape, reaction: { kind: 'respond', res: res!, message }, message: `guarded: malformed JSON in ${exposed.field} is answered with 400` };
  }
  const { listener } = exposed;
  const where = exposed.via ? ` (called by the '${listener.event}' listener at line ${exposed.via.join(', ')})` : '';
  if (listener.channel === 'websocket' || listener.channel === 'socket.io') {
    const what = listener.channel === 'websocket' ? 'WebSocket frame' : `socket.io '${listener.event}' event`;
    const receiver = listener.receiver;
    if (listener.channel === 'websocket' && receiver && path.scope?.lookup(receiver.name)?.node === receiver.scope.node) {
      return { shape, reaction: { kind: 'reply', socket: receiver.name }, message: `guarded: a malformed ${what} is answered with an error frame and dropped${where}` };
    }
    return { shape, reaction: { kind: 'drop' }, message: `guarded: a malformed ${what} is dropped${where}` };
  }
  const logger = loggerAt(j, root, file, project, path);
  const noun = listener.event === 'notification' ? 'notification' : /message/i.test(listener.event) ? 'message' : `'${listener.event}' event`;
  return {
    shape,
    reaction: { kind: 'log', logger, message: `Ignoring ${noun} that is not valid JSON` },
    message: `guarded: a malformed ${noun} is logged (${logger}.warn) and ignored${where}`,
  };
}

/** Whether the source is data from outside: a request part of a handler, or a listener's data (directly or through functions only listeners call). */
function exposure(j: any, root: any, file: FileInfo, project: ProjectView, source: Source): Exposure | { refusal: Reason; detail?: string } | undefined {
  const direct = listenerOf(j, source.fnPath, file.package);
  if (direct) return 'refusal' in direct ? direct : { kind: 'listener', fnPath: source.fnPath, listener: direct };
  if (requestParam(source.fnPath) === source.name) {
    // req.user, req.session: the server's own values
    if (!REQUEST_PARTS.has(source.chain[0] ?? '')) return undefined;
    return { kind: 'request', fnPath: source.fnPath, field: source.chain[source.chain.length - 1]! };
  }
  const relay = relayedListener(j, root, file, project, source.fnPath, source.index);
  if (!relay) return undefined;
  return 'refusal' in relay ? relay : { kind: 'listener', fnPath: source.fnPath, listener: relay.listener, via: relay.lines };
}

/** `parsed`, or `parsed2`, … when the file (or an earlier guard, in `taken`) uses the name. */
function freshName(j: any, root: any, taken: Set<string>): string {
  let name = 'parsed';
  for (let n = 2; taken.has(name) || isNameTaken(j, root, name); n += 1) name = `parsed${n}`;
  taken.add(name);
  return name;
}

function isJsonCall(node: any, method: string): boolean {
  const callee = node?.type === 'CallExpression' ? node.callee : undefined;
  return callee?.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' && callee.object.name === 'JSON' && callee.property.name === method;
}

/** `void`, `Promise<void>`, `undefined`, `any`, `unknown`: a bare return fits. */
function voidLike(type: any): boolean {
  if (['TSVoidKeyword', 'TSUndefinedKeyword', 'TSAnyKeyword', 'TSUnknownKeyword'].includes(type.type)) return true;
  const params = type.typeParameters?.params ?? [];
  return type.type === 'TSTypeReference' && type.typeName.type === 'Identifier' && type.typeName.name === 'Promise' && params.length === 1 && voidLike(params[0]);
}

/**
 * The logger the warning goes to: the project's pino/winston instance when this file imports it
 * (and it has `warn`); else a module-level binding this file already calls as `x.warn('text')`
 * with one string (a logger whose `warn` takes a message alone, whatever library it is); else
 * `console`.
 */
function loggerAt(j: any, root: any, file: FileInfo, project: ProjectView, path: any): string {
  const found = findProjectLogger(project, file.package?.dir ?? '');
  if (found?.levels?.has('warn')) {
    const local = findImportedLocal(j, root, (specifier) => project.resolveImport(file.path, specifier) === found.path, found.exportName);
    if (local && resolveBinding(path, local)?.kind === 'import') return local;
  }
  let used: string | undefined;
  root
    .find(j.CallExpression, { callee: { type: 'MemberExpression', object: { type: 'Identifier' }, property: { type: 'Identifier', name: 'warn' } } })
    .forEach((call: any) => {
      const [only, extra] = call.node.arguments;
      const name = call.node.callee.object.name;
      const text = only?.type === 'TemplateLiteral' || literalText(only) !== undefined;
      if (used || extra || !text || name === 'console') return;
      const declared = call.scope?.lookup(name);
      if (declared?.isGlobal && path.scope?.lookup(name) === declared) used = name;
    });
  return used ?? 'console';
}
