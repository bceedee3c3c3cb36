/**
 * The generated async-handler module and the handlers harden wraps with it type-check, strict,
 * against the real Express typings: inline handlers are typed (annotated, or Express's Request and
 * Response), and a controller typed `(req: Request, res: Response, next: NextFunction):
 * Promise<void>` still fits `app.post(path, asyncHandler(controller))`.
 */
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { tree } from '../support/tmp.js';

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
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
    const program = ts.createProgram([join(dir, 'src', 'routes.ts'), join(dir, 'src', 'lib', 'async-handler.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      esModuleInterop: true,
      types: ['node'],
      typeRoots: [join(dir, 'node_modules', '@types')],
      skipLibCheck: true,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.slice(dir.length + 1) ?? ''}:${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(errors).toEqual([]);
  });
});
