/**
 * express-async-errors on a real Express 4 (issue 20): an app whose async handler rejects. Before
 * harden the request hangs (the client gives up after a short timeout) and the process sees an
 * unhandled rejection; after `harden apply` the error middleware answers 500, with the handler's
 * error, also for two requests at once (one failing, one succeeding), and nothing is unhandled.
 *
 * Express 4 is the devDependency alias `express4` (`npm:express@4`); the repository's own `express`
 * is 5, which already forwards rejections. `HARDEN_EXPRESS4_DIR` may point at another Express 4
 * package folder.
 */
import { existsSync, readFileSync, symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harden, repo } from '../support/cli.js';
import { startServer, stopServers } from '../support/server-process.js';

const root = join(import.meta.dirname, '..', '..');
const express4 = process.env.HARDEN_EXPRESS4_DIR ?? join(root, 'node_modules', 'express4');

const APP = `const express = require('express');

const app = express();

app.get('/orders/:id', async (req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  if (req.params.id === 'broken') throw new Error('database down');
  res.json({ id: req.params.id });
});

app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message });
});

module.exports = app;
`;

const SERVER = `const app = require('./app');

process.on('unhandledRejection', (error) => {
  process.stderr.write('UNHANDLED ' + (error && error.message) + '\\n');
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write('PORT ' + server.address().port + '\\n');
});
`;

/** GET with a short client timeout: the status and body, or 'timeout'. */
async function get(port: number, path: string): Promise<{ status: number; body: unknown } | 'timeout'> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(800) });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return 'timeout';
    throw error;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('express-async-errors on Express 4', () => {
  it('a rejected handler hangs before harden and answers 500 through the error middleware after', async () => {
    expect(existsSync(join(express4, 'package.json')), `Express 4 at ${express4} (npm ci installs the express4 alias)`).toBe(true);
    expect(JSON.parse(readFileSync(join(express4, 'package.json'), 'utf8')).version).toMatch(/^4\./);
    const dir = repo({
      'package.json': JSON.stringify({ name: 'orders', private: true, dependencies: { express: '^4.21.2' } }, null, 2),
      'src/app.js': APP,
      'src/server.js': SERVER,
      '.gitignore': 'node_modules\n',
    });
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(express4, join(dir, 'node_modules', 'express'), 'dir');

    // before: the client times out and the process reports an unhandled rejection
    const before = await startServer('src/server.js', dir);
    expect(await get(before.port, '/orders/7')).toEqual({ status: 200, body: { id: '7' } });
    expect(await get(before.port, '/orders/broken')).toBe('timeout');
    await settle();
    expect(before.stderr()).toContain('UNHANDLED database down');
    stopServers();

    const run = harden(['apply', '--preset', 'express-safety', '.'], dir);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const app = readFileSync(join(dir, 'src/app.js'), 'utf8');
    expect(app).toContain("const { asyncHandler } = require('./lib/async-handler');");
    expect(app).toContain("app.get('/orders/:id', asyncHandler(async (req, res) => {");
    expect(existsSync(join(dir, 'src/lib/async-handler.js'))).toBe(true);

    // after: the error middleware answers, also with a failing and a succeeding request at once
    const after = await startServer('src/server.js', dir);
    expect(await get(after.port, '/orders/broken')).toEqual({ status: 500, body: { error: 'database down' } });
    const [failing, succeeding, failingAgain] = await Promise.all([
      get(after.port, '/orders/broken'),
      get(after.port, '/orders/8'),
      get(after.port, '/orders/broken'),
    ]);
    expect(failing).toEqual({ status: 500, body: { error: 'database down' } });
    expect(succeeding).toEqual({ status: 200, body: { id: '8' } });
    expect(failingAgain).toEqual({ status: 500, body: { error: 'database down' } });
    await settle();
    expect(after.stderr()).not.toContain('UNHANDLED');

    // a second run changes nothing
    const again = harden(['check', '--preset', 'express-safety', '.'], dir);
    expect(again.status, again.stdout + again.stderr).toBe(0);
  });
});
