/**
 * The config file as a user writes it: found from the target upward (JSON, TypeScript, or a
 * `harden` key in package.json), named with --config, validated with errors that name the file,
 * the key and the expectation; presets, options, ignores, custom transforms and team presets.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { checkConfigOptions } from '../../src/cli/chain.js';
import { prepareRun } from '../../src/cli/setup.js';
import Ajv2020 from 'ajv/dist/2020.js';
import { configJsonSchema, configSchema, findConfig, loadConfig } from '../../src/config/config.js';
import { parseJsonc } from '../../src/ast/jsonc.js';
import { registry } from '../../transforms/index.js';
import { run } from '../../src/changeset/run.js';
import { tree } from '../support/tmp.js';

const io = (cwd: string) => ({ cwd, stdout: process.stdout, stderr: process.stderr, interrupted: () => false });
const duplicated = "import { a } from 'm';\nimport { b } from 'm';\nexport const c = a + b;\n";
const nodeModules = join(import.meta.dirname, '..', '..', 'node_modules');

/** A custom transform module as a team would write it (TypeScript, its own zod). */
const customTransform = `import { z } from 'zod';
import type { AnyTransform } from 'harden';

const transform = {
  id: 'team-log-errors',
  title: 'Route console.error through the team logger',
  description: 'Replaces console.error with log.error and adds the logger module.',
  skipReasons: { 'in-test': 'the call is in a test' },
  needs: ['console.error'],
  scope: 'file' as const,
  options: z.object({ module: z.string().default('src/lib/log.ts') }),
  apply({ j, root, sites, request, options }: any) {
    root.find(j.CallExpression, { callee: { object: { name: 'console' }, property: { name: 'error' } } }).forEach((path: any) => {
      if (!sites.changed(path.node, 'console.error -> log.error')) return;
      path.node.callee.object = j.identifier('log');
      request.file(options.module, 'export const log = console;\\n');
      request.dependency('pino', '^10.4.0');
    });
  },
};
export default transform;
`;

