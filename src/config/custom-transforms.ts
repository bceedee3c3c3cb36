/**
 * The team's own transforms, named in the config's `customTransforms`: each module's default
 * export is a transform definition (or an array of them), checked to have the shape of the
 * transform contract (src/transform.ts) before it joins the registry. Its `options` must be a zod
 * object schema (checked by behaviour, since the module may bring its own copy of zod).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { AnyTransform } from '../transform.js';
import type { LoadedConfig } from './config.js';
import { importModule } from './load-module.js';
import { describeIssues } from './preset.js';

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const zodObjectLike = z.custom<z.ZodObject<any>>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function' &&
    typeof (value as { strict?: unknown }).strict === 'function',
  'a zod object schema, e.g. z.object({})',
);

const transformShape = z.object({
  id: z.string().regex(kebab, 'a kebab-case id'),
  title: z.string().min(1),
  description: z.string().min(1),
  skipReasons: z.record(z.string(), z.string()),
  needs: z.array(z.string()),
  scope: z.enum(['file', 'project']),
  risk: z.enum(['low', 'review']).optional(),
  extensions: z.array(z.string()).optional(),
  options: zodObjectLike,
  apply: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === 'function', 'a function'),
});

/** Loads every custom transform module of the config, in order. */
export async function loadCustomTransforms(config: LoadedConfig, builtIn: ReadonlyMap<string, AnyTransform>): Promise<AnyTransform[]> {
  const loaded: AnyTransform[] = [];
  for (const [index, specifier] of config.customTransforms.entries()) {
    const where = `${config.label}: customTransforms[${index}] (${specifier})`;
    const file = resolve(config.dir, specifier);
    let module: Record<string, unknown>;
    try {
      module = await importModule(file);
    } catch (error) {
      throw new ConfigError(`${where}: cannot load the module: ${(error as Error).message}`);
    }
    const exported = module.default;
    if (exported === undefined) throw new ConfigError(`${where}: the module has no default export; export default a transform`);
    const definitions = Array.isArray(exported) ? exported : [exported];
    definitions.forEach((definition, position) => {
      const at = Array.isArray(exported) ? `${where} default[${position}]` : `${where} default export`;
      const result = transformShape.safeParse(definition);
      if (!result.success) throw new ConfigError(`${at}: not a transform: ${describeIssues(result.error)}`);
      const { id } = result.data;
      if (builtIn.has(id)) throw new ConfigError(`${at}: id "${id}" is a built-in transform; choose another id`);
      if (loaded.some((t) => t.id === id)) throw new ConfigError(`${at}: id "${id}" is defined twice`);
      loaded.push(definition as AnyTransform);
    });
  }
  return loaded;
}
