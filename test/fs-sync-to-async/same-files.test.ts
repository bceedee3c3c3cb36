/**
 * The rewritten fs code does what the original did: each rewrite fixture's input (sync) and
 * expected output (fs/promises) run with the same driver in two fresh temporary directories; the
 * files they leave behind, what they return and the error codes they throw must be identical.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'fs-sync-to-async');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Scenario {
  fixture: string;
  /** Files present before the run (relative to the temp dir). */
  setup?: Record<string, string>;
  /** CommonJS driver: `mod` is the module under test; print results with `out(...)`. */
  driver: string;
}

const scenarios: Scenario[] = [
  {
    fixture: 'seed-001-json-storage-async-functions-cjs',
    setup: { 'data/broken.json': '{ not json' },
    driver: `
      out(await mod.readCollection('users'));
      await mod.writeCollection('users', [{ id: 1, name: 'Ada' }]);
      await mod.writeCollection('videos', []);
      out(await mod.readCollection('users'));
      try { await mod.readCollection('broken'); } catch (err) { out('threw ' + err.name); }
    `,
  },
  {
    fixture: 'exported-function-awaited-across-files',
    setup: { 'avatars/blocked': 'a file where a directory is expected' },
    driver: `
      await mod.saveAvatar('u1', 'png-bytes');
      await mod.saveAvatar('u1', 'png-bytes-2');
      try { await mod.saveAvatar('blocked', 'x'); } catch (err) { out('threw ' + err.code); }
    `,
  },
];

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const full = join(current, name);
      const rel = relative(dir, full);
      if (rel === 'src' || rel === 'driver.cjs') continue;
      if (statSync(full).isDirectory()) {
        files[`${rel}/`] = '';
        walk(full);
      } else files[rel] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function runVersion(source: string, scenario: Scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'harden-fs-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'mod.js'), source);
  for (const [path, text] of Object.entries(scenario.setup ?? {})) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(
    join(dir, 'driver.cjs'),
    `const mod = require('./src/mod.js');\nconst out = (v) => console.log(JSON.stringify(v));\n(async () => {\n${scenario.driver}\n})().catch((err) => { console.log('UNEXPECTED', err && err.stack); process.exitCode = 3; });\n`,
  );
  const run = spawnSync(process.execPath, ['driver.cjs'], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, files: snapshot(dir) };
}

describe('fs-sync-to-async rewrites leave the same files behind', () => {
  for (const scenario of scenarios) {
    it(scenario.fixture, () => {
      const before = runVersion(readFileSync(join(fixtures, `${scenario.fixture}.input.js`), 'utf8'), scenario);
      const after = runVersion(readFileSync(join(fixtures, `${scenario.fixture}.output.js`), 'utf8'), scenario);
      expect(before.status, before.stderr + before.stdout).toBe(0);
      expect(after.status, after.stderr + after.stdout).toBe(0);
      expect(after.stdout).toBe(before.stdout);
      expect(after.files).toEqual(before.files);
      expect(Object.keys(before.files).length).toBeGreaterThan(Object.keys(scenario.setup ?? {}).length);
      expect(before.stdout).toContain('threw');
    });
  }
});