describe('finding the config', () => {
  it('takes the nearest config from the target upward, including package.json#harden', () => {
    const root = tree({
      'package.json': JSON.stringify({ name: 'app', harden: { presets: ['mongo-express'] } }),
      'packages/api/harden.config.json': JSON.stringify({ transforms: ['dedupe-imports'] }),
      'packages/api/src/a.ts': '',
      'packages/web/src/b.ts': '',
    });
    expect(findConfig(join(root, 'packages/api/src/a.ts'))).toBe(join(root, 'packages/api/harden.config.json'));
    expect(findConfig(join(root, 'packages/web/src'))).toBe(join(root, 'package.json'));
  });

  it('refuses two configs in one directory, naming both', () => {
    const root = tree({ 'harden.config.json': '{}', 'package.json': JSON.stringify({ harden: {} }) });
    expect(() => findConfig(root)).toThrow(/more than one harden config in .*: harden.config.json, package.json#harden/);
  });
});

describe('validation', () => {
  const failure = async (config: unknown, file = 'harden.config.json') => {
    const root = tree({ [file]: typeof config === 'string' ? config : JSON.stringify(config) });
    const error = await loadConfig(join(root, file)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return { message: (error as Error).message, root };
  };

  it('names the file, the key and what was expected', async () => {
    const { message, root } = await failure({ presets: 'mongo-express', ignore: [3] });
    expect(message).toContain(join(root, 'harden.config.json'));
    expect(message).toMatch(/presets: Invalid input: expected array, received string/);
    expect(message).toMatch(/ignore\[0\]: Invalid input: expected string, received number/);
  });

  it('rejects unknown keys and broken JSON', async () => {
    expect((await failure({ preset: 'x' })).message).toMatch(/Unrecognized key: "preset"/);
    expect((await failure('{ "presets": [')).message).toMatch(/harden.config.json: cannot read the config: .*JSON/);
  });

  it('reads harden.config.json as JSONC (comments, trailing commas); errors name the file, line and column, or the key', async () => {
    const root = tree({
      'harden.config.json': '{\n  // what CI runs\n  "presets": ["mongo-express",], /* the preset */\n  "ignore": ["legacy/"],\n}\n',
    });
    expect(await loadConfig(join(root, 'harden.config.json'))).toMatchObject({ presets: ['mongo-express'], ignore: ['legacy/'] });

    const syntax = await failure('{\n  // a comment\n  "presets": ["mongo-express"]\n  "ignore": []\n}\n');
    expect(syntax.message).toContain(`${join(syntax.root, 'harden.config.json')}: cannot read the config: line 4, column 3: `);
    const field = await failure('{\n  // a comment\n  "ignore": [3,],\n}\n');
    expect(field.message).toMatch(/harden.config.json: ignore\[0\]: Invalid input: expected string, received number/);
  });

  it('package.json#harden stays strict JSON, as npm reads it', async () => {
    const root = tree({ 'package.json': '{\n  // no\n  "harden": {}\n}\n' });
    await expect(loadConfig(join(root, 'package.json'))).rejects.toThrow(/package.json#harden: cannot read the config/);
  });

  it('checks per-transform options against the transform, and unknown transform ids', async () => {
    const bad = tree({ 'harden.config.json': JSON.stringify({ options: { 'dedupe-imports': { commonjs: 'yes' } } }) });
    await expect(prepareRun([], { transform: 'dedupe-imports' }, io(bad))).rejects.toThrow(
      /harden.config.json: options.dedupe-imports.commonjs: Invalid input: expected boolean, received string/,
    );
    const unknown = tree({ 'harden.config.json': JSON.stringify({ options: { 'no-such': {} } }) });
    await expect(prepareRun([], { transform: 'dedupe-imports' }, io(unknown))).rejects.toThrow(
      /harden.config.json: options.no-such: unknown transform "no-such"/,
    );
  });

  it('says which custom transform module is not a transform and why', async () => {
    const root = tree({
      'harden.config.json': JSON.stringify({ customTransforms: ['./bad.mjs'] }),
      'bad.mjs': 'export default { id: "Bad Id", title: "x", apply: 1 };\n',
    });
    await expect(prepareRun([], {}, io(root))).rejects.toThrow(
      /customTransforms\[0\] \(\.\/bad\.mjs\) default export: not a transform: id: a kebab-case id; .*apply: a function/,
    );
  });
});

describe('what the config supplies', () => {
  it('loads harden.config.ts and a TypeScript custom transform, and runs them (support file, dependency)', async () => {
    const root = tree({
      'package.json': `${JSON.stringify({ name: 'app', version: '1.0.0' }, null, 2)}\n`,
      'harden.config.ts': `import type { Config } from './types.js';
export default {
  transforms: ['dedupe-imports', 'team-log-errors'],
  customTransforms: ['./tools/log-errors.ts'],
  options: { 'team-log-errors': { module: 'src/logging/log.ts' } },
  ignore: ['legacy/'],
} satisfies Config;
`,
      'types.js': 'export {};\n',
      'tools/log-errors.ts': customTransform,
      'src/a.ts': `${duplicated}console.error('x');\n`,
      'legacy/b.ts': duplicated,
    });
    symlinkSync(nodeModules, join(root, 'node_modules'));
    const setup = await prepareRun([], {}, io(root));
    expect(setup.config?.file).toBe(join(root, 'harden.config.ts'));
    expect(setup.chain.map((t) => [t.definition.id, t.options])).toEqual([
      ['dedupe-imports', { commonjs: true }],
      ['team-log-errors', { module: 'src/logging/log.ts' }],
    ]);
    expect(setup.discovery.files).toEqual(['harden.config.ts', 'src/a.ts', 'tools/log-errors.ts', 'types.js']);
    const changeset = run(setup);
    expect(changeset.errors).toEqual([]);
    expect(changeset.changes.map((c) => c.path)).toEqual(['package.json', 'src/a.ts', 'src/logging/log.ts']);
    // the transpiled temp module is gone
    expect(readdirSync(join(root, 'tools'))).toEqual(['log-errors.ts']);
    expect(readdirSync(root).filter((name) => name.includes('.harden.mjs'))).toEqual([]);
  });

  it('the command line wins over the config; --config names another file; --no-config ignores it', async () => {
    const root = tree({
      'harden.config.json': JSON.stringify({ transforms: ['no-such-transform'] }),
      'ci/harden.json': JSON.stringify({ transforms: ['dedupe-imports'], options: { 'dedupe-imports': { commonjs: false } } }),
      'a.ts': duplicated,
    });
    const cli = await prepareRun([], { transform: 'dedupe-imports' }, io(root));
    expect(cli.chain.map((t) => t.definition.id)).toEqual(['dedupe-imports']);
    const named = await prepareRun([], { config: 'ci/harden.json' }, io(root));
    expect(named.chain.map((t) => t.options)).toEqual([{ commonjs: false }]);
    await expect(prepareRun([], { config: false }, io(root))).rejects.toThrow(/choose what to run/);
    await expect(prepareRun([], {}, io(root))).rejects.toThrow(/harden.config.json: transforms\[0\]: unknown transform "no-such-transform"/);
  });

  it("runs the team's own presets, which may extend built-in ones", async () => {
    const root = tree({
      'package.json': JSON.stringify({ name: 'app', harden: { presetsDir: 'harden-presets', presets: ['team'] } }),
      'harden-presets/team.json': JSON.stringify({
        name: 'team',
        description: 'Our baseline.',
        extends: ['mongo-express'],
        transforms: [{ id: 'dedupe-imports', why: 'we merge imports', options: { commonjs: false } }],
      }),
      'harden-presets/broken.json': JSON.stringify({ name: 'broken', transforms: [] }),
    });
    const setup = await prepareRun([], {}, io(root));
    const chain = setup.chain.map((t) => [t.definition.id, t.options] as const);
    // the built-in chain, in order, with the team's override of one entry's options in place
    const builtIn = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'presets', 'mongo-express.json'), 'utf8'));
    expect(chain.map(([id]) => id)).toEqual(builtIn.transforms.map((t: { id: string }) => t.id));
    expect(chain.find(([id]) => id === 'dedupe-imports')![1]).toEqual({ commonjs: false });
    await expect(prepareRun([], { preset: 'broken' }, io(root))).rejects.toThrow(/broken.json: description: Invalid input/);
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'empty', 'harden.config.json'), JSON.stringify({ presetsDir: 'nowhere' }));
    await expect(prepareRun(['empty'], { transform: 'dedupe-imports' }, io(root))).rejects.toThrow(
      /presetsDir: "nowhere" is not a directory/,
    );
  });
});

