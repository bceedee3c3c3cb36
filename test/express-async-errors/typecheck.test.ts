/**
 * The generated async-handler module and the handlers harden wraps with it type-check, strict,
 * against the real Express typings: inline handlers are typed (annotated, or Express's Request and
 * Response), and a controller typed `(req: Request, res: Response, next: NextFunction):
 * Promise<void>` still fits `app.post(path, asyncHandler(controller))`.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';
import { typeErrorsWithTypings } from '../support/typecheck.js';

const repo = join(import.meta.dirname, '..', '..');

const ROUTES = `import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { asyncHandler } from './lib/async-handler.js';

const load = async (id: string): Promise<{ id: string }> => ({ id });

export const postLogin = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
  if (!req.body) return next(new Error('no body'));
  res.json(await load('me'));
};

const router = Router();
router.get('/items/:id', asyncHandler(async (req, res) => {
  // typed as express-async-handler types it: Request's own params (no inference from the path);
  // a string on @types/express 4, string | string[] on the 5 typings this repository has
  res.json(await load(String(req.params.id)));
}));
router.get('/typed', asyncHandler(async (req: Request, res: Response) => {
  res.json(await load(String(req.query.id)));
}));
router.route('/chained').post(asyncHandler(async (req, res, next) => {
  await load('x');
  next();
}));

const app = express();
app.post('/login', asyncHandler(postLogin));
app.use('/api', router);
`;

describe('the generated asyncHandler (TypeScript)', () => {
  it('type-checks with the wrapped handlers', () => {
    const dir = tree({ 'package.json': JSON.stringify({ name: 't', private: true, type: 'module' }), 'src/routes.ts': ROUTES });
    mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
    cpSync(join(repo, 'transforms', 'express-async-errors', 'templates', 'async-handler.ts'), join(dir, 'src', 'lib', 'async-handler.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
    const errors = typeErrorsWithTypings(dir, ['src/routes.ts', 'src/lib/async-handler.ts']);
    expect(errors).toEqual([]);
  });
});
