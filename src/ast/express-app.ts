/**
 * Express apps: which module a callee comes from (`express` of `express()`, `express.Router()`,
 * `Router()`, `require('express').Router()`), and the calls of a file that create an app (one
 * detector for every transform: request logging, health endpoints, async errors).
 */
import { requiredModule } from './imports.js';
import { resolveBinding, unwrapExpression } from './scope.js';

/** Module a callee comes from: `express` of `express()`, `express.Router()`, `Router()`, `require('express').Router()`. */
export function calleeModule(path: any, callee: any): string | undefined {
  const node = unwrapExpression(callee);
  const direct = requiredModule(node);
  if (direct) return direct;
  if (node?.type === 'MemberExpression') return calleeModule(path, node.object);
  if (node?.type === 'CallExpression') return calleeModule(path, node.callee);
  if (node?.type !== 'Identifier') return undefined;
  const binding = resolveBinding(path, node.name);
  if (binding?.kind === 'import') return binding.source;
  if (binding?.kind === 'variable' && !binding.destructured) {
    const init = unwrapExpression(binding.declarator.init);
    return init && init !== node ? calleeModule(path, init) : undefined;
  }
  return undefined;
}

/**
 * `express()`: the `express` package's default export called (`import express from 'express'`,
 * `const express = require('express')`, an alias `const e = express`, or `require('express')()`),
 * not `express.Router()`, `express.json()`, a destructured `Router()` or an alias of one of those.
 */
export function isAppCreation(path: any): boolean {
  const callee = unwrapExpression(path.node.callee);
  if (callee?.type === 'CallExpression') return requiredModule(callee) === 'express';
  return callee?.type === 'Identifier' && isExpressDefault(path, callee.name, 0);
}

function isExpressDefault(path: any, name: string, depth: number): boolean {
  const binding = resolveBinding(path, name);
  if (binding?.kind === 'import') return binding.source === 'express' && (binding.imported === 'default' || binding.imported === '*');
  if (binding?.kind !== 'variable' || binding.destructured || depth > 4) return false;
  const init = unwrapExpression(binding.declarator.init);
  return init?.type === 'Identifier' && init.name !== name && isExpressDefault(path, init.name, depth + 1);
}

export interface ExpressApp {
  /** The `express()` call's path. */
  call: any;
  /** The statement declaring the app (`const app = express()`, possibly exported), when it is one in a statement list. */
  statement?: any;
  /** The app's name, with `statement`. */
  name?: string;
}

/** The file's `express()` calls, in source order, each with the statement naming the app when there is one. */
export function expressApps(j: any, root: any): ExpressApp[] {
  return root
    .find(j.CallExpression)
    .filter((path: any) => isAppCreation(path))
    .paths()
    .map((call: any) => ({ call, ...named(call) }));
}

/** `const app = express()` / `export const app = express()` as its own statement in a list. */
function named(call: any): { statement?: any; name?: string } {
  let holder = call;
  while (['TSAsExpression', 'TSSatisfiesExpression', 'ParenthesizedExpression', 'TSNonNullExpression'].includes(holder.parent?.node.type)) holder = holder.parent;
  const declarator = holder.parent;
  if (declarator?.node.type !== 'VariableDeclarator' || declarator.node.init !== holder.node || declarator.node.id.type !== 'Identifier') return {};
  const declaration = declarator.parent;
  if (declaration.node.declarations.length !== 1) return {};
  const statement = declaration.parent?.node.type === 'ExportNamedDeclaration' ? declaration.parent : declaration;
  const list = statement.parent?.node;
  if (!Array.isArray(list?.body) && !Array.isArray(list?.consequent)) return {};
  return { statement, name: declarator.node.id.name };
}