describe('the config JSON schema', () => {
  const schemaFile = join(import.meta.dirname, '..', '..', 'harden.config.schema.json');

  it('harden.config.schema.json is generated from the zod schema and the registry (regenerate with npm run schema)', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(configJsonSchema(registry.values()));
  });

  it('the commented config examples of the README and docs/pr-workflow.md load, options included', () => {
    for (const doc of ['README.md', 'docs/pr-workflow.md']) {
      const text = readFileSync(join(import.meta.dirname, '..', '..', doc), 'utf8');
      const examples = [...text.matchAll(/```jsonc\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(examples.length, doc).toBeGreaterThan(0);
      for (const example of examples) {
        const parsed = configSchema.parse(parseJsonc(example));
        expect(parsed.presets, doc).toContain('mongo-express');
        const builtIn = Object.fromEntries(Object.entries(parsed.options).filter(([id]) => registry.has(id)));
        expect(() => checkConfigOptions(builtIn, registry, doc)).not.toThrow();
      }
    }
  });

  it('accepts what the loader accepts and rejects unknown keys and bad option values, as the loader does', () => {
    const Ajv2020Class = ((Ajv2020 as any).default ?? Ajv2020) as typeof Ajv2020.default;
    const validate = new Ajv2020Class({ strict: false }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    const good = {
      $schema: './node_modules/harden/harden.config.schema.json',
      presets: ['mongo-express'],
      options: { 'rate-limiter-redis': { redisUrlEnv: 'CACHE_URL', onRedisDown: 'closed' }, 'team-own': { anything: 1 } },
      sarifSkipped: true,
    };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ preset: 'x' })).toBe(false);
    expect(validate({ options: { 'rate-limiter-redis': { onRedisDown: 'sometimes' } } })).toBe(false);
    expect(validate({ options: { 'dedupe-imports': { commonJs: true } } })).toBe(false);
  });
});
