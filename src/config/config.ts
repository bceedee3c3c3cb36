/**
 * The project config: `harden.config.json`, `harden.config.ts` (or `.mts`/`.mjs`/`.js`), or a
 * `harden` key in package.json, found from the target directory upward (the nearest directory
 * holding one wins), or named with `--config <path>`. It supplies defaults the command line
 * overrides: which presets or transforms run, per-transform options, extra ignores, the team's
 * own transform modules and a directory of the team's own presets. Every error names the file,
 * the key and what was expected (exit 2). `harden.config.json` is JSONC: comments and trailing
 * commas are allowed (package.json stays strict JSON, as npm reads it). Its JSON Schema,
 * generated from `configSchema`, is `harden.config.schema.json` at the package root.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { parseJsonc } from '../ast/jsonc.js';
import { describeIssues } from './preset.js';
import type { AnyTransform } from '../transform.js';
import { importModule } from './load-module.js';

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  presets: z
    .array(z.string().regex(kebab, 'a kebab-case preset name'))
    .optional()
    .describe('Presets to run when the command line names none, in order (like `extends`).'),
  transforms: z
    .array(z.string().regex(kebab, 'a kebab-case transform id'))
    .optional()
    .describe('Transforms to run after the presets when the command line names none.'),
  options: z
    .record(z.string().regex(kebab, 'a kebab-case transform id'), z.record(z.string(), z.unknown()))
    .default({})
    .describe('Per-transform options (camelCase keys), over the preset options and the defaults.'),
  ignore: z
    .array(z.string().min(1))
    .default([])
    .describe('Extra gitignore-style patterns, relative to the root of the run.'),
  customTransforms: z
    .array(z.string().min(1))
    .default([])
    .describe("The team's own transform modules (.js, .mjs, .ts), relative to the config file."),
  presetsDir: z
    .string()
    .min(1)
    .optional()
    .describe("A directory of the team's own presets (<name>.json), relative to the config file."),
  sarifSkipped: z
    .boolean()
    .optional()
    .describe('SARIF reports also list skipped sites as results (level note), like --sarif-skipped. Default: changes only.'),
});

/**
 * The JSON Schema of config files, for editors (`harden.config.schema.json`): `options` lists the
 * option schema of each given transform (unknown keys rejected, as the loader does); other ids
 * (the team's own transforms) take any object.
 */
export function configJsonSchema(transforms: Iterable<AnyTransform>): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as { properties: Record<string, Record<string, unknown>> };
  const perTransform: Record<string, unknown> = {};
  for (const transform of transforms) {
    const { $schema: _, ...options } = z.toJSONSchema(transform.options, { io: 'input' }) as Record<string, unknown>;
    perTransform[transform.id] = { description: transform.title, ...options, additionalProperties: false };
  }
  schema.properties.options = { ...schema.properties.options, properties: perTransform };
  return schema;
}

export type ConfigData = z.infer<typeof configSchema>;

export interface LoadedConfig extends ConfigData {
  /** The file the config came from (package.json for a `harden` key). */
  file: string;
  /** Its directory: relative paths in the config are relative to it. */
  dir: string;
  /** How error messages name the config ("harden.config.json", "package.json#harden"). */
  label: string;
}

const CANDIDATES = ['harden.config.json', 'harden.config.ts', 'harden.config.mts', 'harden.config.mjs', 'harden.config.js'];

/** The config files in one directory (several in one directory are an error: which one wins?). */
function configsIn(dir: string): string[] {
  const found = CANDIDATES.map((name) => join(dir, name)).filter((file) => isFile(file));
  const manifest = join(dir, 'package.json');
  if (isFile(manifest)) {
    try {
      const json = JSON.parse(readFileSync(manifest, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
      if (json && typeof json === 'object' && 'harden' in json) found.push(manifest);
    } catch {
      // a broken package.json is not a config; the run reports it where it matters
    }
  }
  return found;
}

/** The nearest config from `start` upward, or undefined. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  if (isFile(dir)) dir = dirname(dir);
  for (;;) {
    const found = configsIn(dir);
    if (found.length > 1) {
      throw new ConfigError(
        `more than one harden config in ${dir}: ${found.map((file) => relative(dir, file) + (file.endsWith('package.json') ? '#harden' : '')).join(', ')}`,
        'keep one of them',
      );
    }
    if (found[0]) return found[0];
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and validates a config file (JSON, a module's default export, or package.json#harden). */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const absolute = resolve(file);
  if (!isFile(absolute)) throw new ConfigError(`config file not found: ${file}`);
  const isManifest = absolute.endsWith('package.json');
  const label = isManifest ? `${absolute}#harden` : absolute;
  let raw: unknown;
  try {
    if (isManifest) {
      const json = JSON.parse(readFileSync(absolute, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
      raw = json.harden;
    } else if (absolute.endsWith('.json') || absolute.endsWith('.jsonc')) {
      raw = parseJsonc(readFileSync(absolute, 'utf8'));
    } else {
      const module = await importModule(absolute);
      raw = module.default;
      if (raw === undefined) throw new Error('the module has no default export (export default { ... })');
    }
  } catch (error) {
    throw new ConfigError(`${label}: cannot read the config: ${(error as Error).message}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`${label}: ${describeIssues(result.error)}`);
  return { ...result.data, file: absolute, dir: dirname(absolute), label };
}

/** `--config <path>` when given; else the nearest config from `start` upward; else none. */
export async function resolveConfig(explicit: string | false | undefined, start: string, cwd: string): Promise<LoadedConfig | undefined> {
  if (explicit === false) return undefined;
  if (explicit) return loadConfig(resolve(cwd, explicit));
  const found = findConfig(start);
  return found ? loadConfig(found) : undefined;
}

/** A preset directory of the team's own, checked to exist. */
export function presetsDirOf(config: LoadedConfig): string | undefined {
  if (!config.presetsDir) return undefined;
  const dir = resolve(config.dir, config.presetsDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError(`${config.label}: presetsDir: "${config.presetsDir}" is not a directory (looked for ${dir})`);
  }
  return dir;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
