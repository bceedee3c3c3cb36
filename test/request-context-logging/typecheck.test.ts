/**
 * The generated request-logger module (TypeScript) and the TypeScript fixture's output type-check,
 * strict, against the real typings (express, pino, pino-http): the mount on the project's pino
 * logger, and `req.log` in typed handlers and an error middleware.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';
import { typeErrorsWithTypings } from '../support/typecheck.js';

const repo = join(import.meta.dirname, '..', '..');
const fixtures = join(repo, 'fixtures', 'request-context-logging');

describe('the generated request-logger module (TypeScript)', () => {
  it('type-checks with the rewritten app and handlers', () => {
    const dir = tree({
      'package.json': JSON.stringify({ name: 't', private: true, type: 'module' }),
      'src/app.ts': readFileSync(join(fixtures, 'typescript-typed-handlers.output.ts'), 'utf8'),
      'src/logger.ts': readFileSync(join(fixtures, 'typescript-typed-handlers.project', 'src', 'logger.ts'), 'utf8'),
    });
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    cpSync(join(repo, 'transforms', 'request-context-logging', 'templates', 'request-logger.ts'), join(dir, 'src', 'lib', 'request-logger.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
    const errors = typeErrorsWithTypings(dir, ['src/app.ts', 'src/logger.ts', 'src/lib/request-logger.ts']);
    expect(errors).toEqual([]);
  });
});
