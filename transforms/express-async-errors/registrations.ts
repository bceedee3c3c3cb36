/**
 * The handlers of a file's route registrations, as Express sees them: which router a registration
 * is made on (Express, another framework, or unknown), and for each handler argument the function
 * it is (inline, a function of this file, or an export of a project module), a wrapper call around
 * one, or something harden cannot follow.
 */
import { calleeModule } from '../../src/ast/express-app.js';
import { isFunctionNode } from '../../src/ast/functions.js';
import { exportTarget, routeReceiver } from '../../src/ast/routes.js';
import { resolveBinding, unwrapExpression } from '../../src/ast/scope.js';
import type { PackageInfo, ProjectView } from '../../src/transform.js';

/** HTTP frameworks whose routers look like Express's but handle promises their own way. */
export const OTHER_FRAMEWORKS = ['koa', 'koa-router', '@koa/router', 'fastify', '@hapi/hapi', 'hapi', 'restify', 'hono', '@nestjs/core'];

export type RouterKind = 'express' | 'other' | 'unknown';

/** What the registration `callPath` is made on. */
export function routerKind(callPath: any, pkg: PackageInfo | undefined): RouterKind {
  const receiver = routeReceiver(callPath.node);
  let origin: string | undefined;
  if (receiver?.type === 'Identifier') {
    const binding = resolveBinding(callPath, receiver.name);
    if (binding?.kind === 'variable' && !binding.destructured) {
      const init = unwrapExpression(binding.declarator.init);
      if (init?.type === 'CallExpression' || init?.type === 'NewExpression') origin = calleeModule(callPath, init.callee);
    } else if (binding?.kind === 'import') origin = binding.source;
  } else if (receiver?.type === 'CallExpression') {
    origin = calleeModule(callPath, receiver.callee);
  }
  if (origin === 'express') return 'express';
  if (origin && OTHER_FRAMEWORKS.includes(origin)) return 'other';
  if (OTHER_FRAMEWORKS.some((name) => pkg?.dependencyRange(name) !== undefined)) return 'other';
  return 'unknown';
}

export type Handler =
  /** a function: `fnPath` in the tree of `file` (this file's, or another project file's) */
  | { kind: 'function'; fnPath: any; file: string; named?: string }
  /** a call around a function: `asyncHandler(async (req, res) => …)` */
  | { kind: 'wrapped'; wrapper: string; fnPath: any; file: string }
  /** a project binding harden cannot follow to a function */
  | { kind: 'elsewhere'; name: string }
  /** not the project's function: a package's middleware, a factory's result, a value */
  | { kind: 'none' };

const text = (node: any): string =>
  node?.type === 'Identifier' ? node.name : node?.type === 'MemberExpression' && !node.computed ? `${text(node.object)}.${text(node.property)}` : node?.type === 'ThisExpression' ? 'this' : '…';

/** Resolves one handler argument of a registration. */
export function resolveHandler(j: any, argPath: any, file: string, project: ProjectView): Handler {
  const node = unwrapExpression(argPath.node);
  if (isFunctionNode(node)) return { kind: 'function', fnPath: argPath, file };
  if (node?.type === 'CallExpression') {
    const args = argPath.get('arguments');
    for (let i = 0; i < node.arguments.length; i += 1) {
      const inner = resolveHandler(j, args.get(i), file, project);
      if (inner.kind === 'function') return { kind: 'wrapped', wrapper: text(node.callee), fnPath: inner.fnPath, file: inner.file };
    }
    return { kind: 'none' };
  }
  if (node?.type === 'Identifier') return followName(j, argPath, node.name, file, project);
  if (node?.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && node.property.type === 'Identifier') {
    const binding = resolveBinding(argPath, node.object.name);
    if (binding?.kind === 'import' && (binding.imported === 'default' || binding.imported === '*')) {
      if (!binding.source.startsWith('.')) return { kind: 'none' };
      const target = project.resolveImport(file, binding.source);
      const found = target ? exportedFunction(j, project, target, node.property.name) : undefined;
      return found ?? { kind: 'elsewhere', name: text(node) };
    }
    if (binding?.kind === 'parameter') return { kind: 'elsewhere', name: text(node) };
    return { kind: 'none' };
  }
  return { kind: 'none' };
}

function followName(j: any, at: any, name: string, file: string, project: ProjectView): Handler {
  const binding = resolveBinding(at, name);
  if (!binding) return { kind: 'none' };
  if (binding.kind === 'function') return { kind: 'function', fnPath: pathOf(j, binding.scope.path, binding.node), file, named: name };
  if (binding.kind === 'variable' && !binding.destructured) {
    const init = unwrapExpression(binding.declarator.init);
    if (isFunctionNode(init)) return { kind: 'function', fnPath: pathOf(j, binding.scope.path, init), file, named: name };
    return { kind: 'none' };
  }
  if (binding.kind === 'import') {
    if (!binding.source.startsWith('.')) return { kind: 'none' };
    const target = project.resolveImport(file, binding.source);
    const found = target ? exportedFunction(j, project, target, binding.imported === '*' ? 'default' : binding.imported) : undefined;
    return found ?? { kind: 'elsewhere', name };
  }
  if (binding.kind === 'parameter') return { kind: 'elsewhere', name };
  return { kind: 'none' };
}

