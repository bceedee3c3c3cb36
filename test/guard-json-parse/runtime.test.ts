/**
 * guard-json-parse against a real `ws` server (issue 20): a chat-style server whose 'message'
 * listener parses every frame. Before harden, one frame `{not json` from any client stops the
 * process (an uncaught SyntaxError thrown inside ws's event emitter); after `harden apply --preset
 * express-safety` the client gets an error frame, the connection stays open, and the server
 * answers the next valid frame — also with two clients sending at once.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harden, repo } from '../support/cli.js';
import { startServer } from '../support/server-process.js';
import { connect } from './servers.js';

const root = join(import.meta.dirname, '..', '..');

const SERVER = `const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });

wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === 'ping') {
      ws.send(JSON.stringify({ type: 'pong', id: message.id }));
    }
  });
});

wss.on('listening', () => {
  process.stdout.write('PORT ' + wss.address().port + '\\n');
});
`;

function app(): string {
  const dir = repo({
    'package.json': JSON.stringify({ name: 'chat', private: true, dependencies: { ws: '^8.18.0' } }, null, 2),
    'src/server.js': SERVER,
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('a ws server that parses every frame', () => {
  it('stops at the first malformed frame before harden', async () => {
    const dir = app();
    const server = await startServer('src/server.js', dir);
    const client = await connect(server.port);
    client.send('{not json');
    expect(await server.exited(3000)).not.toBe('running');
    expect(server.stderr()).toMatch(/SyntaxError/);
  });

  it('answers an error frame and keeps serving after harden apply --preset express-safety', { timeout: 20_000 }, async () => {
    const dir = app();
    const result = harden(['apply', '--preset', 'express-safety', '--verbose', '--no-install', '.'], dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('changed src/server.js:7:');

    const server = await startServer('src/server.js', dir);
    const client = await connect(server.port);
    client.send('{not json');
    expect(await client.frame((f) => 'error' in f)).toEqual({ error: 'invalid JSON' });
    client.send(JSON.stringify({ type: 'ping', id: 1 }));
    expect(await client.frame((f) => f.type === 'pong')).toEqual({ type: 'pong', id: 1 });
    expect(await client.closed(200)).toBe('open');
    expect(server.exitCode()).toBeNull();
  });

  it('serves two clients sending malformed and valid frames at once', { timeout: 20_000 }, async () => {
    const dir = app();
    expect(harden(['apply', '--preset', 'express-safety', '--no-install', '.'], dir).status).toBe(0);
    const server = await startServer('src/server.js', dir);
    const [a, b] = await Promise.all([connect(server.port), connect(server.port)]);
    a.send('{not json');
    b.send(JSON.stringify({ type: 'ping', id: 'b1' }));
    b.send('[1, 2');
    a.send(JSON.stringify({ type: 'ping', id: 'a1' }));
    const frames = await Promise.all([
      a.frame((f) => 'error' in f),
      a.frame((f) => f.id === 'a1'),
      b.frame((f) => f.id === 'b1'),
      b.frame((f) => 'error' in f),
    ]);
    expect(frames).toEqual([{ error: 'invalid JSON' }, { type: 'pong', id: 'a1' }, { type: 'pong', id: 'b1' }, { error: 'invalid JSON' }]);
    // each client got only its own answers
    expect(a.received).toHaveLength(2);
    expect(b.received).toHaveLength(2);
    expect(await server.exited(200)).toBe('running');
  });
});
