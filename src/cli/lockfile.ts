/**
 * After a write that edited a package.json, the lockfile is stale: `npm ci` (and pnpm's, yarn's
 * and bun's frozen installs) fail until the project's own package manager updates it. harden
 * updates the lockfile alone with that package manager — `npm install --package-lock-only`,
 * `pnpm install --lockfile-only`, `yarn install --mode update-lockfile` (Yarn 2+), all without
 * running install scripts and without touching node_modules — unless `--no-install` says not to;
 * where it cannot (no lockfile, Yarn 1, bun, the command failed), it says which command to run,
 * and where. The package manager is the one whose lockfile sits beside the manifest or in a
 * directory above it (a workspace root), else the one package.json's `packageManager` field
 * names, else npm.
 */
import { spawn } from 'node:child_process';
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

/** The command that updates only the lockfile, for the package managers that have one. */
function lockfileOnlyCommand(manager: PackageManager, dir: string): string[] | undefined {
  if (manager === 'npm') return ['npm', 'install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'];
  if (manager === 'pnpm') return ['pnpm', 'install', '--lockfile-only', '--ignore-scripts'];
  // Yarn 2+ (a .yarnrc.yml beside the lockfile); Yarn 1 has no lockfile-only install
  if (manager === 'yarn' && existsSync(join(dir, '.yarnrc.yml'))) return ['yarn', 'install', '--mode', 'update-lockfile'];
  return undefined;
}

export interface LockfileUpdate {
  hint: LockfileHint;
  /** The command run, when one was. */
  command?: string;
  ok: boolean;
  /** Why it failed (the command's last lines of output, or the spawn error). */
  error?: string;
}

/**
 * Updates each hint's lockfile with its package manager's lockfile-only install, one at a time;
 * a hint without a lockfile or a lockfile-only command is returned with `ok: false` and no
 * command (its text says what to run). Never throws.
 */
export async function updateLockfiles(root: string, hints: readonly LockfileHint[], timeoutMs = 300_000): Promise<LockfileUpdate[]> {
  const updates: LockfileUpdate[] = [];
  for (const hint of hints) {
    const dir = resolve(root, hint.dir);
    const argv = hint.lockfile ? lockfileOnlyCommand(hint.manager, dir) : undefined;
    if (!argv) {
      updates.push({ hint, ok: false });
      continue;
    }
    const command = argv.join(' ');
    const result = await runQuietly(argv, dir, timeoutMs);
    updates.push({ hint, command, ok: result.ok, error: result.error });
  }
  return updates;
}

function runQuietly(argv: string[], cwd: string, timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
  return new Promise((done) => {
    let output = '';
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ ok: false, error: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-3).join(' / ');
      done(code === 0 ? { ok: true } : { ok: false, error: signal ? `stopped (${signal}) after ${timeoutMs / 1000} s` : `exit ${code}${tail ? `: ${tail}` : ''}` });
    });
  });
}

/** What the write summary says of each update: done, or the command to run and why. */
export function formatLockfileUpdates(updates: readonly LockfileUpdate[]): string {
  return updates
    .map(({ hint, command, ok, error }) => {
      if (ok) return `${hint.lockfile} updated for ${hint.manifests.join(', ')} (\`${command}\`, in ${hint.dir || '.'}); run your install to fetch the new packages\n`;
      const failed = command ? `\`${command}\` failed (${error}); ` : '';
      return failed + formatLockfileHints([hint]);
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
