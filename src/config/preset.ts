/**
 * Presets are data: `presets/<name>.json`, validated with this schema. Order is chain order,
 * `extends` comes first, a later entry for the same id overrides the earlier one's options in
 * place. Unknown ids, unknown option keys and cycles are load errors naming the file and field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AnyTransform } from '../transform.js';
import type { ResolvedTransform } from '../engine/run-file.js';
import { ConfigError } from '../errors.js';

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const presetSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(kebab, 'a kebab-case name'),
  description: z.string().min(1),
  extends: z.array(z.string()).default([]),
  transforms: z.array(
    z.strictObject({
      id: z.string().regex(kebab, 'a kebab-case transform id'),
      why: z.string().min(1).describe('the seed finding this entry answers'),
      options: z.record(z.string(), z.unknown()).default({}),
    }),
  ),
});

export type Preset = z.infer<typeof presetSchema>;

/** `path.to[2].field: message` for each zod issue. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
        prefix,
      );
      return `${path || '(top level)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates a transform's options (unknown keys rejected); `where` names the file and field. */
export function resolveOptions(
  transform: AnyTransform,
  options: unknown,
  where: string,
  field = 'options',
): Record<string, unknown> {
  const result = transform.options.strict().safeParse(options ?? {});
  if (!result.success) throw new ConfigError(`${where}: ${describeIssues(result.error, field)}`);
  return result.data as Record<string, unknown>;
}

export interface PresetSource {
  /** The preset file for a name, or undefined when there is none. */
  locate(name: string): string | undefined;
}

export function readPreset(file: string): Preset {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  const result = presetSchema.safeParse(json);
  if (!result.success) throw new ConfigError(`${file}: ${describeIssues(result.error)}`);
  return result.data;
}

/** The chain a preset stands for: extends flattened first, options validated. */
export function loadPresetChain(
  name: string,
  source: PresetSource,
  registry: ReadonlyMap<string, AnyTransform>,
  stack: string[] = [],
): ResolvedTransform[] {
  if (stack.includes(name)) throw new ConfigError(`preset cycle: ${[...stack, name].join(' -> ')}`);
  const file = source.locate(name);
  if (!file) throw new ConfigError(`unknown preset "${name}"`, 'harden list shows the presets');
  const preset = readPreset(file);
  if (preset.name !== name) throw new ConfigError(`${file}: name: "${preset.name}" does not match the file name "${name}"`);
  const chain: ResolvedTransform[] = [];
  preset.extends.forEach((parent, index) => {
    try {
      mergeInto(chain, loadPresetChain(parent, source, registry, [...stack, name]));
    } catch (error) {
      if (error instanceof ConfigError && error.message.startsWith('unknown preset')) {
        throw new ConfigError(`${file}: extends[${index}]: unknown preset "${parent}"`);
      }
      throw error;
    }
  });
  preset.transforms.forEach((entry, index) => {
    const definition = registry.get(entry.id);
    if (!definition) throw new ConfigError(`${file}: transforms[${index}].id: unknown transform "${entry.id}"`);
    mergeInto(chain, [{ definition, options: resolveOptions(definition, entry.options, `${file}: transforms[${index}]`) }]);
  });
  return chain;
}

function mergeInto(chain: ResolvedTransform[], more: readonly ResolvedTransform[]): void {
  for (const item of more) {
    const index = chain.findIndex((existing) => existing.definition.id === item.definition.id);
    if (index === -1) chain.push(item);
    else chain[index] = item;
  }
}

/** The JSON Schema of preset files, for editors (`presets/preset.schema.json`). */
export function presetJsonSchema(): unknown {
  return z.toJSONSchema(presetSchema, { io: 'input' });
}
