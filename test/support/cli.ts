/** Drives the built CLI (dist/) in temporary git repositories, as a user would. */
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tree } from './tmp.js';

export const BIN = join(import.meta.dirname, '..', '..', 'dist', 'bin', 'harden.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function harden(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function git(args: readonly string[], cwd: string, input?: string): string {
  const result = spawnSync('git', [...args], { cwd, encoding: 'utf8', input });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** A temporary git repository holding `files`, committed. */
export function repo(files: Record<string, string | Buffer>): string {
  const root = tree(files);
  git(['init', '-q'], root);
  git(['add', '-A'], root);
  git(['-c', 'user.email=t@harden', '-c', 'user.name=t', 'commit', '-qm', 'init'], root);
  return root;
}

/** `repo(files)` with a `node_modules` link to this repository's, so the code in it runs (express, ioredis, …). */
export function repoWithModules(files: Record<string, string | Buffer>): string {
  const root = repo(files);
  symlinkSync(join(import.meta.dirname, '..', '..', 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}
