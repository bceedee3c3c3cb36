/**
 * A module's health endpoints (its Express apps are found by src/ast/express-app.ts): routes whose
 * last path segment names a readiness probe (`/readyz`, `/ready`, `/readiness`) or a liveness one
 * (`/health`, `/healthz`, `/ping`, `/status`, …), and whether a liveness handler answers on its
 * own (reads nothing but the request, the response and a few globals) or checks something.
 */
import { isFunctionNode } from '../../src/ast/functions.js';
import { routeCalls } from '../../src/ast/routes.js';
import { isReferencePath, resolveBinding, unwrapExpression } from '../../src/ast/scope.js';

export interface HealthRoute {
  method: string;
  path: string;
  line: number;
  kind: 'readiness' | 'liveness';
  /** The handler answers without reading anything but its arguments and a few globals: a liveness check, not a readiness one. */
  answersAlone: boolean;
}

const READINESS = /^(readyz|ready|readiness)$/i;
const LIVENESS = /^(healthz|health|healthcheck|health-check|health_check|livez|live|liveness|alive|ping|status)$/i;
const METHODS = new Set(['get', 'all', 'use', 'head']);
const GLOBALS = new Set(['process', 'Date', 'JSON', 'Math', 'Number', 'String', 'Boolean', 'Object', 'Array', 'undefined', 'console', 'Promise']);

/** The routes of the module on a health path. */
export function healthRoutes(j: any, root: any): HealthRoute[] {
  const found: HealthRoute[] = [];
  for (const { call, method, handlers } of routeCalls(j, root)) {
    if (!METHODS.has(method)) continue;
    const first = unwrapExpression(call.node.arguments[0]);
    const path = first?.type === 'StringLiteral' || (first?.type === 'Literal' && typeof first.value === 'string') ? first.value : first?.type === 'TemplateLiteral' && first.quasis.length === 1 ? first.quasis[0].value.cooked : undefined;
    if (typeof path !== 'string') continue;
    const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
    const kind = READINESS.test(last) ? 'readiness' : LIVENESS.test(last) ? 'liveness' : undefined;
    if (!kind) continue;
    found.push({ method, path, line: call.node.loc?.start.line ?? 0, kind, answersAlone: handlers.length === 1 && answersAlone(j, handlers[0]) });
  }
  return found;
}

/** An inline handler whose free names are globals harden knows harmless, and that reads no `this`. */
function answersAlone(j: any, handler: any): boolean {
  const node = unwrapExpression(handler.node);
  if (!isFunctionNode(node) || node.type === 'ObjectMethod' || node.type === 'ClassMethod') return false;
  if (j(handler).find(j.ThisExpression).size() > 0) return false;
  let alone = true;
  j(handler)
    .find(j.Identifier)
    .forEach((path: any) => {
      if (!alone || !isReferencePath(path)) return;
      const binding = resolveBinding(path, path.node.name);
      const declaredAt = binding?.scope?.node;
      const inside = declaredAt && declaredAt.start >= node.start && declaredAt.end <= node.end;
      if (!inside && !(binding === undefined && GLOBALS.has(path.node.name))) alone = false;
    });
  return alone;
}
