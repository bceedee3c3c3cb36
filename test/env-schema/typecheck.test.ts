/**
 * The generated env module (TypeScript), with a schema of every type filled in, type-checks
 * strictly against the installed typings, imported for its effect by an entry.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moduleText } from '../../transforms/env-schema/generate.js';
import { tree } from '../support/tmp.js';
import { typeErrorsWithTypings } from '../support/typecheck.js';

const repo = join(import.meta.dirname, '..', '..');

describe('the generated env module (TypeScript)', () => {
  for (const strict of [false, true]) {
    it(`type-checks with numbers, booleans, strings and defaults${strict ? ' (strict)' : ''}`, () => {
      const template = readFileSync(join(repo, 'transforms', 'env-schema', 'templates', 'env.ts'), 'utf8');
      const rules = new Map([
        ['PORT', { type: 'number' as const, required: false, default: '3000' }],
        ['DEBUG', { type: 'boolean' as const, required: false }],
        ['MONGODB_URI', { type: 'string' as const, required: true }],
        ['GREETING', { type: 'string' as const, required: false, default: "it's \"quoted\"\n" }],
      ]);
      const dir = tree({
        'package.json': JSON.stringify({ name: 't', private: true, type: 'module' }),
        'src/server.ts': "import './config/env.js';\nimport { createServer } from 'node:http';\n\ncreateServer().listen(Number(process.env.PORT) || 3000);\n",
      });
      mkdirSync(join(dir, 'src', 'config'), { recursive: true });
      writeFileSync(join(dir, 'src', 'config', 'env.ts'), moduleText(template, rules, strict));
      writeFileSync(join(dir, 'tsconfig.json'), '{}');
      expect(typeErrorsWithTypings(dir, ['src/server.ts', 'src/config/env.ts'])).toEqual([]);
    });
  }
});
