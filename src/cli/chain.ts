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
import { UsageError } from './errors.js';

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

export interface ChainSelection {
  preset?: string;
  transform?: string;
}

export function resolveChain(selection: ChainSelection, registry: ReadonlyMap<string, AnyTransform>): ResolvedTransform[] {
  if (selection.preset && selection.transform) {
    throw new UsageError('use either --preset or --transform, not both');
  }
  if (selection.preset) return loadPresetChain(selection.preset, builtInPresets, registry);
  if (selection.transform) {
    const ids = selection.transform.split(',').map((id) => id.trim()).filter(Boolean);
    if (ids.length === 0) throw new UsageError('--transform needs at least one transform id');
    return ids.map((id) => {
      const definition = registry.get(id);
      if (!definition) throw new UsageError(`unknown transform "${id}"`, 'harden list shows the transforms');
      return { definition, options: resolveOptions(definition, {}, `--transform ${id}`) };
    });
  }
  throw new UsageError('choose what to run with --preset <name> or --transform <id,...>', 'harden list shows both');
}
