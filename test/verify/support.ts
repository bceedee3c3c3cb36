/** Projects for the --verify tests: temp trees whose node_modules is the worktree's (real typescript, @types/node). */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Changeset } from '../../src/changeset/changeset.js';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import type { ResolvedTransform } from '../../src/engine/run-file.js';
import { verifyChangeset, type VerifyResult } from '../../src/verify/index.js';
import { tree } from '../support/tmp.js';

export const nodeModules = join(import.meta.dirname, '..', '..', 'node_modules');

export const strictConfig = (extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'ES2022', moduleResolution: 'bundler', types: [] }, include: ['src'], ...extra }, null, 2)}\n`;

/** A project tree; `withModules` links node_modules (the project then has its own typescript). */
export function project(files: Record<string, string>, withModules = true): string {
  const root = tree({ 'package.json': '{ "name": "app", "version": "1.0.0" }\n', ...files });
  if (withModules) symlinkSync(nodeModules, join(root, 'node_modules'));
  return root;
}

export function runAndVerify(root: string, chain: ResolvedTransform[]): { before: Changeset; verified: VerifyResult } {
  const discovery = discover({ root, cwd: root, patterns: ['.'] });
  const before = run({ root, discovery, chain });
  const verified = verifyChangeset(before, (filter) => run({ root, discovery, chain, filter }));
  return { before, verified };
}

export function paths(changeset: Changeset): string[] {
  return changeset.changes.map((change) => change.path);
}
