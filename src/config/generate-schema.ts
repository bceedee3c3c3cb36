/** Writes the JSON Schemas of preset and config files from their zod schemas: `npm run schema`. */
import { writeFileSync } from 'node:fs';
import { registry } from '../../transforms/index.js';
import { harden } from '../package-root.js';
import { configJsonSchema } from './config.js';
import { presetJsonSchema } from './preset.js';

writeFileSync(harden('presets', 'preset.schema.json'), `${JSON.stringify(presetJsonSchema(), null, 2)}\n`);
writeFileSync(harden('harden.config.schema.json'), `${JSON.stringify(configJsonSchema(registry.values()), null, 2)}\n`);
