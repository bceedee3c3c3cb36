/**
 * Loading a JavaScript or TypeScript module of the user's (a `harden.config.ts`, a custom
 * transform). `.js`/`.mjs`/`.cjs` are imported as they are. `.ts`/`.mts` are transpiled alone with
 * the TypeScript compiler API (no type check) to a temporary `.mjs` file beside the original, so
 * its relative imports and `node_modules` resolve as they would for the original, then imported
 * and removed. (Vite loads `vite.config.ts` the same way.) A transpiled module's own relative
 * imports must name files Node can load (`./x.js`, `./x.mjs`), not other `.ts` files.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** The module's namespace object. Throws the import's own error (syntax, missing module). */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  if (!TYPESCRIPT.has(extname(file))) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const { default: ts } = await import('typescript');
  const output = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
      sourceMap: false,
      inlineSourceMap: true,
    },
  }).outputText;
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.harden.mjs`);
  writeFileSync(temp, output);
  try {
    return (await import(pathToFileURL(temp).href)) as Record<string, unknown>;
  } finally {
    rmSync(temp, { force: true });
  }
}
