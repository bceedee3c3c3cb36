/**
 * The check harden adds, run by real node on a small server after `harden apply --transform
 * env-schema`: with a valid environment the server behaves exactly as before (same output, no
 * warning); a missing or malformed variable is a warning naming it (never its value) and the server
 * still starts; with `strict` it stops before anything else runs, with a clear message; a `.env`
 * loaded by the entry (process.loadEnvFile, as dotenv) is seen by the check; in an ES module the
 * check is the first import, so it warns before any other module of the entry runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harden, repo } from '../support/cli.js';

const CONFIG = `module.exports = {
  port: Number(process.env.PORT) || 0,
  debug: process.env.DEBUG === 'true',
  secret: process.env.SESSION_SECRET,
};
`;

// starts, prints what it read, and closes: the behaviour the check must not change
const SERVER = `'use strict';

if (require('fs').existsSync(__dirname + '/../.env')) process.loadEnvFile(__dirname + '/../.env');
const http = require('http');
const config = require('./config');

const server = http.createServer((req, res) => res.end('ok'));
server.listen(config.port, () => {
  console.log(\`listening debug=\${config.debug} secret=\${config.secret ? 'set' : 'unset'} greeting=\${process.env.GREETING || 'hello'}\`);
  server.close();
});
`;

function project(options?: object) {
  const root = repo({
    'package.json': JSON.stringify({ name: 'svc', private: true }),
    'src/server.js': SERVER,
    'src/config.js': CONFIG,
    ...(options ? { 'harden.config.json': JSON.stringify({ options: { 'env-schema': options } }) } : {}),
  });
  return root;
}

const run = (root: string, env: Record<string, string>) => {
  const result = spawnSync(process.execPath, ['src/server.js'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

const VALID = { SESSION_SECRET: 'hunter2-very-secret', PORT: '0', DEBUG: 'false' };

describe('env-schema at run time', () => {
  const before = project();
  const baseline = {
    valid: run(before, VALID),
    missing: run(before, { PORT: '0' }),
    malformed: run(before, { ...VALID, DEBUG: 'hunter2-very-secret', PORT: 'not-a-port' }),
  };
  const after = project();
  const applied = harden(['apply', '--transform', 'env-schema'], after);

  it('adds the check to the entry and generates the module and .env.example', () => {
    expect(applied.status, applied.stderr).toBe(0);
    expect(readFileSync(join(after, 'src/server.js'), 'utf8')).toContain("process.loadEnvFile(__dirname + '/../.env');\nrequire('./config/env');\nconst http");
    const example = readFileSync(join(after, '.env.example'), 'utf8');
    expect(example).toContain('SESSION_SECRET=');
    expect(example).toContain('# PORT=0  (number)');
  });

  it('with a valid environment, behaves exactly as before', () => {
    const now = run(after, VALID);
    expect(now).toEqual(baseline.valid);
    expect(now.stderr).toBe('');
    expect(now.stdout).toContain('listening debug=false secret=set greeting=hello');
  });

  it('warns about a missing variable by name and starts as before', () => {
    const now = run(after, { PORT: '0' });
    expect(now.status).toBe(0);
    expect(now.stdout).toBe(baseline.missing.stdout);
    expect(now.stderr).toContain('SESSION_SECRET is not set');
  });

  it('warns about malformed values by name, never printing a value', () => {
    const now = run(after, { ...VALID, DEBUG: 'hunter2-very-secret', PORT: 'not-a-port' });
    // the program reads what it read before: Number('not-a-port') || 0 still listens on a free port
    expect(now.stdout).toBe(baseline.malformed.stdout);
    expect(now.stderr).toContain('PORT is not a number');
    expect(now.stderr).toContain('DEBUG is neither true nor false');
    expect(now.stderr).not.toContain('hunter2');
    expect(now.stderr).not.toContain('not-a-port');
  });

  it('sees the variables the entry loads from .env before the check', () => {
    writeFileSync(join(after, '.env'), 'SESSION_SECRET=from-dotenv-file\n');
    try {
      const now = run(after, { PORT: '0' });
      expect(now.stderr).toBe('');
      expect(now.stdout).toContain('secret=set');
    } finally {
      writeFileSync(join(after, '.env'), '');
    }
  });

  it('with strict, stops start-up with a clear message before the server runs', () => {
    const strict = project({ strict: true });
    expect(harden(['apply', '--transform', 'env-schema'], strict).status).toBe(0);
    const stopped = run(strict, { PORT: '0' });
    expect(stopped.status).toBe(1);
    expect(stopped.stdout).toBe('');
    expect(stopped.stderr).toContain('environment: SESSION_SECRET is not set');
    expect(stopped.stderr).toContain('not starting');
    expect(run(strict, VALID)).toEqual(baseline.valid);
  });

  it('a second run changes nothing', () => {
    const again = harden(['apply', '--transform', 'env-schema', '--check'], after);
    expect(again.status, again.stderr).toBe(0);
  });
});

describe('env-schema at run time, ES modules', () => {
  it('the check is the first import: it warns before any other module of the entry runs', () => {
    const root = repo({
      'package.json': JSON.stringify({ name: 'esm-svc', private: true, type: 'module' }),
      'src/config.js': "console.log('config loaded');\nexport const url = process.env.DATABASE_URL;\n",
      'src/server.js': "import { createServer } from 'node:http';\nimport { url } from './config.js';\n\nconst server = createServer();\nserver.listen(Number(process.env.PORT) || 0, () => {\n  console.log(`up ${url ? 'with' : 'without'} a database`);\n  server.close();\n});\n",
    });
    const before = run(root, { PORT: '0', DATABASE_URL: 'postgres://u:p@h/db' });
    expect(harden(['apply', '--transform', 'env-schema'], root).status).toBe(0);
    expect(readFileSync(join(root, 'src/server.js'), 'utf8').startsWith("import './config/env.js';\nimport { createServer }")).toBe(true);
    expect(run(root, { PORT: '0', DATABASE_URL: 'postgres://u:p@h/db' })).toEqual(before);
    const missing = spawnSync(process.execPath, ['src/server.js'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PORT: '0' }, timeout: 20_000 });
    expect(missing.stderr).toContain('DATABASE_URL is not set');
    expect(missing.stdout).toBe('config loaded\nup without a database\n');
    // stderr and stdout are separate streams: the order is checked through one
    const merged = spawnSync('sh', ['-c', `"${process.execPath}" src/server.js 2>&1`], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PORT: '0' }, timeout: 20_000 });
    expect(merged.stdout.indexOf('DATABASE_URL is not set')).toBeLessThan(merged.stdout.indexOf('config loaded'));
  });
});
