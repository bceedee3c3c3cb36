/**
 * The generated logger is imported before the entry point's own code runs, and so before a
 * `dotenv.config()` in that code sets LOG_LEVEL. The real pino and winston loggers generated from
 * the templates must still honour it, and an empty LOG_LEVEL must fall back to `info`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function run(template: string, entry: string, env: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'harden-level-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'logger.js'), readFileSync(join(repo, 'transforms', 'console-to-logger', 'templates', template), 'utf8'));
  writeFileSync(join(dir, 'app.js'), entry);
  const result = spawnSync(process.execPath, ['app.js'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NODE_PATH: join(repo, 'node_modules'), ...env },
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

// what dotenv.config() does: set the variable after the imports ran, in the entry's own code
const entry = (method: 'info' | 'warn') => `const { logger } = require('./logger');
process.env.LOG_LEVEL = 'warn';
setImmediate(() => {
  logger.info('hidden at warn');
  logger.${method}('shown at warn');
});
`;

describe('generated logger level', () => {
  for (const template of ['pino.cjs.js', 'winston.cjs.js']) {
    it(`${template}: a LOG_LEVEL set after the import applies`, () => {
      const out = run(template, entry('warn'), {});
      expect(out).not.toContain('hidden at warn');
      expect(out).toContain('shown at warn');
    });

    it(`${template}: an empty LOG_LEVEL means info`, () => {
      const out = run(template, "const { logger } = require('./logger');\nlogger.info('at info');\n", { LOG_LEVEL: '' });
      expect(out).toContain('at info');
    });
  }
});
