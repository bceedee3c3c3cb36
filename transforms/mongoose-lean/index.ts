import { z } from 'zod';
import { mayQueryModels, ModelResolver } from '../../src/ast/mongoose/models.js';
import { chainedCall, unwrapExpression } from '../../src/ast/scope.js';
import { defineTransform } from '../../src/transform.js';
import { BUILDERS, Flow, Refusal } from './flow.js';
import { callbackLean, OPTIONS_INDEX } from './callback.js';

const READ_METHODS = ['find', 'findOne', 'findById'];
/** Queries that write and return the document they found; `findOneAndRemove`/`findByIdAndRemove` are Mongoose ≤ 7's names for the deletes. */
const WRITE_AND_READ = [
  'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'findByIdAndUpdate', 'findByIdAndDelete', 'findOneAndRemove', 'findByIdAndRemove',
];
/** Chain methods after which a query no longer yields documents (or is lean already). */
const NOT_DOCUMENTS = new Set(['lean', 'cursor', 'stream', 'explain', 'countDocuments', 'count', 'estimatedDocumentCount', 'distinct', 'eachAsync', 'transform']);

export default defineTransform({
  id: 'mongoose-lean',
  title: 'Add .lean() to read-only Mongoose queries',
  description:
    'Queries whose documents are only read (never saved, mutated, or used through document methods, virtuals or `.id`, ' +
    'followed through variables, array methods, helpers and callers in the project) return plain objects with .lean().',
  seed: { review: '000', finding: 'Missing `.lean()` in Many Queries' },
  skipReasons: {
    'result-saved': 'the result is passed to .save(); a lean result has no save()',
    'result-used-as-document':
      'the result is used as a Mongoose document (toObject/toJSON/populate/set/get/isModified/…, instanceof, a spread); lean results are plain objects',
    'result-reads-id': 'the result is read through `.id`, a virtual that lean results do not have; use `._id` (an ObjectId) or keep the document',
    'result-uses-schema-virtual': 'the result reads a virtual defined on the schema; lean results have no virtuals',
    'result-uses-schema-method': 'the result calls an instance method defined on the schema; lean results have no methods',
    'result-mutated': 'a property of the result is assigned; documents cast and track such writes, plain objects do not',
    'result-stored-on-req': 'the result is stored on the request (`req.user = …`), so every later middleware and handler may use it as a document',
    'result-escapes':
      'the result reaches code harden does not follow (stored outside the function, passed to a function it cannot read, used in an expression it does not analyse); it may rely on document behaviour',
    'returned-to-unresolved-caller':
      'the result is returned, and not every caller can be found in the project (the function is passed as a value, re-exported, or only called from outside); check the callers by hand',
    'schema-hides-fields':
      'the result is sent or serialised, and the schema hides data when documents serialise (a toJSON/toObject transform, a plugin); a lean result would leak it',
    'schema-shapes-output':
      'the result is sent or serialised, and the schema changes what documents serialise to (toJSON virtuals or getters, field getters); the response would change',
    'schema-unknown': "the model's schema could not be read (imported, built elsewhere, or the model is looked up by name), so its virtuals, methods and toJSON options are unknown",
    'receiver-not-provably-model':
      'the receiver is a function parameter, a property of another object (`list.model`) or is injected by a DI container, so harden cannot prove it is a Mongoose model or see its schema',
    'model-unresolved': 'the receiver is imported from a project module that does not visibly export a Mongoose model',
    'callback-options-not-literal':
      'a callback-style query whose options argument is not an object literal; `{ lean: true }` cannot be merged into it (and `.lean()` cannot follow a query that already ran)',
  },
  needs: ['.find'],
  prefilter: mayQueryModels,
  scope: 'file',
  standAloneSites: true,
  options: z.object({
    methods: z
      .array(z.string())
      .default([...READ_METHODS, ...WRITE_AND_READ])
      .describe('Model methods whose queries are considered (findOneAnd*/findByIdAnd* only when the returned document is only read).'),
  }),
  apply({ j, root, file, options, sites, project }) {
    const models = new ModelResolver(j, project, file.path);
    const methods = new Set(options.methods);
    // edits wait until every candidate is analysed, so each analysis sees the original tree
    const edits: Array<() => void> = [];
    // the filter takes nodes, so a NodePath is made for the candidates only
    const candidates = root.find(j.CallExpression, (node: any) => {
      const callee = node.callee;
      return callee.type === 'MemberExpression' && !callee.computed && methods.has(callee.property.name);
    });
    candidates.forEach((path: any) => {
      const verdict = models.receiver(path);
      if (!verdict) return;
      if (verdict.kind === 'refused') return sites.skipped(path.node, verdict.reason, verdict.detail);
      const chain = chainTop(path);
      if (!chain) return;
      const { model } = verdict;
      if (!model.schema) return sites.skipped(path.node, 'schema-unknown', `${model.name}: ${model.schemaProblem}`);
      const method = path.node.callee.property.name as string;
      const shape = method === 'find' ? 'docs' : 'doc';
      const flow = new Flow({ j, root, filePath: file.path, project, schema: model.schema });
      const last = unwrapExpression(path.node.arguments[path.node.arguments.length - 1]);
      const callbackStyle = last && /Function/.test(last.type);
      // what the query populates (its options, the builders up to `chain`), so that a field read as a plain id is not a populated one
      const options = path.node.arguments[OPTIONS_INDEX[method] ?? -1];
      if (options && !/Function/.test(unwrapExpression(options).type)) flow.populateOption(options);
      for (let at = path; at !== chain; at = at.parent.parent) {
        const builder = at.parent.node.property.name;
        if (builder === 'populate') flow.populates(at.parent.parent.node.arguments);
        if (builder === 'setOptions') flow.populateOption(at.parent.parent.node.arguments[0]);
      }
      try {
        if (callbackStyle) {
          const plan = callbackLean(j, path, method);
          if (plan === 'already') return;
          if (!plan) return sites.skipped(path.node, 'callback-options-not-literal');
          flow.callback(path.get('arguments', path.node.arguments.length - 1), shape);
          flow.settle();
          if (!sites.changed(path.node, `added { lean: true } to the options of ${model.name}.${method}() (callback style)`)) return;
          edits.push(plan);
          return;
        }
        flow.query(chain, shape);
        flow.settle();
      } catch (error) {
        if (error instanceof Refusal) return sites.skipped(path.node, error.reason, error.detail);
        throw error;
      }
      if (!sites.changed(path.node, `added .lean() to ${model.name}.${method}()`)) return;
      edits.push(() => chain.replace(j.callExpression(j.memberExpression(chain.node, j.identifier('lean')), [])));
    });
    for (const edit of edits) edit();
  },
});

/** The last builder call of the query started at `path`, or undefined when the chain is lean already or yields no documents. */
function chainTop(path: any): any {
  let top = path;
  for (let link = chainedCall(top); link; link = chainedCall(top)) {
    if (NOT_DOCUMENTS.has(link.name)) return undefined;
    if (!BUILDERS.has(link.name)) break;
    top = link.call;
  }
  // `.lean()` further down (after exec/then) cannot happen; also look through the rest of the chain for lean
  let scan = top;
  while (scan.parent?.node.type === 'MemberExpression' && scan.parent.parent?.node.type === 'CallExpression') {
    if (NOT_DOCUMENTS.has(scan.parent.node.property?.name)) return undefined;
    scan = scan.parent.parent;
  }
  return top;
}
