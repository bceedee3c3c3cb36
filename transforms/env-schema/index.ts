import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { z } from 'zod';
import { importClosure } from '../../src/ast/module-resolve.js';
import { headingComments } from '../../src/ast/comments.js';
import { dominantQuote, requiredModule, usesSemicolons, writesEsm } from '../../src/ast/imports.js';
import { flavourOf, serverSourceFolder, supportExtension, supportSpecifier, supportTemplates } from '../../src/ast/support-module.js';
import { serverStarts } from '../../src/ast/servers.js';
import { harden } from '../../src/package-root.js';
import { defineTransform, type ProjectView } from '../../src/transform.js';
import { bindingNames, isReferencePath, unwrapExpression } from '../../src/ast/scope.js';
import { envExample, moduleText, ruleCode } from './generate.js';
import { GENERATED, planFor, type Plan } from './plan.js';
import { readsOf } from './reads.js';

/** The module's three flavours; the schema and STRICT are filled in (generate.ts), so the module is known by its header, not its text. */
const { templates: TEMPLATES } = supportTemplates((name) => readFileSync(harden('transforms', 'env-schema', 'templates', name), 'utf8'), 'env');

const SKIP_REASONS = {
  'already-validated':
    'the package validates its environment already (envalid, env-var, dotenv-safe, convict, or a config module that checks `process.env` against a joi/zod/yup schema); add the names there',
  'several-servers': 'the package starts more than one server and none loads the others: harden cannot tell which file is the process entry to check the environment in',
  'started-by-caller': 'every server is started inside an exported function or a method: the code that calls it owns the process, and is where the check belongs',
  'env-loaded-late':
    'the entry loads `.env` where no import can follow it: `dotenv.config()` after the ES imports (every import runs before it), or inside a function; load it with `import \'dotenv/config\'` first and run harden again',
  'dynamic-name':
    'a module the server loads computes a variable\'s name at run time (`process.env[key]`): a schema of the other names would check a part of the environment and look complete; list the names it takes in a config module, or write the check by hand',
  'module-path-taken': 'a module that is not harden\'s env module already answers to where it would be generated (config/env with any extension, or a config/env/ folder): the new file would take its imports over; move that module, or add the check by hand',
} as const;

type Reason = keyof typeof SKIP_REASONS;

/** `dotenv`, `dotenv/config`, `dotenv-flow`, `process.loadEnvFile()`: code that fills process.env from a file. */
const LOADS_ENV = /\bdotenv\b|\bloadEnvFile\b/;