/** The path of `node` inside the tree under `scopePath`. */
function pathOf(j: any, scopePath: any, node: any): any {
  let found: any;
  j(scopePath)
    .find(j.Node)
    .forEach((p: any) => {
      if (!found && p.node === node) found = p;
    });
  return found;
}

const exportCache = new WeakMap<ProjectView, Map<string, Map<string, Handler>>>();

/**
 * The function `target` exports as `name` (`export const name = …`, `export function name`,
 * `exports.name = …`, `module.exports = { name }`, `module.exports = fn` for 'default'), if it is
 * one; an export harden cannot read as a function answers 'none' when it is clearly not one.
 */
function exportedFunction(j: any, project: ProjectView, target: string, name: string): Handler | undefined {
  let perProject = exportCache.get(project);
  if (!perProject) exportCache.set(project, (perProject = new Map()));
  let perFile = perProject.get(target);
  if (!perFile) {
    perFile = readExports(j, project, target);
    perProject.set(target, perFile);
  }
  return perFile.get(name);
}

function readExports(j: any, project: ProjectView, target: string): Map<string, Handler> {
  const found = new Map<string, Handler>();
  const root = project.parse(target);
  if (!root) return found;
  const program = root.get('program');
  const body = program.get('body');
  const topFunctions = new Map<string, any>();
  (program.node.body as any[]).forEach((statement: any, index: number) => {
    const at = body.get(index);
    const inner = statement.type === 'ExportNamedDeclaration' && statement.declaration ? at.get('declaration') : at;
    const node = inner.node;
    if (node.type === 'FunctionDeclaration' && node.id) topFunctions.set(node.id.name, inner);
    if (node.type === 'VariableDeclaration') {
      node.declarations.forEach((d: any, i: number) => {
        const init = unwrapExpression(d.init);
        if (d.id.type === 'Identifier' && isFunctionNode(init)) topFunctions.set(d.id.name, pathOf(j, inner.get('declarations', i), init));
      });
    }
  });
  // an export assigned something that is not a function (a router, a wrapper's result) is no handler to follow
  const add = (key: string, fnPath: any) => !found.has(key) && found.set(key, fnPath ? { kind: 'function', fnPath, file: target, named: key } : { kind: 'none' });
  (program.node.body as any[]).forEach((statement: any, index: number) => {
    const at = body.get(index);
    if (statement.type === 'ExportNamedDeclaration') {
      const declaration = statement.declaration;
      if (declaration?.type === 'FunctionDeclaration') add(declaration.id.name, topFunctions.get(declaration.id.name));
      if (declaration?.type === 'VariableDeclaration') for (const d of declaration.declarations) if (d.id.type === 'Identifier') add(d.id.name, topFunctions.get(d.id.name));
      for (const specifier of statement.specifiers ?? []) {
        if (specifier.type === 'ExportSpecifier' && !statement.source) add(specifier.exported.name ?? specifier.exported.value, topFunctions.get(specifier.local.name));
      }
    }
    if (statement.type === 'ExportDefaultDeclaration') {
      const declaration = unwrapExpression(statement.declaration);
      add('default', isFunctionNode(declaration) ? pathOf(j, at, declaration) : declaration?.type === 'Identifier' ? topFunctions.get(declaration.name) : undefined);
    }
    if (statement.type === 'ExpressionStatement' && statement.expression.type === 'AssignmentExpression' && statement.expression.operator === '=') {
      const { left } = statement.expression;
      const right = unwrapExpression(statement.expression.right);
      const key = exportTarget(left);
      if (!key) return;
      const rightPath = pathOf(j, at, right);
      if (key === 'default' && right?.type === 'ObjectExpression') {
        right.properties.forEach((property: any, i: number) => {
          const propertyKey = property.key?.name ?? property.key?.value;
          if (typeof propertyKey !== 'string' || property.computed) return;
          const value = property.type === 'ObjectMethod' ? property : unwrapExpression(property.value);
          add(propertyKey, isFunctionNode(value) ? pathOf(j, rightPath.get('properties', i), value) : value?.type === 'Identifier' ? topFunctions.get(value.name) : undefined);
        });
        return;
      }
      add(key, isFunctionNode(right) ? rightPath : right?.type === 'Identifier' ? topFunctions.get(right.name) : undefined);
    }
  });
  return found;
}

/**
 * On a router harden could not place, only a function that reads like a request handler is one:
 * `(req, res)`, `(request, response, next)`, `(_req, res)`, or a first parameter typed `Request`.
 * (`interceptors.request.use(async (config) => …)` and `cache.get(key, async () => …)` are not.)
 */
export function looksLikeHandler(fnPath: any): boolean {
  const [first, second] = (fnPath.node.params ?? []).map((param: any) => (param?.type === 'AssignmentPattern' ? param.left : param));
  if (first?.type !== 'Identifier') return false;
  if (/^_?(req|request)$/i.test(first.name) || (second?.type === 'Identifier' && /^_?(res|response)$/i.test(second.name))) return true;
  const annotation = first.typeAnnotation?.typeAnnotation;
  return annotation?.type === 'TSTypeReference' && /^(express\.)?Request$/.test(annotation.typeName?.name ?? `${annotation.typeName?.left?.name}.${annotation.typeName?.right?.name}`);
}
