/**
 * End to end on the MediaNest sample app: split its IntegrationService through the engine,
 * write the result, then `tsc --noEmit` and the app's own behaviour tests (stubbed HTTP) must
 * pass on the split code, and a second run must change nothing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../transforms/index.js';
import { importCycles } from '../support/import-cycles.js';
import { readTree, runProject } from '../support/project-cases.js';

const repo = join(import.meta.dirname, '..', '..');
const transform = registry.get('split-god-service')!;
const root = realpathSync(mkdtempSync(join(tmpdir(), 'harden-medianest-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sh(command: string[], cwd: string): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(process.execPath, command, { cwd, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('split-god-service on fixtures/apps/medianest', () => {
  cpSync(join(repo, 'fixtures', 'apps', 'medianest'), root, { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');

  it('splits IntegrationService into three parts, a shared object and a facade', () => {
    const changeset = runProject(transform, root, {}, 'e2e');
    expect(changeset.errors).toEqual([]);
    expect(changeset.changes.map((c) => c.path)).toEqual([
      'src/services/integration.service.ts',
      'src/services/integration/integration-shared.ts',
      'src/services/integration/overseerr-integration.service.ts',
      'src/services/integration/plex-integration.service.ts',
      'src/services/integration/uptime-kuma-integration.service.ts',
    ]);
    const site = changeset.outcomes.flatMap((o) => o.sites).find((s) => s.kind === 'changed')!;
    expect(site.message).toMatch(/^split IntegrationService \[299 lines, 29 methods, LCOM4 1\] into PlexIntegrationService/);
    for (const change of changeset.changes) {
      mkdirSync(dirname(join(root, change.path)), { recursive: true });
      writeFileSync(join(root, change.path), change.after);
    }
    expect(existsSync(join(root, 'src/services/integration/plex-integration.service.ts'))).toBe(true);
  });

  it('leaves no import cycle: parts import the shared module, never the facade', () => {
    const tree = readTree(join(root, 'src'));
    expect(importCycles(tree)).toEqual([]);
    const parts = [...tree].filter(([path]) => path.startsWith('services/integration/'));
    for (const [path, text] of parts) expect(text, path).not.toMatch(/from '\.\.\/integration\.service'/);
  });

  it('type-checks with the app tsconfig (strict, noUnusedLocals)', () => {
    const result = sh([join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json'], root);
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it("passes the app's own behaviour tests", () => {
    const result = sh([join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', root], root);
    expect(result.output).toMatch(/Tests\s+9 passed/);
    expect(result.ok, result.output).toBe(true);
  });

  it('changes nothing on a second run', () => {
    const second = runProject(transform, root, {}, 'e2e');
    expect(second.errors).toEqual([]);
    expect(second.changes).toEqual([]);
    const sites = second.outcomes.flatMap((o) => o.sites);
    expect(sites.map((s) => [s.file, s.kind, s.reason])).toEqual([['src/services/integration.service.ts', 'skipped', 'too-few-groups']]);
  });
});
