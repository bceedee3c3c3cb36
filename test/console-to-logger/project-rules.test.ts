/**
 * Rules that depend on where a file sits, which fixture cases (always at src/<case>.<ext>) cannot
 * show: scripts, bin/ and front-end folders are refused; in a monorepo the logger module and the
 * dependency go to the workspace package that owns the file, not the root.
 */
import { afterAll, describe, expect, it } from 'vitest';
import consoleToLogger from '../../transforms/console-to-logger/index.js';
import type { AnyTransform } from '../../src/transform.js';
import { tempProject, type TempProject } from './project.js';

const projects: TempProject[] = [];
afterAll(() => projects.forEach((project) => project.remove()));
const call = "function f(err) {\n  console.error('Failed:', err);\n}\nmodule.exports = { f };\n";

describe('console-to-logger: where the file sits', () => {
  it('refuses scripts, bin/, cli files, public/, client/ and test folders, converts src/', () => {
    const project = tempProject({
      'package.json': '{ "name": "app" }',
      'scripts/seed.js': call,
      'bin/app.js': call,
      'src/cli.js': call,
      'public/widget.js': call,
      'client/api.js': call,
      'test/helpers.js': call,
      'src/service.js': call,
    });
    projects.push(project);
    const results = project.transform(consoleToLogger as AnyTransform);
    const reasonOf = (path: string) => results.get(path)?.status !== 'changed' && (results.get(path) as any).sites[0]?.reason;
    // the engine's file roles (src/engine/roles.ts) decide, with the role as the detail
    const detailOf = (path: string) => (results.get(path) as any).sites[0]?.detail;
    for (const path of ['scripts/seed.js', 'bin/app.js', 'src/cli.js', 'public/widget.js', 'client/api.js', 'test/helpers.js']) {
      expect(reasonOf(path)).toBe('file-role');
    }
    expect(detailOf('scripts/seed.js')).toBe('script file');
    expect(detailOf('src/cli.js')).toBe('script file');
    expect(detailOf('public/widget.js')).toBe('front-end file');
    expect(detailOf('test/helpers.js')).toBe('test file');
    expect(results.get('src/service.js')?.status).toBe('changed');
    expect(project.read('src/service.js')).toContain("logger.error({ err }, 'Failed');");
  });

  it('puts the logger module and the dependency in the owning workspace package', () => {
    const project = tempProject({
      'package.json': '{ "name": "root", "private": true, "workspaces": ["packages/*"] }',
      'packages/api/package.json': '{ "name": "api", "type": "module" }',
      'packages/api/src/routes.js': "export function f(err) {\n  console.error('Failed:', err);\n}\n",
    });
    projects.push(project);
    const result = project.transform(consoleToLogger as AnyTransform).get('packages/api/src/routes.js');
    expect(result?.status).toBe('changed');
    if (result?.status !== 'changed') return;
    const requests = result.requests.map((r) => (r.kind === 'file' ? `file ${r.path}` : `dependency ${r.name}@${r.range} in '${r.packageDir}'`));
    expect(requests).toEqual(['file packages/api/src/lib/logger.js', "dependency pino@^10.4.0 in 'packages/api'"]);
    expect(project.read('packages/api/src/routes.js')).toContain("import { logger } from './lib/logger.js';");
    expect(project.read('packages/api/src/lib/logger.js')).toContain("import { pino } from 'pino';");
  });

  it('never adopts a logger generated in a workspace package for the root package (a second run changes nothing)', () => {
    const project = tempProject({
      'package.json': '{ "name": "root", "private": true, "workspaces": ["packages/*"], "scripts": { "start": "node server.js" } }',
      'server.js': "function boot(err) {\n  console.error('boot failed', err);\n}\nmodule.exports = { boot };\n",
      'packages/api/package.json': '{ "name": "api" }',
      // what a first run generated in the workspace package
      'packages/api/src/lib/logger.js': "const { pino } = require('pino');\nconst logger = pino();\nmodule.exports = { logger };\n",
    });
    projects.push(project);
    const result = project.transform(consoleToLogger as AnyTransform).get('server.js');
    expect(result?.status).toBe('changed');
    if (result?.status !== 'changed') return;
    // the root gets its own logger module and dependency, not a require into packages/api
    expect(project.read('server.js')).not.toContain('packages/api');
    expect(result.requests.map((r) => (r.kind === 'file' ? r.path : `${r.name} in '${r.packageDir}'`))).toEqual(['lib/logger.js', "pino in ''"]);
  });
});
