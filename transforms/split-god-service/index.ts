import type { ClassDeclaration } from 'ts-morph';
import { Project } from './ts-morph.js';
import { z } from 'zod';
import { defineTransform, type ProjectContext } from '../../src/transform.js';
import { analyseCallers, type CallSite } from './callers.js';
import { emit } from './emit.js';
import { fieldUsedOutside, importersOf, methodTakenUnbound, subclassElsewhere } from './external.js';
import { groupMethods } from './grouping.js';
import { buildModel, isRefusal, lineCount } from './model.js';
import { makePlan } from './plan.js';
import { figures, summary } from './report.js';
import { applyEdits, detectStyle } from './text.js';

const options = z.object({
  minLines: z.number().int().positive().default(300).describe('A class of at least this many lines is a candidate.'),
  minMethods: z.number().int().positive().default(15).describe('A class with at least this many instance methods is a candidate.'),
  serviceSuffixes: z
    .array(z.string())
    .default(['Service', 'Manager', 'Client'])
    .describe('Class name endings that mark service-like code (classes under a services/ folder always are).'),
  minParts: z.number().int().min(2).default(2).describe('Fewest cohesive parts worth a split.'),
  minPartMethods: z.number().int().min(1).default(2).describe('Fewest methods a part needs.'),
  giantMethodShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.6)
    .describe('Refuse when the two largest methods hold at least this share of the class lines.'),
  partNames: z
    .record(z.string(), z.string())
    .default({})
    .describe('Renames generated classes: proposed name -> name to use (e.g. {"PlexIntegrationService": "PlexService"}).'),
  rewriteCallers: z
    .boolean()
    .default(false)
    .describe(
      'Also rewrite calls of delegated methods on instances of the class to use the parts directly (svc.plex.getPlexLibraries()), ' +
        'when every use of every instance is a method call in the project; the parts become public readonly properties of the facade.',
    ),
});

const skipReasons = {
  'dynamic-member-access': 'the class reads members with this[...]; which part a key belongs to cannot be known',
  'framework-decorators': 'a decorator (dependency injection, ORM) reads the class; the framework would not know the new parts',
  inheritance: 'the class extends a base its methods rely on (super, inherited members, overrides) or is subclassed; parts would lose that',
  'unsupported-member': 'an accessor, overload, generator, #private or computed member, or a method field using this; split by hand',
  'unbound-method-reference': 'a method is taken as a value without .bind(this); after delegation `this` would differ. Bind it in the constructor first',
  'this-escapes': 'a method that would move passes `this` on (returns, stores or hands it out); in a part it would be the part, not the service',
  'field-accessed-outside': 'another module reads or writes a field that would move; a delegating facade cannot keep that. Add methods for it first',
  'giant-methods': 'most of the class is one or two giant methods; splitting the class does not help, split those methods first',
  'too-few-groups': 'fewer cohesive groups of methods than `minParts`; nothing worth splitting',
  'tangled-helpers': 'a helper shared by several groups calls into one group; untangle it by hand',
  'constructor-order': 'the constructor mixes fields of different parts in a way a split cannot keep in order',
  'module-local-value':
    'moved code uses a module-level value that cannot move to the shared module: local to a CommonJS module (move it to a module of its own first), a let/var that code assigns to, or one that needs the class itself',
  'target-exists': 'a file the split would create already exists',
  'callers-not-all-resolvable':
    'rewriteCallers: an instance of the class is used other than to call its methods (handed on, re-exported, x[key]), so callers are left on the facade; the split itself still happens',
} as const;

type Reason = keyof typeof skipReasons;
type Context = ProjectContext<z.infer<typeof options>, Reason>;

export default defineTransform({
  id: 'split-god-service',
  title: 'Split an oversized service class into focused services behind an unchanged facade',
  description:
    'A service class over a size or method threshold is split into one class per cohesive group of methods ' +
    '(tied by fields, calls and name stems), with one shared object for state and helpers several groups use. ' +
    'The original class stays as a facade with the same name, constructor and public methods, delegating to the parts.',
  seed: { review: '004', finding: 'Monolithic 377-line IntegrationService' },
  skipReasons,
  needs: ['class '],
  scope: 'project',
  options,
  apply(context) {
    const written = new Map<string, string>();
    const write = (path: string, text: string) => {
      written.set(path, text);
      context.write(path, text);
    };
    const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, strict: true } });
    for (const [path, text] of context.files) {
      if (!/\.(ts|mts|cts|js|mjs|cjs)$/.test(path) || /\.d\.[cm]?ts$/.test(path) || !text.includes('class ')) continue;
      // A caller file rewritten by an earlier split (rewriteCallers) is read as rewritten.
      const normalized = written.get(path) ?? text.replace(/\r\n/g, '\n');
      const file = project.createSourceFile(`/${path}`, normalized, { overwrite: true });
      for (const cls of file.getClasses()) {
        if (isCandidate(cls, path, context.options)) splitClass(cls, path, normalized, context, project, written, write);
      }
    }
  },
});

