/**
 * New files in the project's own style. A file harden creates (a generated logger, a Redis client
 * module) is formatted with the project's prettier when the project has prettier installed where
 * that file would resolve it, and a prettier config that applies to the file (and does not ignore
 * it). Never a file that exists — its untouched code stays byte-for-byte — and never with a
 * prettier of harden's own: a project that does not format with prettier gets the templates as
 * they are.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toAbsolute } from '../engine/paths.js';
import type { Changeset, FileChange } from './changeset.js';

interface Prettier {
  format(text: string, options: Record<string, unknown>): string | Promise<string>;
  resolveConfig(file: string, options?: Record<string, unknown>): Promise<Record<string, unknown> | null>;
  getFileInfo(file: string, options?: Record<string, unknown>): Promise<{ ignored: boolean; inferredParser: string | null }>;
}

/** Formats the created support files of `changeset` with the project's prettier; the rest as it is. */
export async function formatCreatedFiles(changeset: Changeset): Promise<Changeset> {
  const created = changeset.changes.filter((change) => change.before === undefined && change.kind === 'support-file');
  if (created.length === 0) return changeset;
  const loaded = new Map<string, Promise<Prettier | undefined>>();
  const formatted = new Map<FileChange, string>();
  for (const change of created) {
    const file = toAbsolute(changeset.root, change.path);
    const prettier = await projectPrettier(file, loaded);
    if (!prettier) continue;
    try {
      const info = await prettier.getFileInfo(file, { ignorePath: join(changeset.root, '.prettierignore') });
      if (info.ignored || !info.inferredParser) continue;
      const config = await prettier.resolveConfig(file, { editorconfig: false });
      if (!config) continue;
      const text = await prettier.format(change.after, { ...config, filepath: file });
      if (text !== change.after) formatted.set(change, text);
    } catch {
      // a prettier that fails on the file leaves the template as written
    }
  }
  if (formatted.size === 0) return changeset;
  return { ...changeset, changes: changeset.changes.map((change) => (formatted.has(change) ? { ...change, after: formatted.get(change)! } : change)) };
}

/** The prettier that `file` would import (from its own directory upward), loaded once per install. */
function projectPrettier(file: string, loaded: Map<string, Promise<Prettier | undefined>>): Promise<Prettier | undefined> {
  let entry: string;
  try {
    entry = createRequire(join(dirname(file), 'noop.js')).resolve('prettier');
  } catch {
    return Promise.resolve(undefined);
  }
  let found = loaded.get(entry);
  if (!found) {
    found = import(pathToFileURL(entry).href).then(
      (module: { default?: Prettier } & Partial<Prettier>) => (typeof module.format === 'function' ? (module as Prettier) : module.default),
      () => undefined,
    );
    loaded.set(entry, found);
  }
  return found;
}
