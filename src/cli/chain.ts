/**
 * From the command line to a validated chain: `--preset <name>` or `--transform <id,...>`, every
 * option checked against its transform's schema before any file is read.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyTransform } from '../transform.js';
import type { ResolvedTransform } from '../engine/run-file.js';
import { loadPresetChain, readPreset, resolveOptions, type Preset, type PresetSource } from '../config/preset.js';
import { harden } from '../package-root.js';
import { ConfigError, UsageError } from '../errors.js';

export const builtInPresets: PresetSource = {
  locate(name) {
    const file = join(harden('presets'), `${name}.json`);
    return /^[a-z0-9-]+$/.test(name) && existsSync(file) ? file : undefined;
  },
};

export function listPresets(): Preset[] {
  return readdirSync(harden('presets'))
    .filter((name) => name.endsWith('.json') && !name.endsWith('.schema.json'))
    .sort()
    .map((name) => readPreset(join(harden('presets'), name)));
}

/** The team's presets (a directory of `<name>.json`) before the built-in ones; a name in both is an error. */
export function presetSources(teamDir: string | undefined): PresetSource {
  if (!teamDir) return builtInPresets;
  return {
    locate(name) {
      const file = join(teamDir, `${name}.json`);
      const team = /^[a-z0-9-]+$/.test(name) && existsSync(file) ? file : undefined;
      const builtIn = builtInPresets.locate(name);
      if (team && builtIn) throw new ConfigError(`${file}: preset "${name}" has the name of a built-in preset; rename it`);
      return team ?? builtIn;
    },
  };
}

export interface ChainSelection {
  preset?: string;
  transform?: string;
}

/** What a config file adds to the command line's selection. */
export interface ChainDefaults {
  presets: PresetSource;
  /** Where the defaults come from, for messages. */
  label?: string;
  /** Used when the command line names neither --preset nor --transform. */
  presetNames?: readonly string[];
  transformIds?: readonly string[];
  /** Per-transform options over the preset's and the defaults. */
  options?: Readonly<Record<string, Record<string, unknown>>>;
}

export function resolveChain(
  selection: ChainSelection,
  registry: ReadonlyMap<string, AnyTransform>,
  defaults: ChainDefaults = { presets: builtInPresets },
): ResolvedTransform[] {
  if (selection.preset && selection.transform) {
    throw new UsageError('use either --preset or --transform, not both');
  }
  const chain: ResolvedTransform[] = [];
  const add = (more: readonly ResolvedTransform[]) => {
    for (const item of more) {
      const index = chain.findIndex((existing) => existing.definition.id === item.definition.id);
      if (index === -1) chain.push(item);
      else chain[index] = item;
    }
  };
  const byIds = (ids: readonly string[], where: (id: string) => string) =>
    ids.map((id) => {
      const definition = registry.get(id);
      if (!definition) throw new UsageError(`${where(id)}: unknown transform "${id}"`, 'harden list shows the transforms');
      return { definition, options: resolveOptions(definition, {}, where(id)) };
    });

  if (selection.preset) add(loadPresetChain(selection.preset, defaults.presets, registry));
  else if (selection.transform) {
    const ids = selection.transform.split(',').map((id) => id.trim()).filter(Boolean);
    if (ids.length === 0) throw new UsageError('--transform needs at least one transform id');
    add(byIds(ids, (id) => `--transform ${id}`));
  } else if (defaults.presetNames?.length || defaults.transformIds?.length) {
    (defaults.presetNames ?? []).forEach((name, index) => {
      try {
        add(loadPresetChain(name, defaults.presets, registry));
      } catch (error) {
        if (error instanceof ConfigError && error.message.startsWith('unknown preset')) {
          throw new ConfigError(`${defaults.label}: presets[${index}]: unknown preset "${name}"`, error.hint);
        }
        throw error;
      }
    });
    add(byIds(defaults.transformIds ?? [], (id) => `${defaults.label}: transforms[${defaults.transformIds!.indexOf(id)}]`));
  } else {
    throw new UsageError(
      'choose what to run with --preset <name> or --transform <id,...>, or name presets in a harden config',
      'harden list shows both',
    );
  }
  return chain.map((entry) => {
    const override = defaults.options?.[entry.definition.id];
    if (!override) return entry;
    const options = resolveOptions(entry.definition, { ...entry.options, ...override }, String(defaults.label), `options.${entry.definition.id}`);
    return { definition: entry.definition, options };
  });
}

/** Checks every per-transform option block of a config, whether or not the transform runs now. */
export function checkConfigOptions(
  options: Readonly<Record<string, Record<string, unknown>>>,
  registry: ReadonlyMap<string, AnyTransform>,
  label: string,
): void {
  for (const [id, value] of Object.entries(options)) {
    const definition = registry.get(id);
    if (!definition) throw new ConfigError(`${label}: options.${id}: unknown transform "${id}"`, 'harden list shows the transforms');
    resolveOptions(definition, value, label, `options.${id}`);
  }
}
