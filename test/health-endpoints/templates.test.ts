/**
 * The generated health module's JavaScript flavours (CommonJS and ES module) behave as the
 * TypeScript one the runtime tests run: /readyz answers 503 naming the checks that throw, reject
 * or give no answer within READINESS_TIMEOUT_MS, 200 when all pass; /healthz answers 200; both
 * answers say `Cache-Control: no-store`. Each flavour is loaded fresh from a temporary copy.
 */
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';

const templates = join(import.meta.dirname, '..', '..', 'transforms', 'health-endpoints', 'templates');

interface Health {
  checkReadiness(name: string, check: () => unknown): void;
  pingMongoose(connection: unknown): Promise<void>;
  healthz(req: unknown, res: unknown): void;
  readyz(req: unknown, res: unknown): void;
}

async function load(flavour: 'cjs' | 'esm'): Promise<Health> {
  const dir = tree({ 'package.json': '{}' });
  if (flavour === 'cjs') {
    cpSync(join(templates, 'health.cjs.js'), join(dir, 'health.cjs'));
    return createRequire(join(dir, 'x.cjs'))('./health.cjs') as Health;
  }
  cpSync(join(templates, 'health.esm.js'), join(dir, 'health.mjs'));
  return (await import(pathToFileURL(join(dir, 'health.mjs')).href)) as Health;
}

/** Calls a handler with a response that records what it was told. */
function answer(handler: (req: unknown, res: unknown) => void): Promise<{ status: number; body: unknown; headers: Record<string, string>; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    let status = 0;
    const res = {
      setHeader: (name: string, value: string) => void (headers[name] = value),
      status(code: number) {
        status = code;
        return res;
      },
      json: (body: unknown) => resolve({ status, body, headers, ms: Date.now() - started }),
    };
    handler({}, res);
  });
}

const saved = process.env.READINESS_TIMEOUT_MS;
afterEach(() => {
  if (saved === undefined) delete process.env.READINESS_TIMEOUT_MS;
  else process.env.READINESS_TIMEOUT_MS = saved;
});

describe.each(['cjs', 'esm'] as const)('the %s health module', (flavour) => {
  it('answers /healthz 200 and /readyz 200 while every check passes', async () => {
    const health = await load(flavour);
    health.checkReadiness('redis', async () => 'PONG');
    health.checkReadiness('mongoose', () => health.pingMongoose({ readyState: 1, db: { admin: () => ({ ping: async () => ({ ok: 1 }) }) } }));
    expect(await answer(health.healthz)).toMatchObject({ status: 200, body: { status: 'ok' }, headers: { 'Cache-Control': 'no-store' } });
    expect(await answer(health.readyz)).toMatchObject({ status: 200, body: { status: 'ok' }, headers: { 'Cache-Control': 'no-store' } });
  });

  it('answers /readyz 503 naming a check that throws, one that rejects and one that hangs, within the timeout', async () => {
    process.env.READINESS_TIMEOUT_MS = '200';
    const health = await load(flavour);
    health.checkReadiness('fine', () => undefined);
    health.checkReadiness('throws', () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:6379');
    });
    health.checkReadiness('rejects', () => health.pingMongoose({ readyState: 0 }));
    health.checkReadiness('hangs', () => new Promise(() => {}));
    const [first, second] = await Promise.all([answer(health.readyz), answer(health.readyz)]);
    for (const got of [first!, second!]) {
      expect(got).toMatchObject({ status: 503, body: { status: 'unavailable', failing: ['throws', 'rejects', 'hangs'] } });
      expect(got.ms).toBeLessThan(1000);
    }
    expect(JSON.stringify(first!.body)).not.toContain('10.0.0.5');
  });
});
