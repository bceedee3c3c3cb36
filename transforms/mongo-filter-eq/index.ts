import recast from 'recast';
import { z } from 'zod';
import { parserFor } from '../../src/engine/parse.js';
import { enclosingFunction, requestParam } from '../../src/ast/functions.js';
import { ModelResolver } from '../../src/ast/mongoose/models.js';
import { expressMajor, routesOf } from '../../src/ast/routes.js';
import { defineTransform } from '../../src/transform.js';
import { originOf } from './values.js';

/** Query methods whose first argument is a filter (`distinct(field, filter)`: the second). */
const FILTER_ARGUMENT: Record<string, number> = {
  find: 0, findOne: 0, findOneAndUpdate: 0, findOneAndDelete: 0, findOneAndReplace: 0, findOneAndRemove: 0,
  updateOne: 0, updateMany: 0, deleteOne: 0, deleteMany: 0, replaceOne: 0, countDocuments: 0, count: 0, exists: 0,
  distinct: 1,
};
const COMBINATORS = new Set(['$and', '$or', '$nor']);
/** Packages that strip `$` keys from every request before the handlers see it. */
const SANITIZERS = ['express-mongo-sanitize', '@exortek/express-mongo-sanitize'];

type Reason = 'whole-request-filter' | 'already-cast' | 'validated-request' | 'route-parameter' | 'query-string-simple' | 'aggregation-match' | 'model-unresolved' | 'request-sanitized';

/** Middleware names that validate a request before the handler (express-validation, celebrate, a project's validate()). */
const VALIDATOR = /valid|celebrate|schema|zod|joi|yup|sanitiz|^(check|body|query|param)$/i;

