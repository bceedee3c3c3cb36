/**
 * request-context-logging on a real process (issue 21): an Express app with the project's pino
 * logger and a slow route that logs before and after waiting. After `harden apply`, every line a
 * request causes carries the same request id, an incoming `X-Request-Id` is kept and echoed in the
 * response, a request without one gets a UUID, the Authorization header and the cookies are
 * written as `[Redacted]`, and the lines of two concurrent requests are not mixed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { harden, repoWithModules } from '../support/cli.js';

const LOGGER = `const pino = require('pino');

module.exports = pino({ level: 'debug' });
`;

const APP = `const express = require('express');
const logger = require('./lib/logger');

const app = express();

app.get('/work/:name', async (req, res) => {
  logger.info({ name: req.params.name }, 'start');
  await new Promise((resolve) => setTimeout(resolve, 150));
  logger.debug({ name: req.params.name }, 'end');
  res.json({ name: req.params.name });
});

module.exports = app;
`;

const SERVER = `const app = require('./app');

const server = app.listen(0, '127.0.0.1', () => {
  process.stderr.write('PORT ' + server.address().port + '\\n');
});
`;

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function startApp(dir: string): Promise<{ port: number; stdout: () => string }> {
  const child = spawn(process.execPath, ['src/server.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /PORT (\d+)/.exec(stderr);
      if (match) resolve({ port: Number(match[1]), stdout: () => stdout });
    });
    child.on('exit', (code) => reject(new Error(`app exited (${code}): ${stderr}`)));
  });
}

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; id: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, id: res.headers['x-request-id'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request-context-logging on a real server', () => {
  it('gives each request one id on all its lines, keeps and echoes X-Request-Id, redacts credentials, keeps concurrent requests apart', async () => {
    const dir = repoWithModules({
      'package.json': JSON.stringify({ name: 'work', private: true, dependencies: { express: '^4.21.2', pino: '^10.4.0' } }, null, 2),
      'src/lib/logger.js': LOGGER,
      'src/app.js': APP,
      'src/server.js': SERVER,
      '.gitignore': 'node_modules\n',
    });

    const run = harden(['apply', '--transform', 'request-context-logging', '--no-install', '.'], dir);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(existsSync(join(dir, 'src/lib/request-logger.js'))).toBe(true);
    expect(readFileSync(join(dir, 'src/app.js'), 'utf8')).toContain('req.log.info(');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies['pino-http']).toBe('^11.0.0');

    const app = await startApp(dir);
    const secret = 'Bearer s3cr3t-token';
    const [a, b] = await Promise.all([
      get(app.port, '/work/a', { 'X-Request-Id': 'client-chosen-42', Authorization: secret, Cookie: 'sid=cookie-value' }),
      (async () => {
        await sleep(30);
        return get(app.port, '/work/b', { 'X-Request-Id': 'not a token\tinjected', Cookie: 'sid=other-cookie' });
      })(),
    ]);
    expect(a).toEqual({ status: 200, id: 'client-chosen-42' });
    expect(b.status).toBe(200);
    expect(b.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    await sleep(300);
    const lines = app
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const of = (id: string) => lines.filter((line) => line.reqId === id);
    for (const [id, name] of [[a.id!, 'a'], [b.id!, 'b']] as const) {
      const mine = of(id);
      // the handler's two lines and pino-http's record of the response
      expect(mine.map((line) => line.msg).sort()).toEqual(['end', 'request completed', 'start']);
      expect(mine.filter((line) => line.name !== undefined).every((line) => line.name === name)).toBe(true);
      const completed = mine.find((line) => line.msg === 'request completed');
      expect(completed.req.id).toBe(id);
      expect(completed.req.headers.cookie).toBe('[Redacted]');
      expect(completed.res.headers['x-request-id']).toBe(id);
    }
    expect(of(a.id!).find((line) => line.msg === 'request completed').req.headers.authorization).toBe('[Redacted]');
    // every line of the app is one request's: none without an id, none of the other's
    expect(lines.every((line) => line.reqId === a.id || line.reqId === b.id)).toBe(true);
    expect(app.stdout()).not.toContain('s3cr3t');
    expect(app.stdout()).not.toContain('cookie-value');
    // the start lines interleave: the requests ran at once
    const order = lines.map((line) => `${line.name ?? ''}${line.msg}`);
    expect(order.indexOf('bstart')).toBeLessThan(order.indexOf('aend'));
  }, 30000);
});
