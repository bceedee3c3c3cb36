import { transforms } from '../../../transforms/index.js';
import { listPresets } from '../chain.js';

/** `harden list`: every transform and preset, one line each. */
export function listCommand(out: NodeJS.WritableStream): number {
  const width = Math.max(...transforms.map((t) => t.id.length), ...listPresets().map((p) => p.name.length));
  out.write('Transforms:\n');
  for (const transform of transforms) out.write(`  ${transform.id.padEnd(width)}  ${transform.title}\n`);
  out.write('Presets:\n');
  for (const preset of listPresets()) {
    out.write(`  ${preset.name.padEnd(width)}  ${preset.description}\n`);
  }
  return 0;
}
