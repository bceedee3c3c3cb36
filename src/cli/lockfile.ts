/**
 * After a write that edited a package.json, the lockfile is stale: `npm ci` (and pnpm's, yarn's
 * and bun's frozen installs) fail until the project's own package manager updates it. harden
 * never installs anything; it says which command to run, and where. The package manager is the
 * one whose lockfile sits beside the manifest or in a directory above it (a workspace root),
 * else the one package.json's `packageManager` field names, else npm.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { FileChange } from '../changeset/changeset.js';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** Lockfiles by package manager, in the order they are looked for in one directory. */
const LOCKFILES: readonly (readonly [string, PackageManager])[] = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
];

/** What the frozen install of each package manager is called (the command that fails until the lockfile is updated). */
const FROZEN: Record<PackageManager, string> = {
  npm: 'npm ci',
  pnpm: 'pnpm install --frozen-lockfile',
  yarn: 'yarn install --frozen-lockfile (--immutable on Yarn 2+)',
  bun: 'bun install --frozen-lockfile',
};

export interface LockfileHint {
  manager: PackageManager;
  /** The lockfile, relative to the root of the run; undefined when the project has none. */
  lockfile: string | undefined;
  /** Where to run the install, relative to the root of the run ('' = the root). */
  dir: string;
  /** The manifests edited, relative to the root of the run. */
  manifests: string[];
}

/** The install each group of edited manifests needs, one per lockfile (a workspace root counts once). */
export function lockfileHints(root: string, written: readonly FileChange[]): LockfileHint[] {
  const hints = new Map<string, LockfileHint>();
  for (const change of written) {
    if (change.kind !== 'manifest') continue;
    const manifestDir = dirname(resolve(root, change.path));
    const found = findLockfile(manifestDir, root);
    const manager = found?.manager ?? declaredManager(resolve(root, change.path)) ?? 'npm';
    const dir = found ? dirname(found.file) : manifestDir;
    const key = `${manager}\0${dir}`;
    const hint = hints.get(key) ?? {
      manager,
      lockfile: found ? toPosix(relative(root, found.file)) : undefined,
      dir: toPosix(relative(root, dir)),
      manifests: [],
    };
    hint.manifests.push(change.path);
    hints.set(key, hint);
  }
  return [...hints.values()];
}

/** The lines the write summary ends with: the exact command, and why. */
export function formatLockfileHints(hints: readonly LockfileHint[]): string {
  return hints
    .map((hint) => {
      const command = `${hint.dir ? `cd ${quote(hint.dir)} && ` : ''}${hint.manager} install`;
      const what = hint.manifests.join(', ');
      return hint.lockfile
        ? `${what} changed: run \`${command}\` to update ${hint.lockfile} (${FROZEN[hint.manager]} fails until you do)\n`
        : `${what} changed: run \`${command}\` to install the added dependencies\n`;
    })
    .join('');
}

/** The nearest lockfile from `dir` up to the root of the run (never above it). */
function findLockfile(dir: string, root: string): { file: string; manager: PackageManager } | undefined {
  const top = resolve(root);
  for (let current = dir; ; current = dirname(current)) {
    for (const [name, manager] of LOCKFILES) {
      const file = join(current, name);
      if (existsSync(file)) return { file, manager };
    }
    if (current === top || !current.startsWith(top + sep) || dirname(current) === current) return undefined;
  }
}

/** `"packageManager": "pnpm@9.1.0"` (corepack's field). */
function declaredManager(manifest: string): PackageManager | undefined {
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8').replace(/^\uFEFF/, '')) as { packageManager?: unknown };
    const name = typeof json.packageManager === 'string' ? json.packageManager.split('@')[0] : undefined;
    return name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : undefined;
  } catch {
    return undefined;
  }
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function quote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