function isCandidate(cls: ClassDeclaration, path: string, opts: Context['options']): boolean {
  const name = cls.getName();
  if (!name) return false;
  const serviceLike = opts.serviceSuffixes.some((s) => name.endsWith(s)) || /(^|\/)services?\//.test(path);
  const methods = cls.getMethods().filter((m) => !m.isStatic()).length;
  return serviceLike && (lineCount(cls) >= opts.minLines || methods >= opts.minMethods);
}

function splitClass(
  cls: ClassDeclaration,
  path: string,
  text: string,
  context: Context,
  project: Project,
  written: ReadonlyMap<string, string>,
  write: (path: string, text: string) => void,
): void {
  const { options: opts, sites, files } = context;
  const at = (node: { getStartLineNumber(): number; getStart(): number }) => {
    const line = node.getStartLineNumber();
    return { line, column: node.getStart() - text.lastIndexOf('\n', node.getStart() - 1) };
  };
  const name = cls.getNameNode()!;
  const skip = (reason: Reason, detail: string) => sites.skipped(path, at(name), reason, `${cls.getName()}: ${detail}`);

  const model = buildModel(cls);
  if (isRefusal(model)) return skip(model.reason, model.detail);
  const sizes = [...model.methods.values()].map((m) => m.lines).sort((a, b) => b - a);
  const giant = (sizes[0] ?? 0) + (sizes[1] ?? 0);
  if (giant >= opts.giantMethodShare * model.lines) {
    return skip('giant-methods', `the two largest methods hold ${giant} of ${model.lines} lines`);
  }
  const subclass = subclassElsewhere(model.name, path, files);
  if (subclass) return skip('inheritance', subclass.detail);
  const grouped = groupMethods(model, opts);
  if (!grouped.ok) return skip(grouped.reason, grouped.detail);
  const plan = makePlan(model, grouped.grouping, { path, partNames: opts.partNames });
  if ('reason' in plan) return skip(plan.reason, plan.detail);
  const escaping = [...plan.methodHolder.keys()].find((m) => model.methods.get(m)!.thisEscapes);
  if (escaping) return skip('this-escapes', `${escaping} uses this as a value`);
  const importers = importersOf(path, files);
  const outsideField = fieldUsedOutside([...plan.fieldHolder.keys()], importers, files);
  if (outsideField) return skip('field-accessed-outside', outsideField.detail);
  const unboundable = [...plan.methodHolder.keys()].filter((m) => !model.bound.has(m));
  const unbound = methodTakenUnbound(unboundable, importers, files);
  if (unbound) return skip('unbound-method-reference', unbound.detail);

  const exists = (file: string) => files.has(file) || context.project.exists(file);
  const existing = plan.holders.find((h) => exists(h.file));
  if (existing) return skip('target-exists', existing.file);

  let calls = new Map<string, CallSite[]>();
  if (opts.rewriteCallers) {
    const current = (file: string) => written.get(file) ?? files.get(file)?.replace(/\r\n/g, '\n');
    const callers = analyseCallers(project, model, plan, path, current, files.keys());
    if (callers.ok) calls = callers.calls;
    else sites.skipped(callers.file, { line: callers.line, column: callers.column }, 'callers-not-all-resolvable', callers.detail);
  }

  const typescript = /\.[cm]?tsx?$/.test(path);
  const esm = typescript || /\.mjs$/.test(path) || (/\.js$/.test(path) && context.packageOf(path)?.type === 'module') || /^\s*(import|export)\s/m.test(text);
  const emitted = emit(model, plan, { path, file: cls.getSourceFile(), style: detectStyle(text, cls), typescript, esm, publicParts: calls.size > 0 });
  if (!emitted.ok) return skip(emitted.reason, emitted.detail);
  if (emitted.files.has(plan.sharedFile) && exists(plan.sharedFile)) return skip('target-exists', plan.sharedFile);
  const message = summary(model, grouped.grouping, plan, figures(model, plan, emitted));
  if (!sites.changed(path, at(name), message)) return;
  for (const [file, output] of emitted.files) write(file, output);
  for (const [file, sites_] of calls) {
    const before = written.get(file) ?? files.get(file)!.replace(/\r\n/g, '\n');
    const wanted = sites_.filter((c) =>
      sites.changed(file, c, `${c.instance}.${c.method}(...) -> ${c.instance}.${c.holder.property}.${c.method}(...): call ${c.holder.className} directly`),
    );
    if (!wanted.length) continue;
    const edits = wanted.map((c) => ({ start: c.insertAt, end: c.insertAt, text: `.${c.holder.property}` }));
    write(file, applyEdits(before, edits));
  }
}
