/**
 * Root-relative POSIX paths are the only paths that travel through the engine, the Changeset and
 * every report; conversion to and from the file system happens here.
 */
import { isAbsolute, join, relative, sep } from 'node:path';

/** Converts an absolute path under `root` to a root-relative POSIX path. */
export function toRelative(root: string, absolute: string): string {
  const rel = relative(root, absolute);
  return sep === '/' ? rel : rel.split(sep).join('/');
}

export function toAbsolute(root: string, relativePath: string): string {
  return join(root, ...relativePath.split('/'));
}

/** True when `child` (absolute) is `parent` or lies below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
