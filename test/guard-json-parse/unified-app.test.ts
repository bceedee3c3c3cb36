/**
 * The seed app of review 003 (fixtures/apps/unified) after `harden apply --preset express-safety`:
 * its WebSocketServerService, run on a real `ws` WebSocketServer, survives a malformed frame.
 *
 * Before harden, `handleMessage` (async, called by the 'message' listener without await) rejects
 * on `{not json`, and Node stops the process on the unhandled rejection. After harden the frame
 * is dropped: the client's connection stays open and its next `ping` gets `pong`, while another
 * client is served at the same time. The run's sites must meet the app's expectation for
 * guard-json-parse in test/apps/expected.ts (the matrix runs the app's own preset, node-basics).
 *
 * The app's TypeScript is transpiled (TypeScript's transpileModule, CommonJS) into the copy; the
 * app's `src/ws/socket.ts` stand-in is not used: the service gets ws's own server.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED } from '../apps/expected.js';
import { appRepo, misses, parseReport } from '../apps/support.js';
import { harden } from '../support/cli.js';
import { startServer } from '../support/server-process.js';
import { connect } from './servers.js';

const RUN = `const { WebSocketServer } = require('ws');
const { WebSocketServerService } = require('./src/services/websocket-server');
const { createInMemoryClient } = require('./src/db/client');

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
new WebSocketServerService(wss, createInMemoryClient(), { enqueue() {} });
wss.on('listening', () => process.stdout.write('PORT ' + wss.address().port + '\\n'));
`;

/** Transpiles the app's src/ into `<root>/out/src` and writes the runner; returns the runner's folder. */
function build(root: string): string {
  const out = join(root, 'out');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        });
        const target = join(out, relative(root, path)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, outputText);
      }
    }
  };
  walk(join(root, 'src'));
  writeFileSync(join(out, 'run.js'), RUN);
  return out;
}

const isConnected = (frame: any) => frame.type === 'connected';

describe('fixtures/apps/unified (review 003) and a malformed WebSocket frame', () => {
  let hardened = '';
  let stderr = '';
  let root = '';

  beforeAll(() => {
    ({ root } = appRepo('unified'));
    const result = harden(['apply', '--preset', 'express-safety', '--verbose', '--no-install', '.'], root);
    expect(result.status, result.stderr).toBe(0);
    stderr = result.stderr;
    hardened = build(root);
  });

  it('guard-json-parse changes what the app expectation says, and nothing else', () => {
    const failures = misses('guard-json-parse', EXPECTED.unified!.transforms['guard-json-parse']!, parseReport(stderr).sites);
    expect(failures.join('\n'), stderr).toBe('');
  });

  it('type-checks the guarded handleMessage (strict, the app\'s tsconfig)', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram([join(root, 'src', 'services', 'websocket-server.ts')], { ...config.options, noEmit: true });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(errors).toEqual([]);
    expect(readFileSync(join(root, 'src', 'services', 'websocket-server.ts'), 'utf8')).toContain('    let message: WebSocketMessage;\n    try {\n');
  });

  it('stops before harden', { timeout: 20_000 }, async () => {
    const server = await startServer('run.js', build(appRepo('unified').root));
    const client = await connect(server.port);
    await client.frame(isConnected);
    client.send('{not json');
    expect(await server.exited(3000)).not.toBe('running');
    expect(server.stderr()).toMatch(/SyntaxError/);
  });

  it('drops the frame and keeps serving both clients after harden', { timeout: 20_000 }, async () => {
    const server = await startServer('run.js', hardened);
    const [a, b] = await Promise.all([connect(server.port), connect(server.port)]);
    await Promise.all([a.frame(isConnected), b.frame(isConnected)]);
    a.send('{not json');
    b.send(JSON.stringify({ type: 'ping' }));
    a.send(JSON.stringify({ type: 'ping' }));
    b.send('\u0000\u0001');
    b.send(JSON.stringify({ type: 'join_session', sessionId: 's1' }));
    await Promise.all([a.frame((f) => f.type === 'pong'), b.frame((f) => f.type === 'pong')]);
    // the session join is refused for an unauthenticated client, as before harden
    expect(await b.frame((f) => f.type === 'error')).toEqual({ type: 'error', error: 'Not authenticated' });
    expect(a.received.map((f: any) => f.type)).toEqual(['connected', 'pong']);
    expect(await a.closed(200)).toBe('open');
    expect(await server.exited(200)).toBe('running');
    expect(server.stderr()).toBe('');
  });
});
