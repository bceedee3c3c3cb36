import { readFileSync } from 'node:fs';
import { registry } from '../../../transforms/index.js';
import { builtInPresets } from '../chain.js';
import { readPreset } from '../../config/preset.js';
import { harden } from '../../package-root.js';
import { UsageError } from '../../errors.js';

/** `harden explain <id>`: a transform's README, or what a preset runs and why. */
export function explainCommand(id: string, out: NodeJS.WritableStream): number {
  const transform = registry.get(id);
  if (transform) {
    out.write(readFileSync(harden('transforms', id, 'README.md'), 'utf8'));
    return 0;
  }
  const presetFile = builtInPresets.locate(id);
  if (presetFile) {
    const preset = readPreset(presetFile);
    out.write(`# Preset ${preset.name}\n\n${preset.description}\n\n`);
    if (preset.extends.length) out.write(`Extends: ${preset.extends.join(', ')}\n\n`);
    for (const entry of preset.transforms) out.write(`- ${entry.id}: ${entry.why}\n`);
    return 0;
  }
  throw new UsageError(`no transform or preset named "${id}"`, 'harden list shows them');
}
