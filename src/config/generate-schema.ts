/** Writes presets/preset.schema.json from the zod schema: `npm run schema`. */
import { writeFileSync } from 'node:fs';
import { harden } from '../package-root.js';
import { presetJsonSchema } from './preset.js';

writeFileSync(harden('presets', 'preset.schema.json'), `${JSON.stringify(presetJsonSchema(), null, 2)}\n`);