export default defineTransform({
  id: 'mongo-filter-eq',
  title: 'Compare request values in Mongo filters with $eq',
  description:
    'A value taken straight from the request (`req.body.x`, `req.query.x`, `req.params.x`, or a local destructured from them) ' +
    'used as a field value in the filter of a Mongoose model query becomes `{ $eq: value }`, so an object such as ' +
    '`{ "$ne": null }` sent by a client is compared as a value (Mongoose rejects it) instead of run as a query operator.',
  seed: [
    { review: '003', finding: 'No Request/Response Validation' },
    { review: '002', finding: 'No request validation/sanitization' },
  ],
  skipReasons: {
    'whole-request-filter':
      'the whole request object (`req.query`, `req.body`) is the filter: every key and operator comes from the client; pick the fields the endpoint filters on by hand',
    'already-cast': 'the value goes through a cast or a validator first (String(), Number(), parseInt, ObjectId, a zod/joi/express-validator result), so it cannot carry an operator',
    'validated-request':
      'the request is validated before the query: a validator middleware where the route is registered (`validate(schema)`, `celebrate(...)`, express-validator chains), a validator of the request part in the handler (`validateLogin(req.body)`), or express-validator\'s check of this field with validationResult(req) in the handler',
    'route-parameter': 'an Express route parameter (`req.params.x`) is always a string taken from the path, so it cannot carry an operator',
    'query-string-simple':
      'the package is on Express 5, whose default query parser is the simple one: `req.query` values are strings or arrays of strings, never objects, so they cannot carry an operator (set `query parser` to `extended` and harden rewrites them)',
    'aggregation-match':
      'a `$match` stage of an aggregation: Mongoose does not cast pipelines, so a request string never matches an ObjectId or a number there either way; cast the value explicitly by hand',
    'model-unresolved': 'the receiver looks like a model but harden cannot prove it is one (a parameter, an unresolved import); the $eq form is right for Mongoose and the driver alike, apply it by hand',
    'request-sanitized': 'the package depends on express-mongo-sanitize, which already strips `$` keys from every request',
  } satisfies Record<Reason, string>,
  needs: ['req.', 'request.'],
  scope: 'file',
  standAloneSites: true,
  options: z.object({}),
  apply({ j, root, file, sites, project }) {
    const models = new ModelResolver(j, project, file.path);
    const validations = new Map<any, string | undefined>();
    /** Express 5 parses query strings with `querystring` unless the project asks for `qs` ('query parser'). */
    const simpleQueries = () => (expressMajor(file.package) ?? 0) >= 5 && !project.files.some((path) => /['"]query parser['"]/.test(project.readFile(path) ?? ''));
    /** Why the request reaching the handler around `path` is validated already, if it is. */
    const validated = (path: any, field: string, part: string): string | undefined => {
      let handler = enclosingFunction(path);
      while (handler && !requestParam(handler)) handler = enclosingFunction(handler);
      if (!handler) return undefined;
      const checked = checkedInHandler(j, handler, field, part);
      if (checked) return checked;
      if (!validations.has(handler.node)) {
        const routes = routesOf(j, file.path, project, handler);
        const found = 'routes' in routes ? routes.routes.flatMap((route) => route.middleware.filter((name) => VALIDATOR.test(name)).map((name) => `\`${name}(…)\` in the route at ${route.file}:${route.line}`)) : [];
        validations.set(handler.node, found[0]);
      }
      return validations.get(handler.node);
    };
    const sanitized = SANITIZERS.find((name) => file.package?.dependencyRange(name) !== undefined);
    root.find(j.CallExpression).forEach((path: any) => {
      const callee = path.node.callee;
      if (callee.type !== 'MemberExpression' || callee.computed) return;
      const method = callee.property.name;
      if (method === 'aggregate') return aggregation(path);
      const at = FILTER_ARGUMENT[method];
      if (at === undefined) return;
      const filterPath = path.get('arguments', at);
      const filter = filterPath.value;
      if (!filter) return;
      const targets: Array<{ property: any; text: string }> = [];
      const refusals: Array<{ node: any; reason: Reason; detail?: string }> = [];
      const whole = originOf(path, filter);
      if (whole.kind === 'whole-request') refusals.push({ node: filter, reason: 'whole-request-filter', detail: whole.text });
      else if (filter.type === 'ObjectExpression') collect(path, filter, targets, refusals);
      if (targets.length === 0 && refusals.length === 0) return;
      const verdict = models.receiver(path);
      if (!verdict) return;
      if (verdict.kind === 'refused') return sites.skipped(path.node, 'model-unresolved', verdict.detail);
      for (const refusal of refusals) sites.skipped(refusal.node, refusal.reason, refusal.detail);
      for (const target of targets) {
        if (sanitized) {
          sites.skipped(target.property, 'request-sanitized', sanitized);
          continue;
        }
        if (target.text.startsWith('req.params.')) {
          sites.skipped(target.property, 'route-parameter', target.text);
          continue;
        }
        if (target.text.startsWith('req.query.') && simpleQueries()) {
          sites.skipped(target.property, 'query-string-simple', `express ${file.package?.dependencyRange('express')}`);
          continue;
        }
        const [, part = '', ...rest] = target.text.split('.');
        const why = validated(path, rest.join('.'), part);
        if (why) {
          sites.skipped(target.property, 'validated-request', why);
          continue;
        }
        const key = keyText(target.property);
        if (!sites.changed(target.property, `${key}: ${target.text} compared with $eq in ${verdict.model.name}.${method}()`)) continue;
        const property = target.property;
        // parsed from text, so the object stays on one line: `{ $eq: req.body.email }`
        property.value = recast.parse(`x = { $eq: ${sourceOf(property.value)} }`, { parser: parserFor(file.path) }).program.body[0].expression.right;
        if (property.shorthand) property.shorthand = false;
      }
    });

    function aggregation(path: any): void {
      const verdict = models.receiver(path);
      if (verdict?.kind !== 'model') return;
      const stages = path.node.arguments[0];
      if (stages?.type !== 'ArrayExpression') return;
      for (const stage of stages.elements) {
        if (stage?.type !== 'ObjectExpression') continue;
        const match = stage.properties.find((p: any) => keyText(p) === '$match');
        if (match?.value?.type !== 'ObjectExpression') continue;
        const targets: Array<{ property: any; text: string }> = [];
        const refusals: Array<{ node: any; reason: Reason; detail?: string }> = [];
        collect(path, match.value, targets, refusals);
        for (const target of targets) sites.skipped(target.property, 'aggregation-match', target.text);
      }
    }
  },
});

/**
 * express-validator in the handler itself: `validationResult(req)` is read, and a chain checks this
 * field (`check('email').isEmail().run(req)`, `body('email')…`).
 */
function checkedInHandler(j: any, handler: any, field: string, part: string): string | undefined {
  const calls = j(handler.node).find(j.CallExpression).nodes();
  const named = (node: any, names: RegExp) => node.callee.type === 'Identifier' && names.test(node.callee.name);
  // `const { error } = validateLogin(req.body)`, `schema.validate(req.body)`: a validator of the whole part
  const ofPart = (argument: any) => argument?.type === 'MemberExpression' && !argument.computed && argument.property.name === part && argument.object.type === 'Identifier';
  const validator = calls.find((node: any) => {
    const name = node.callee.type === 'Identifier' ? node.callee.name : node.callee.type === 'MemberExpression' && !node.callee.computed ? node.callee.property.name : '';
    return /valid/i.test(name) && node.arguments.some(ofPart);
  });
  if (validator) return `\`${validator.callee.type === 'Identifier' ? validator.callee.name : validator.callee.property.name}(req.${part})\` in the handler`;
  if (!calls.some((node: any) => named(node, /^validationResult$/))) return undefined;
  const check = calls.find((node: any) => named(node, /^(check|body|query|param)$/) && node.arguments[0]?.value === field);
  return check ? `express-validator: \`${check.callee.name}('${field}')\` and validationResult(req) in the handler` : undefined;
}

/** A value's text as written (one line for the values this transform takes: names and member chains). */
function sourceOf(node: any): string {
  const { lines, start, end } = node.loc;
  return String(lines.slice(start, end).toString({ lineTerminator: '\n' }));
}

function keyText(property: any): string | undefined {
  if (property.type !== 'ObjectProperty' && property.type !== 'Property') return undefined;
  if (property.computed) return undefined;
  if (property.key.type === 'Identifier') return property.key.name;
  return typeof property.key.value === 'string' ? property.key.value : undefined;
}

/** Field values of a filter literal (and of the literals inside `$and`/`$or`/`$nor`) that come from the request. */
function collect(path: any, filter: any, targets: Array<{ property: any; text: string }>, refusals: Array<{ node: any; reason: Reason; detail?: string }>): void {
  for (const property of filter.properties) {
    if (property.type === 'SpreadElement' || property.type === 'SpreadProperty') {
      const origin = originOf(path, property.argument);
      if (origin.kind === 'whole-request') refusals.push({ node: property, reason: 'whole-request-filter', detail: `...${origin.text}` });
      continue;
    }
    const key = keyText(property);
    if (key === undefined) continue;
    if (COMBINATORS.has(key)) {
      if (property.value.type === 'ArrayExpression') {
        for (const element of property.value.elements) if (element?.type === 'ObjectExpression') collect(path, element, targets, refusals);
      }
      continue;
    }
    if (key.startsWith('$')) continue; // $text, $where, $expr: operators of their own
    const origin = originOf(path, property.value);
    if (origin.kind === 'request') targets.push({ property, text: origin.text });
    else if (origin.kind === 'cast') refusals.push({ node: property, reason: 'already-cast', detail: origin.text });
    else if (origin.kind === 'whole-request') refusals.push({ node: property, reason: 'whole-request-filter', detail: origin.text });
  }
}
