/**
 * Calls of the project's pino logger inside Express handlers, and the request each can use
 * instead: `logger.info(...)` in a handler whose first parameter is the Express request (the
 * second for an error middleware) becomes `req.log.info(...)` only where the handler is registered
 * on a router (src/ast/routes.ts) and `req` at the call is that parameter.
 */
import { enclosingFunction, requestParam } from '../../src/ast/functions.js';
import { routesOf } from '../../src/ast/routes.js';
import { resolveBinding } from '../../src/ast/scope.js';
import type { FileInfo, ProjectView } from '../../src/transform.js';
import type { LoggerModule } from '../console-to-logger/detect-logger.js';
import { OTHER_FRAMEWORKS } from '../express-async-errors/registrations.js';

/** The levels `req.log` (typed `pino.Logger`) has whatever the logger's options. */
const PINO_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export type LoggerCall =
  | { call: any; level: string; request: string }
  | { call: any; level: string; refusal: 'request-not-provable'; detail: string };

/** `logger.<level>(…)` calls of the project's logger inside functions that take a request. */
export function loggerCallsInHandlers(j: any, root: any, file: FileInfo, project: ProjectView, logger: LoggerModule): LoggerCall[] {
  const levels = PINO_LEVELS.filter((level) => !logger.levels || logger.levels.has(level));
  const otherFramework = OTHER_FRAMEWORKS.find((name) => file.package?.dependencyRange(name) !== undefined);
  const found: LoggerCall[] = [];
  root.find(j.CallExpression).forEach((call: any) => {
    const callee = call.node.callee;
    if (callee.type !== 'MemberExpression' || callee.computed || callee.object.type !== 'Identifier' || !levels.includes(callee.property.name)) return;
    if (!isProjectLogger(call, callee.object.name, file, project, logger)) return;
    const handler = requestHolder(call);
    if (!handler) return;
    const level = callee.property.name;
    const refuse = (detail: string) => found.push({ call, level, refusal: 'request-not-provable', detail });
    if (otherFramework) return refuse(`the package also depends on ${otherFramework}, whose handlers take a request of their own`);
    const routes = routesOf(j, file.path, project, handler.fnPath);
    if ('unknown' in routes) return refuse(routes.unknown);
    const binding = resolveBinding(call, handler.request);
    if (binding?.kind !== 'parameter' || binding.fn !== handler.fnPath.node) return refuse(`\`${handler.request}\` at the call is not the handler's parameter`);
    if (assigns(j, handler.fnPath, handler.request)) return refuse(`the handler assigns \`${handler.request}\``);
    found.push({ call, level, request: handler.request });
  });
  return found;
}

/** Whether `name` at `at` is the project's logger, imported from its module. */
function isProjectLogger(at: any, name: string, file: FileInfo, project: ProjectView, logger: LoggerModule): boolean {
  const binding = resolveBinding(at, name);
  return binding?.kind === 'import' && binding.imported === logger.exportName && project.resolveImport(file.path, binding.source) === logger.path;
}

const ERROR_PARAM = /^(e|err|error|ex|exception)$/i;
const REQUEST_NAME = /^req(uest)?$/i;

/** The nearest function around `path` that takes an Express request, and the request's name. */
function requestHolder(path: any): { fnPath: any; request: string } | undefined {
  for (let fnPath = enclosingFunction(path); fnPath; fnPath = enclosingFunction(fnPath)) {
    const request = expressRequest(fnPath);
    if (request) return { fnPath, request };
  }
  return undefined;
}

/** The request parameter of a handler (`(req, res, next)`) or error middleware (`(err, req, res, next)`). */
function expressRequest(fnPath: any): string | undefined {
  const params = fnPath.node.params ?? [];
  const name = (param: any) => (param?.type === 'Identifier' ? param.name : undefined);
  if (params.length === 4 && ERROR_PARAM.test(name(params[0]) ?? '')) {
    const request = name(params[1]);
    return request && REQUEST_NAME.test(request) ? request : undefined;
  }
  // a callback's first parameter is not a request because it goes to a `.get`/`.post`/`.use`
  // (`schema.post('save', function (doc) {…})`, `cache.get(key, (value) => …)`): named like one too
  const request = requestParam(fnPath);
  return request && request === name(params[0]) && REQUEST_NAME.test(request) ? request : undefined;
}

/** Whether the function assigns the name anywhere in its body (`req = …`, `req++`). */
function assigns(j: any, fnPath: any, name: string): boolean {
  const body = j(fnPath.get('body'));
  const assigned = body.find(j.AssignmentExpression, { left: { type: 'Identifier', name } }).size();
  return assigned + body.find(j.UpdateExpression, { argument: { type: 'Identifier', name } }).size() > 0;
}
