/**
 * A file harden creates follows the project's prettier — when the project has prettier installed
 * and a config that applies to the file — and nothing else is formatted: existing files keep their
 * untouched code byte-for-byte, a project without a prettier config gets the template as written,
 * a .prettierignore is honoured. The prettier is the project's own (resolved from the file's place).
 */
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInserted } from '../../src/changeset/prettier.js';
import { loggerTemplate } from '../../transforms/console-to-logger/target.js';
import { harden, repo } from '../support/cli.js';

const nodeModules = join(import.meta.dirname, '..', '..', 'node_modules');
const source = 'try { load() } catch (err) {\n  console.error("load failed", err)\n}\n';

function project(files: Record<string, string>): string {
  const root = repo({ 'package.json': '{ "name": "app", "private": true, "scripts": { "start": "node src/a.js" } }\n', 'src/a.js': source, ...files });
  symlinkSync(nodeModules, join(root, 'node_modules'));
  return root;
}

describe("new support files in the project's prettier style", () => {
  it('formats the generated logger with the project config; the edited source keeps its own text', () => {
    const root = project({ '.prettierrc': '{ "semi": false, "singleQuote": false }\n' });
    const run = harden(['apply', '-t', 'console-to-logger', '--no-install', '.'], root);
    expect(run.status, run.stderr).toBe(0);
    const logger = readFileSync(join(root, 'src/lib/logger.js'), 'utf8');
    expect(logger).toContain('const { pino } = require("pino")\n');
    expect(logger).not.toMatch(/;\n/);
    // the source: only the edited lines changed, in the file's own quotes and semicolon style
    expect(readFileSync(join(root, 'src/a.js'), 'utf8')).toBe(
      'const { logger } = require("./lib/logger")\ntry { load() } catch (err) {\n  logger.error({ err }, "load failed")\n}\n',
    );
  });

  it('leaves the template as written without a prettier config, or when .prettierignore names the file', () => {
    const plain = project({});
    expect(harden(['apply', '-t', 'console-to-logger', '--no-install', '.'], plain).status).toBe(0);
    expect(readFileSync(join(plain, 'src/lib/logger.js'), 'utf8')).toBe(loggerTemplate('pino', 'cjs'));

    const ignored = project({ '.prettierrc': '{ "semi": false }\n', '.prettierignore': 'src/lib/\n' });
    expect(harden(['apply', '-t', 'console-to-logger', '--no-install', '.'], ignored).status).toBe(0);
    expect(readFileSync(join(ignored, 'src/lib/logger.js'), 'utf8')).toBe(loggerTemplate('pino', 'cjs'));
  });
});

describe("inserted statements in the project's prettier style", () => {
  // a config unlike harden's defaults and unlike the file below
  const config = { semi: false, singleQuote: true, tabWidth: 4, trailingComma: 'all' as const };
  const format = async (text: string) => (await import('prettier')).format(text, { ...config, filepath: '/p/src/app.js' });

  it('formats a statement on new lines standalone and indents it to its place; every other line keeps its bytes', async () => {
    const before = 'const express = require("express");\n\nfunction setup(app) {\n  app.use(cors( ));\n  app.use(limiter);\n}\n';
    const after =
      'const express = require("express");\nconst { redisStore } = require("./lib/rate-limit-store");\n\nfunction setup(app) {\n  app.use(cors( ));\n' +
      '  const limiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 100, store: redisStore("rl:app:limiter:"), passOnStoreError: true });\n' +
      '  app.use(limiter);\n}\n';
    expect(await formatInserted('src/app.js', before, after, format)).toBe(
      "const express = require(\"express\");\nconst { redisStore } = require('./lib/rate-limit-store')\n\nfunction setup(app) {\n  app.use(cors( ));\n" +
        "  const limiter = rateLimit({\n      windowMs: 15 * 60 * 1000,\n      limit: 100,\n      store: redisStore('rl:app:limiter:'),\n      passOnStoreError: true,\n  })\n" +
        '  app.use(limiter);\n}\n',
    );
  });

  it('leaves edited lines (the user code in them), statements that share a line, and multi-line templates as written', async () => {
    const before = 'try { load() } catch (err) {\n  console.error("load failed", err);\n}\nrun();\n';
    const after = 'try { load() } catch (err) {\n  logger.error({ err }, "load failed");\n}\nrun(); const x = require("x");\nconst t = `a\n  b`;\n';
    expect(await formatInserted('src/app.js', before, after, format)).toBe(after);
  });

  it('keeps CRLF line ends and a BOM', async () => {
    const before = '\uFEFFconst a = require("a");\r\n\r\nrun(a);\r\n';
    const after = '\uFEFFconst a = require("a");\r\nconst b = require("b");\r\n\r\nrun(a);\r\n';
    expect(await formatInserted('src/app.js', before, after, format)).toBe('\uFEFFconst a = require("a");\r\nconst b = require(\'b\')\r\n\r\nrun(a);\r\n');
  });
});
