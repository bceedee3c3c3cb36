/**
 * Test-only transforms that exercise the engine's contract: support-file and dependency requests,
 * a throwing transform, one that prints unparseable output, and a project-level transform.
 */
import { z } from 'zod';
import { defineTransform, type AnyTransform, type TransformDefinition } from '../../src/transform.js';
import type { ResolvedTransform } from '../../src/engine/run-file.js';

/** Renames `console.error(...)` to `log.error(...)` and requests `src/lib/log.ts` and a dependency. */
export const requestsSupport = defineTransform({
  id: 'test-requests-support',
  title: 'Test transform that requests support',
  description: 'Requests a support file and a dependency for each changed site.',
  seed: { review: '002', finding: 'console.error' },
  skipReasons: { 'in-test': 'the call is in a test' },
  needs: ['console.error'],
  scope: 'file',
  options: z.object({}),
  apply({ j, root, sites, request }) {
    root.find(j.CallExpression, { callee: { object: { name: 'console' }, property: { name: 'error' } } }).forEach((path: any) => {
      if (path.node.arguments[0]?.value === 'skip me') return void sites.skipped(path.node, 'in-test');
      if (!sites.changed(path.node, 'console.error -> log.error')) return;
      path.node.callee.object = j.identifier('log');
      request.file('src/lib/log.ts', "export const log = console;\n");
      request.dependency('pino', '^10.4.0');
    });
  },
});

/** A file-level test transform with nothing but an id, a description and `apply`. */
function fileTransform(id: string, description: string, apply: TransformDefinition<z.ZodObject<{}>, never>['apply']) {
  return defineTransform({ id, title: description, description, seed: { review: '000', finding: 'x' }, skipReasons: {}, needs: [], scope: 'file', options: z.object({}), apply });
}

export const throws = fileTransform('test-throws', 'Throws on every file.', () => {
  throw new Error('boom');
});

export const breaksSyntax = fileTransform('test-breaks-syntax', 'Replaces the first identifier with an invalid one.', ({ j, root, sites }) => {
  const first = root.find(j.Identifier).paths()[0];
  if (first && sites.changed(first.node, 'broke it')) first.node.name = '1 +';
});

export const redeclares = fileTransform('test-redeclares', 'Declares the first declared name again after it.', ({ j, root, sites }) => {
  const first = root.find(j.VariableDeclaration).paths()[0];
  const declarator = first?.node.declarations[0];
  const id = declarator?.type === 'VariableDeclarator' ? declarator.id : undefined;
  if (first && id?.type === 'Identifier' && sites.changed(first.node, 'declared it again')) {
    first.insertAfter(j.variableDeclaration('var', [j.variableDeclarator(j.identifier(id.name), j.literal(2))]));
  }
});

/** Puts a statement first in the program, above the comments that led the file (a `// @flow` too). */
export const prependsStatement = fileTransform('test-prepends-statement', 'Inserts `const injected = 1;` before the first statement.', ({ j, root, sites }) => {
  const program = root.find(j.Program).paths()[0];
  const first = program?.node.body[0];
  if (first && sites.changed(first, 'inserted a statement above it')) program.get('body').unshift(j.variableDeclaration('const', [j.variableDeclarator(j.identifier('injected'), j.literal(1))]));
});

/**
 * Renames every `x` to `y`, each change in a try/catch as careless code writes it: what is thrown
 * there is swallowed, or (`wrap`) thrown again as another error. Counts its calls of `changed`.
 */
export function renamesCarelessly(wrap = false) {
  const calls = { changed: 0 };
  const transform = fileTransform('test-renames-carelessly', 'Renames x to y, catching what is thrown.', ({ j, root, sites }) => {
    root.find(j.Identifier, { name: 'x' }).forEach((path: any) => {
      try {
        calls.changed += 1;
        if (sites.changed(path.node, 'x -> y')) path.node.name = 'y';
      } catch (error) {
        if (wrap) throw new Error(`rename failed: ${String(error)}`);
      }
    });
  });
  return { transform, calls };
}

/**
 * Breaks the contract: keeps a node of each file (of the pass that ran last on it) and reads, in
 * the next file, the one it kept from the file before. Renames `x` to `y`, so a file holding `x`
 * changes and the node it keeps is from the printed tree.
 */
export function keepsNodes() {
  let kept: { path: string; node: any } | undefined;
  return fileTransform('test-keeps-nodes', 'Reads a node of the previous file.', ({ j, root, sites, file }) => {
    if (kept && kept.path !== file.path) void kept.node.type;
    kept = { path: file.path, node: root.find(j.Identifier).nodes()[0] };
    root.find(j.Identifier, { name: 'x' }).forEach((path: any) => {
      if (sites.changed(path.node, 'x -> y')) path.node.name = 'y';
    });
  });
}

/** Appends a comment line to every file that mentions `TODO` and writes a report file. */
export const projectWide = defineTransform({
  id: 'test-project-wide',
  title: 'Test project transform',
  description: 'Marks files that contain TODO.',
  seed: { review: '004', finding: 'x' },
  skipReasons: { 'no-todo': 'no TODO here' },
  needs: ['TODO'],
  scope: 'project',
  options: z.object({}),
  apply({ files, sites, write }) {
    const marked: string[] = [];
    for (const [path, text] of files) {
      if (!text.includes('TODO')) {
        sites.skipped(path, { line: 1, column: 1 }, 'no-todo');
        continue;
      }
      if (!sites.changed(path, { line: 1, column: 1 }, 'marked')) continue;
      write(path, `${text}// marked\n`);
      marked.push(path);
    }
    if (marked.length) write('src/marked.ts', `export const marked = ${JSON.stringify(marked)};\n`);
  },
});

export function chainOf(...transforms: AnyTransform[]): ResolvedTransform[] {
  return transforms.map((definition) => ({ definition, options: definition.options.parse({}) as Record<string, unknown> }));
}

/** Renames calls `x.getName()` to `x.fullName()`: type-safe where `fullName` exists, a type error elsewhere. */
export const renamesCalls = defineTransform({
  id: 'test-renames-calls',
  title: 'Test transform that renames a method call',
  description: 'Renames x.getName() to x.fullName().',
  seed: { review: '000', finding: 'x' },
  skipReasons: {},
  needs: ['getName('],
  scope: 'file',
  options: z.object({}),
  apply({ j, root, sites }) {
    root.find(j.CallExpression, { callee: { property: { name: 'getName' } } }).forEach((path: any) => {
      if (sites.changed(path.node, 'getName() -> fullName()')) path.node.callee.property = j.identifier('fullName');
    });
  },
});

/**
 * Makes the optional parameters of exported functions required: the file itself still
 * type-checks, its callers that omit the argument (in other files) do not.
 */
export const requiresParameters = defineTransform({
  id: 'test-requires-parameters',
  title: 'Test transform that makes optional parameters required',
  description: 'name?: T becomes name: T in exported functions.',
  seed: { review: '000', finding: 'x' },
  skipReasons: {},
  needs: ['?:'],
  scope: 'file',
  options: z.object({}),
  apply({ j, root, sites }) {
    root.find(j.ExportNamedDeclaration).forEach((exported: any) => {
      const fn = exported.node.declaration;
      if (fn?.type !== 'FunctionDeclaration') return;
      for (const param of fn.params) {
        if (param.type === 'Identifier' && param.optional && sites.changed(param, `${param.name} made required`)) param.optional = false;
      }
    });
  },
});
