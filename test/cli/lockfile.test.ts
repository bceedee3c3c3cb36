/**
 * After a write that edits a package.json, harden updates the lockfile with the project's own
 * package manager (found by its lockfile, in the manifest's directory or a workspace root above
 * it), lockfile only; with --no-install, or when it cannot, the summary ends with the exact
 * command. Dry-run and check modes, which write nothing, say nothing about it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileChange } from '../../src/changeset/changeset.js';
import { formatLockfileHints, lockfileHints } from '../../src/cli/lockfile.js';
import { appFiles } from '../apps/support.js';
import { harden, repo } from '../support/cli.js';
import { tree } from '../support/tmp.js';

const app = (name: string) => `${JSON.stringify({ name, private: true, scripts: { start: 'node src/server.js' } }, null, 2)}\n`;
const server = [
  "const express = require('express');",
  'const app = express();',
  "app.get('/', async (req, res) => {",
  '  try {',
  '    res.send(await load());',
  '  } catch (err) {',
  "    console.error('load failed', err);",
  '    res.status(500).end();',
  '  }',
  '});',
  'module.exports = app;',
  '',
].join('\n');

describe('the install command after a write that edits package.json', () => {
  it('npm: names `npm install` and package-lock.json; dry-run says nothing of it', () => {
    const root = repo({ 'package.json': app('app'), 'package-lock.json': '{"lockfileVersion":3}\n', 'src/server.js': server });
    const dry = harden(['apply', '-t', 'console-to-logger', '--dry-run'], root);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+++ b/package.json');
    expect(dry.stderr).not.toContain('install');

    const write = harden(['apply', '-t', 'console-to-logger', '--no-install'], root);
    expect(write.status, write.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).toHaveProperty('pino');
    expect(write.stderr).toContain('package.json changed: run `npm install` to update package-lock.json (npm ci fails until you do)\n');
  });

  it('npm: updates package-lock.json itself, so `npm ci` right after the write succeeds (needs the npm registry)', () => {
    const root = repo({ 'package.json': app('app'), 'src/server.js': server });
    const npm = (args: string[]) => spawnSync('npm', args, { cwd: root, encoding: 'utf8' });
    const lock = npm(['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
    expect(lock.status, lock.stderr).toBe(0);
    const write = harden(['apply', '-t', 'console-to-logger', '--allow-dirty'], root);
    expect(write.status, write.stderr).toBe(0);
    expect(write.stderr).toContain('package-lock.json updated for package.json (`npm install --package-lock-only --ignore-scripts --no-audit --no-fund`, in .)');
    expect(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages).toHaveProperty('node_modules/pino');
    const ci = npm(['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
    expect(ci.status, ci.stderr).toBe(0);
    expect(readFileSync(join(root, 'node_modules/pino/package.json'), 'utf8')).toContain('"name": "pino"');
  });

  it('the edgeai sample: `npm ci` accepts the lockfile right after `harden apply --preset mongo-express` (needs the npm registry)', () => {
    const root = repo(appFiles('edgeai'));
    const before = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
    expect(before.status, `the sample's own lockfile is in sync: ${before.stderr}`).toBe(0);
    const write = harden(['apply', '--preset', 'mongo-express', '.'], root);
    expect(write.status, write.stderr).toBe(0);
    expect(write.stderr).toContain('package-lock.json updated for package.json');
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['pino', 'express-rate-limit', 'rate-limit-redis']));
    // `npm ci` checks that package.json and the lockfile agree before it fetches anything
    const ci = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
    expect(ci.status, ci.stderr).toBe(0);
  });

  it('pnpm workspace: the lockfile at the workspace root decides, and the command runs there', () => {
    const root = repo({
      'package.json': `${JSON.stringify({ name: 'mono', private: true })}\n`,
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'packages/api/package.json': app('api'),
      'packages/api/src/server.js': server,
    });
    const write = harden(['apply', '-t', 'console-to-logger'], root);
    expect(write.status, write.stderr).toBe(0);
    expect(write.stderr).toContain(
      'packages/api/package.json changed: run `pnpm install` to update pnpm-lock.yaml (pnpm install --frozen-lockfile fails until you do)\n',
    );
    expect(write.stderr).not.toContain('`npm install`');
  });
});

describe('lockfileHints', () => {
  const manifest = (path: string): FileChange => ({ path, before: '{}', after: '{"dependencies":{}}', sites: [], requestedBy: [], kind: 'manifest' });

  it('yarn and bun lockfiles beside the manifest; one command per lockfile; a cd when it is not at the root', () => {
    const root = tree({
      'packages/a/package.json': '{}',
      'packages/a/yarn.lock': '',
      'packages/b/package.json': '{}',
      'packages/b/bun.lock': '',
    });
    const text = formatLockfileHints(lockfileHints(root, [manifest('packages/a/package.json'), manifest('packages/b/package.json')]));
    expect(text).toBe(
      'packages/a/package.json changed: run `cd packages/a && yarn install` to update packages/a/yarn.lock (yarn install --frozen-lockfile (--immutable on Yarn 2+) fails until you do)\n' +
        'packages/b/package.json changed: run `cd packages/b && bun install` to update packages/b/bun.lock (bun install --frozen-lockfile fails until you do)\n',
    );
  });

  it('two manifests of one workspace share one command', () => {
    const root = tree({ 'package.json': '{}', 'package-lock.json': '{}', 'packages/a/package.json': '{}' });
    const hints = lockfileHints(root, [manifest('package.json'), manifest('packages/a/package.json')]);
    expect(formatLockfileHints(hints)).toBe(
      'package.json, packages/a/package.json changed: run `npm install` to update package-lock.json (npm ci fails until you do)\n',
    );
  });

  it('no lockfile: the packageManager field, else npm; only manifests count', () => {
    const root = tree({ 'package.json': JSON.stringify({ packageManager: 'pnpm@9.12.0' }), 'other/package.json': '{}' });
    expect(formatLockfileHints(lockfileHints(root, [manifest('package.json')]))).toBe(
      'package.json changed: run `pnpm install` to install the added dependencies\n',
    );
    expect(formatLockfileHints(lockfileHints(root, [manifest('other/package.json')]))).toBe(
      'other/package.json changed: run `cd other && npm install` to install the added dependencies\n',
    );
    expect(lockfileHints(root, [{ ...manifest('src/a.ts'), kind: 'source' }])).toEqual([]);
  });
});