export default defineTransform({
  id: 'env-schema',
  title: 'Check the environment variables the server reads once at start-up',
  description:
    'A generated `config/env` module lists every `process.env` name the server\'s modules read, with the type their code gives it (`Number(…)`: a number, ' +
    '`=== \'true\'`: a boolean) and its fallback (`||`, `??`, a destructuring default), and checks them when the entry loads it, first (right after dotenv): ' +
    'a missing required or malformed variable is a warning (names only, never values), or stops start-up with the `strict` option. Nothing the program reads ' +
    'changes: fallbacks stay where the code has them. `.env.example` is written when the package has none.',
  seed: [
    { review: '001', finding: 'Configuration Management' },
    { review: '002', finding: 'Environment Configuration & Secrets Management' },
  ],
  skipReasons: SKIP_REASONS,
  needs: ['.listen(', 'process.env', "harden's env-schema"],
  scope: 'file',
  options: z.object({
    strict: z
      .boolean()
      .default(false)
      .describe('Generate the module with STRICT = true: a missing required or malformed variable stops start-up (exit 1) instead of a warning.'),
  }),
  apply({ j, root, file, sites, request, project, options }) {
    if (file.role !== 'source') return;
    const plan = planFor(project, file.package, { path: file.path, text: file.source, root });
    if (!plan.entry && !plan.refusal) return;
    const packageDir = file.package?.dir ?? '';
    const flavour = plan.entry === file.path ? flavourOf(file) : undefined;

    // names computed at run time: each read is the site
    if (plan.refusal?.reason === 'dynamic-name') {
      if (plan.loaded.has(file.path)) for (const node of readsOf(j, root).dynamic) sites.skipped(node, 'dynamic-name');
      return;
    }
    // other refusals, on the server starts
    if (plan.refusal) {
      if (!file.source.includes('.listen(')) return;
      for (const start of serverStarts(j, root)) {
        if (plan.refusal.reason === 'started-by-caller' && !start.startedBy) continue;
        if (plan.refusal.reason !== 'started-by-caller' && start.startedBy) continue;
        sites.skipped(start.call.node, plan.refusal.reason, start.startedBy ?? plan.refusal.detail);
      }
      return;
    }
    if (!plan.loaded.has(file.path) && !GENERATED.test(file.source)) return;
    if (plan.rules.size === 0) return;

    // harden's own module, generated on an earlier run: names read since then are added to it
    if (GENERATED.test(file.source)) {
      completeModule(j, root, plan, sites);
      return;
    }
    if (plan.entry !== file.path) return;

    const ext = supportExtension(file.path, flavour ?? 'cjs');
    const relative = `${serverSourceFolder(project, packageDir)}config/env${ext}`;
    const target = posix.join(packageDir, relative);
    const body = root.get().node.program.body as any[];
    if (imports(body, file.path, target, project)) return;
    const { anchor, late } = anchorIndex(j, body, file.source, file.path, project);
    if (late) return void sites.skipped(body[anchor], 'env-loaded-late', `line ${body[anchor].loc?.start.line}: ${late}`);
    // with no dotenv, before the file's own first statement (an earlier transform of the chain may
    // have put an import of harden's above it)
    const at = anchor >= 0 ? anchor + 1 : body.findIndex((node) => node.loc);
    const first = body[anchor >= 0 ? anchor : at];
    if (!first?.loc) return;
    const existing = project.readFile(target);
    const taken = takenPath(project, target);
    if (taken) return void sites.skipped(first, 'module-path-taken', taken);
    if (anchor >= 0 && !canFollow(body, anchor)) return void sites.skipped(body[anchor], 'env-loaded-late', `line ${body[anchor].loc?.start.line}`);

    const names = [...plan.rules.keys()];
    const examplePath = posix.join(packageDir, '.env.example');
    const example = project.exists(examplePath) ? '' : '; .env.example written';
    const mode = options.strict ? 'strict: stops start-up when one is missing or malformed' : 'warns when one is missing or malformed';
    if (!sites.changed(first, `checks ${names.length} environment variables at start-up (${mode}): ${names.join(', ')}${example}`)) return;

    const specifier = supportSpecifier(j, root, file, target);
    const quote = dominantQuote(file.source) === 'double' ? '"' : "'";
    const end = usesSemicolons(file.source) ? ';' : '';
    const source = `${quote}${specifier.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`)}${quote}`;
    const code = writesEsm(j, root, file) ? `import ${source}${end}` : `require(${source})${end}`;
    // first in the file, but below the comments that head it (a licence, a description): they are
    // parsed again with the new statement (a comment node of the file cannot move)
    const heading = anchor < 0 ? headingComments(first) : [];
    const statement = j(`\n${commentsText(heading)}${code}\n`).get().node.program.body[0];
    if (heading.length > 0) first.comments = first.comments.filter((comment: any) => !heading.includes(comment));
    body.splice(at, 0, statement);
    if (existing === undefined) request.file(relative, moduleText(TEMPLATES[flavour!], plan.rules, options.strict));
    if (example) request.file('.env.example', envExample(plan.rules, relative));
  },
});

/** Comments as they were written (each on its line, blank lines between kept), followed by a line break; '' for none. */
function commentsText(comments: any[]): string {
  const text = comments.map((comment, index) => {
    const gap = index === 0 ? '' : '\n'.repeat(Math.max(1, comment.loc.start.line - comments[index - 1].loc.end.line));
    const value = String(comment.value).replace(/\r\n?/g, '\n');
    return `${gap}${/Block/.test(comment.type) ? `/*${value}*/` : `//${value}`}`;
  });
  return comments.length > 0 ? `${text.join('')}\n` : '';
}

/** Whether a top-level import or require of the body loads the module at `target`. */
function imports(body: any[], path: string, target: string, project: ProjectView): boolean {
  const stem = (p: string) => p.replace(/\.[cm]?[jt]s$/, '');
  return body.some((node) => {
    const specifier =
      node.type === 'ImportDeclaration' ? String(node.source.value) : node.type === 'ExpressionStatement' ? requiredModule(node.expression) : undefined;
    if (!specifier || !specifier.startsWith('.')) return false;
    const resolved = project.resolveImport(path, specifier) ?? posix.join(posix.dirname(path), specifier);
    return stem(resolved) === stem(target);
  });
}

/**
 * The index of the last top-level statement of the entry that fills `process.env` from a file
 * (dotenv), directly or through a project module it loads; -1 when none does (the check goes first).
 */
function anchorIndex(j: any, body: any[], source: string, path: string, project: ProjectView): { anchor: number; late?: string } {
  const loadsEnv = (file: string) => {
    const text = project.readFile(file);
    return text !== undefined && !GENERATED.test(text) && LOADS_ENV.test(text);
  };
  let anchor = -1;
  body.forEach((node, index) => {
    // a statement an earlier transform of the chain added has no text of the file
    if (typeof node.start !== 'number') return;
    const text = source.slice(node.start, node.end);
    if (LOADS_ENV.test(text)) {
      anchor = index;
      return;
    }
    const specifiers: string[] = [];
    if (node.type === 'ImportDeclaration') specifiers.push(String(node.source.value));
    else {
      j(node)
        .find(j.CallExpression)
        .forEach((call: any) => {
          const module = requiredModule(call.node);
          if (module) specifiers.push(module);
        });
    }
    for (const specifier of specifiers) {
      const resolved = specifier.startsWith('.') ? project.resolveImport(path, specifier) : undefined;
      if (resolved && (loadsEnv(resolved) || [...importClosure(project, resolved)].some(loadsEnv))) anchor = index;
    }
  });
  // `import { config } from 'dotenv'` / `const dotenv = require('dotenv')` only binds: .env is
  // loaded where those names are called, so the check goes after the last top-level statement using them
  const bound = new Set(anchor >= 0 ? dotenvBindings(body[anchor]) : []);
  if (bound.size === 0) return { anchor };
  const uses = (node: any) => j(node).find(j.Identifier, (id: any) => bound.has(id.name)).some(isReferencePath);
  let last = -1;
  body.forEach((node, index) => {
    if (index > anchor && uses(node)) last = index;
  });
  return last === -1 ? { anchor, late: `${[...bound].join(', ')} from dotenv is not called at the top level` } : { anchor: last };
}

const MODULE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

/**
 * A project file that `require('./config/env')` could mean besides harden's module at `target`:
 * the target itself or a sibling of another extension not written by harden, or a folder of that
 * name (`config/env/index.js`). The new file would take that specifier over.
 */
function takenPath(project: ProjectView, target: string): string | undefined {
  const stem = target.replace(/\.[^./]+$/, '');
  for (const ext of MODULE_EXTENSIONS) {
    const path = `${stem}${ext}`;
    const text = project.exists(path) ? project.readFile(path) : undefined;
    if (text !== undefined && !GENERATED.test(text)) return path;
  }
  return project.files.some((file) => file.startsWith(`${stem}/`)) ? `${stem}/` : undefined;
}

/** The names a statement binds to the `dotenv` module itself (an import or a plain require of it), else none. */
function dotenvBindings(node: any): string[] {
  if (node.type === 'ImportDeclaration') return node.source.value === 'dotenv' ? (node.specifiers ?? []).map((s: any) => s.local.name) : [];
  if (node.type !== 'VariableDeclaration' || node.declarations.length !== 1) return [];
  const [declarator] = node.declarations;
  return requiredModule(unwrapExpression(declarator.init)) === 'dotenv' ? bindingNames(declarator.id) : [];
}

/**
 * Whether an import placed right after the statement at `anchor` runs after it: not after a plain
 * statement of an ES module (its imports all run first), not after a function that loads `.env`
 * only when called.
 */
function canFollow(body: any[], anchor: number): boolean {
  const node = body[anchor];
  if (/^(FunctionDeclaration|ClassDeclaration|ExportNamedDeclaration|ExportDefaultDeclaration)$/.test(node.type)) return false;
  if (node.type === 'ImportDeclaration') return true;
  return !body.some((other) => other.type === 'ImportDeclaration');
}

/** Adds the names the package reads now but harden's module does not list yet. */
function completeModule(j: any, root: any, plan: Plan, sites: { changed(node: any, message: string): boolean }): void {
  let schema: any;
  root.find(j.VariableDeclarator, { id: { type: 'Identifier', name: 'ENV_SCHEMA' } }).forEach((path: any) => {
    if (path.node.init?.type === 'ObjectExpression') schema = path.node.init;
  });
  if (!schema) return;
  const listed = new Set(schema.properties.map((p: any) => p.key?.name ?? p.key?.value));
  const missing = [...plan.rules].filter(([name]) => !listed.has(name));
  if (missing.length === 0) return;
  if (!sites.changed(schema, `lists ${missing.length} more environment variables the server reads: ${missing.map(([name]) => name).join(', ')}`)) return;
  // parsed by recast from text, so each property keeps the one-line form of the generated ones
  const added = j(`({\n${missing.map(([name, rule]) => `  ${name}: ${ruleCode(name, rule)},`).join('\n')}\n})`).get().node.program.body[0].expression;
  schema.properties.push(...added.properties);
}
