/**
 * Loading a JavaScript or TypeScript module of the user's (a `harden.config.ts`, a custom
 * transform). `.js`/`.mjs`/`.cjs` are imported as they are. `.ts`/`.mts`/`.cts` are transpiled alone
 * with the TypeScript compiler API (no type check) to a temporary `.mjs` in the OS temp directory —
 * never in the user's repository, not even for a moment, and removed afterwards (on error too, and
 * at exit if the process is stopped while importing).
 *
 * So that the module behaves as it would beside the original:
 * - relative specifiers (`./types.js`, `../lib/x.mjs`, dynamic `import('./y.js')` with a literal)
 *   are rewritten to absolute `file:` URLs of the files next to the original;
 * - `import.meta.url`, `import.meta.filename` and `import.meta.dirname` name the original file;
 * - bare specifiers (`zod`, `harden`, `@scope/pkg/sub`) resolve through a `node_modules` beside the
 *   temp file that links each imported package to the directory Node would find from the original
 *   (the nearest `node_modules/<name>` upward), so package `exports` and conditions apply as usual.
 * A transpiled module's own relative imports must name files Node can load (`./x.js`, `./x.mjs`),
 * not other `.ts` files.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type TS from 'typescript';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** Temp directories alive now: removed at exit if an import never returned (a second Ctrl-C). */
const live = new Set<string>();
let cleanupRegistered = false;

/** The module's namespace object. Throws the import's own error (syntax, missing module). */
export async function importModule(file: string): Promise<Record<string, unknown>> {
  if (!TYPESCRIPT.has(extname(file))) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const { default: ts } = await import('typescript');
  const packages = new Set<string>();
  const output = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: false,
      sourceMap: false,
      inlineSourceMap: true,
    },
    transformers: { before: [rewriteSpecifiers(ts, file, packages)] },
  }).outputText;

  const dir = mkdtempSync(join(tmpdir(), 'harden-module-'));
  live.add(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.once('exit', () => live.forEach((path) => rmSync(path, { recursive: true, force: true })));
  }
  try {
    linkPackages(dir, dirname(file), packages);
    const temp = join(dir, `${basename(file).replace(/\.[cm]?ts$/, '')}.mjs`);
    writeFileSync(temp, output);
    return (await import(pathToFileURL(temp).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    live.delete(dir);
  }
}

/** The package name of a bare specifier (`@scope/pkg/sub` -> `@scope/pkg`), or undefined for others. */
function packageName(specifier: string): string | undefined {
  if (/^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier) || specifier.startsWith('#') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isRelative(specifier: string): boolean {
  return /^(\.{1,2}\/|\/)/.test(specifier) || specifier === '.' || specifier === '..';
}

/** Rewrites relative specifiers and `import.meta` to the original's location; collects bare package names. */
function rewriteSpecifiers(ts: typeof TS, file: string, packages: Set<string>): TS.TransformerFactory<TS.SourceFile> {
  const dir = dirname(file);
  const retarget = (node: TS.StringLiteral): TS.StringLiteral => {
    if (isRelative(node.text)) return ts.factory.createStringLiteral(pathToFileURL(resolve(dir, node.text)).href);
    const name = packageName(node.text);
    if (name) packages.add(name);
    return node;
  };
  const meta: Record<string, string> = { url: pathToFileURL(file).href, filename: file, dirname: dir };
  return (context) => {
    const visit = (node: TS.Node): TS.Node => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return ts.factory.updateImportDeclaration(node, node.modifiers, node.importClause, retarget(node.moduleSpecifier), node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        return ts.factory.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          retarget(node.moduleSpecifier),
          node.attributes,
        );
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
        return ts.factory.updateCallExpression(node, node.expression, node.typeArguments, [retarget(node.arguments[0]), ...node.arguments.slice(1)]);
      }
      if (
        ts.isPropertyAccessExpression(node) &&
        ts.isMetaProperty(node.expression) &&
        node.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
        meta[node.name.text] !== undefined
      ) {
        return ts.factory.createStringLiteral(meta[node.name.text]!);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (source) => ts.visitNode(source, visit) as TS.SourceFile;
  };
}

/** `<dir>/node_modules/<name>` -> the `node_modules/<name>` Node would find from `from`, for each name. */
function linkPackages(dir: string, from: string, packages: ReadonlySet<string>): void {
  for (const name of packages) {
    let probe = from;
    for (;;) {
      const candidate = join(probe, 'node_modules', name);
      if (existsSync(candidate)) {
        const link = join(dir, 'node_modules', name);
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(candidate, link, 'dir');
        break;
      }
      const parent = dirname(probe);
      if (parent === probe) break; // not installed: the import fails with Node's own message
      probe = parent;
    }
  }
}
