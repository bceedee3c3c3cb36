/**
 * harden as users get it: `npm pack` of this project (built by `npm test` beforehand), the tarball
 * installed with its runtime dependencies only into a fresh project, and the installed
 * `node_modules/.bin/harden` run on a copy of a sample app. Catches files the CLI reads at runtime
 * that `files` leaves out of the package, and runtime imports of devDependencies.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appFiles, ROOT } from '../apps/support.js';
import { git, repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

/**
 * The environment without what `npm test` exports for its own run: `npm_config_local_prefix`
 * would make `npm install` in the temporary project install into this project instead.
 */
const KEPT_NPM = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_cafile']);
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || KEPT_NPM.has(key.toLowerCase())),
);

function npm(args: readonly string[], cwd: string): string {
  const result = spawnSync('npm', [...args], { cwd, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

let bin: string;
let packed: string[];

function installed(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(bin, [...args], { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the published package', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist', 'bin', 'harden.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const scratch = tree({});
    // --ignore-scripts: npm test has built dist/ already; prepack would rebuild it under the other tests' feet.
    const output = npm(['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], ROOT);
    const [pack] = JSON.parse(output) as { filename: string; files: { path: string }[] }[];
    packed = pack!.files.map((file) => file.path);

    const project = tree({ 'package.json': `${JSON.stringify({ name: 'user-project', version: '1.0.0', private: true }, null, 2)}\n` });
    npm(['install', '--prefix', project, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, pack!.filename)], project);
    bin = join(project, 'node_modules', '.bin', 'harden');
  }, 180_000);

  it('ships what the CLI reads at runtime and nothing of the development tree', () => {
    for (const path of [
      'dist/bin/harden.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/testing/index.js',
      'dist/src/testing/index.d.ts',
      'dist/src/engine/worker.js',
      'presets/mongo-express.json',
      'presets/preset.schema.json',
      'harden.config.schema.json',
      'transforms/mongoose-lean/README.md',
      'transforms/console-to-logger/templates/pino.ts',
      'transforms/rate-limiter-redis/templates/rate-limit-store.esm.js',
    ]) {
      expect(packed, path).toContain(path);
    }
    const unwanted = packed.filter((path) => /^(fixtures|test|bench|src|bin|dist\/bench)\/|\.map$|^transforms\/[^/]+\/[^/]+\.ts$/.test(path));
    expect(unwanted).toEqual([]);
  });

  it('runs --help, list and explain', () => {
    const cwd = tree({});
    const help = installed(['--help'], cwd);
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: harden');

    const list = installed(['list'], cwd);
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^ {2}mongoose-lean +Add \.lean\(\)/m);
    expect(list.stdout).toMatch(/^ {2}mongo-express /m);

    const explain = installed(['explain', 'mongoose-lean'], cwd);
    expect(explain.stderr).toBe('');
    expect(explain.status).toBe(0);
    expect(explain.stdout).toMatch(/^# mongoose-lean\n/);
  });

  it('prints a patch that git apply accepts for a sample app (apply --preset mongo-express --dry-run)', () => {
    const app = repo(appFiles('edgeai'));
    const dry = installed(['apply', '--preset', 'mongo-express', '--dry-run'], app);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^diff --git /);
    // The support files come from the transforms' templates, which the package must carry.
    expect(dry.stdout).toContain('+++ b/src/lib/logger.ts');
    expect(dry.stdout).toContain('+++ b/src/lib/rate-limit-store.ts');
    git(['apply', '--check'], app, dry.stdout);
  });
});
