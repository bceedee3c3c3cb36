/**
 * The generated `requireSecret` at start-up, in real Node processes: a config module with
 * `process.env.JWT_SECRET || 'dev-secret'` goes through secret-fallbacks (generated module written
 * next to it), then the server entry that loads it runs with and without NODE_ENV=production. In
 * production without the secret (or with it empty) the process must stop before it starts serving,
 * with a message naming the variable; elsewhere it keeps the development default; a set secret wins
 * everywhere. The TypeScript flavour type-checks strictly (NodeNext, noPropertyAccessFromIndexSignature).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import secretFallbacks from '../../transforms/secret-fallbacks/index.js';
import type { AnyTransform } from '../../src/transform.js';
import { tempProject, type TempProject } from '../console-to-logger/project.js';

const projects: TempProject[] = [];
afterAll(() => projects.forEach((project) => project.remove()));

const flavours = {
  commonjs: {
    type: 'commonjs',
    ext: 'js',
    config: "module.exports = {\n  port: process.env.PORT || '3000',\n  jwtSecret: process.env.JWT_SECRET || 'dev-secret',\n};\n",
    server: "const config = require('./config');\nprocess.stdout.write(`started with ${config.jwtSecret}\\n`);\n",
  },
  '.cjs in an ES module package': {
    type: 'module',
    ext: 'cjs',
    config: "module.exports = {\n  jwtSecret: process.env.JWT_SECRET || 'dev-secret',\n};\n",
    server: "const config = require('./config.cjs');\nprocess.stdout.write(`started with ${config.jwtSecret}\\n`);\n",
  },
  'ES module': {
    type: 'module',
    ext: 'js',
    config: "export const config = {\n  port: process.env.PORT || '3000',\n  jwtSecret: process.env['JWT_SECRET'] ?? 'dev-secret',\n};\n",
    server: "import { config } from './config.js';\nprocess.stdout.write(`started with ${config.jwtSecret}\\n`);\n",
  },
} as const;

function start(dir: string, env: Record<string, string>, ext = 'js') {
  const base = { ...process.env };
  delete base.NODE_ENV; // vitest sets it to 'test'
  delete base.JWT_SECRET;
  return spawnSync(process.execPath, [`src/server.${ext}`], { cwd: dir, env: { ...base, ...env }, encoding: 'utf8' });
}

describe('requireSecret at start-up', () => {
  for (const [name, flavour] of Object.entries(flavours)) {
    describe(name, () => {
      const project = tempProject({
        'package.json': JSON.stringify({ name: 'app', private: true, type: flavour.type, scripts: { start: 'node src/server.js' } }),
        [`src/config.${flavour.ext}`]: flavour.config,
        [`src/server.${flavour.ext}`]: flavour.server,
      });
      projects.push(project);
      const results = project.transform(secretFallbacks as AnyTransform);

      it('rewrites the fallback and writes the module', () => {
        expect(results.get(`src/config.${flavour.ext}`)?.status).toBe('changed');
        expect(project.read(`src/config.${flavour.ext}`)).toContain("requireSecret('JWT_SECRET', 'dev-secret')");
        expect(project.read(`src/lib/require-secret.${flavour.ext}`)).toContain('function requireSecret(name, devDefault)');
      });

      it('outside production: the development default, as before', () => {
        for (const env of [{}, { NODE_ENV: 'development' }, { NODE_ENV: 'test', JWT_SECRET: '' }] as Array<Record<string, string>>) {
          const run = start(project.dir, env, flavour.ext);
          expect(run.stderr).toBe('');
          expect(run.status).toBe(0);
          expect(run.stdout).toBe('started with dev-secret\n');
        }
      });

      it('in production without the secret (unset or empty): stops at start-up, naming the variable', () => {
        for (const env of [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', JWT_SECRET: '' }] as Array<Record<string, string>>) {
          const run = start(project.dir, env, flavour.ext);
          expect(run.status).not.toBe(0);
          expect(run.stdout).toBe(''); // the server never started
          expect(run.stderr).toContain('Environment variable JWT_SECRET is not set. It is required in production');
        }
      });

      it('a set secret wins in every environment', () => {
        for (const env of [{ NODE_ENV: 'production', JWT_SECRET: 's3cret' }, { JWT_SECRET: 's3cret' }] as Array<Record<string, string>>) {
          const run = start(project.dir, env, flavour.ext);
          expect(run.status).toBe(0);
          expect(run.stdout).toBe('started with s3cret\n');
        }
      });
    });
  }
});

describe('the TypeScript flavour', () => {
  it('type-checks strictly with the rewritten call sites (NodeNext, noPropertyAccessFromIndexSignature)', () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'app', private: true, type: 'module' }),
      'src/config.ts': "const { SESSION_SECRET = 'dev-session' } = process.env;\nexport const config: { jwt: string; session: string } = {\n  jwt: process.env['JWT_SECRET'] || 'dev-secret',\n  session: SESSION_SECRET,\n};\n",
    });
    projects.push(project);
    project.transform(secretFallbacks as AnyTransform);
    expect(project.read('src/config.ts')).toContain("import { requireSecret } from './lib/require-secret.js';");
    const program = ts.createProgram([join(project.dir, 'src/config.ts')], {
      strict: true,
      noEmit: true,
      noPropertyAccessFromIndexSignature: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      typeRoots: [join(project.dir, 'node_modules', '@types')],
      skipLibCheck: true,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
    expect(program.getSourceFiles().some((file) => file.fileName.endsWith('src/lib/require-secret.ts'))).toBe(true);
  });
});
