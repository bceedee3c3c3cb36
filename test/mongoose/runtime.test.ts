/**
 * The rewritten queries, run against real Mongoose 8 models without a database: the generated
 * query expressions (taken from the chain's output, not retyped) are evaluated with real models,
 * and the resulting Query's options are checked (lean, skip, limit, sort, filter). The generated
 * page/limit statements are evaluated against request queries, and the generated pool options
 * are accepted by the real MongoDB driver's option parser.
 */
import { parse } from '@babel/parser';
import mongoose, { Schema } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { Project } from '../../src/engine/project.js';
import { runFile } from '../../src/engine/run-file.js';
import { resolveChain } from '../../src/cli/chain.js';
import { registry } from '../../transforms/index.js';

const Video = mongoose.model('RuntimeVideo', new Schema({ email: String, title: String, createdAt: Date }));

function runPreset(source: string, path = 'src/app.js'): string {
  const chain = resolveChain({ preset: 'mongo-express' }, registry);
  const result = runFile({ path, text: source, chain, project: new Project('/nonexistent', [path]) });
  if (result.status !== 'changed') throw new Error(`expected a change, got ${JSON.stringify(result)}`);
  return result.output;
}

/** Source text of every `await <expr>` argument and `const x = <expr>` initialiser in `code`. */
function pieces(code: string): { awaited: string[]; consts: Map<string, string> } {
  const ast = parse(code, { sourceType: 'unambiguous', plugins: ['typescript'] });
  const awaited: string[] = [];
  const consts = new Map<string, string>();
  const walk = (node: any) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'AwaitExpression') awaited.push(code.slice(node.argument.start, node.argument.end));
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init) consts.set(node.id.name, code.slice(node.init.start, node.init.end));
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object' && key !== 'loc') walk(value);
    }
  };
  walk(ast.program);
  return { awaited, consts };
}

const handler = `const mongoose = require('mongoose');
const router = require('express').Router();
const Video = mongoose.model('Video', new mongoose.Schema({ email: String, title: String }));

exports.list = async (req, res) => {
  const videos = await Video.find({ email: req.query.email });
  res.json(videos);
};

router.get('/videos', exports.list);
exports.router = router;
`;

/** The source text of the `if (…) { … }` statement the transform adds after the rows. */
function linkStatement(code: string): string {
  const ast = parse(code, { sourceType: 'unambiguous', plugins: ['typescript'] });
  let found = '';
  const walk = (node: any) => {
    if (!node || typeof node.type !== 'string' || found) return;
    if (node.type === 'IfStatement' && code.slice(node.start, node.end).includes("'Link'")) found = code.slice(node.start, node.end);
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object' && key !== 'loc') walk(value);
    }
  };
  walk(ast.program);
  return found;
}

describe('mongo-express preset output against real Mongoose 8 queries', () => {
  const output = runPreset(handler);
  const { awaited, consts } = pieces(output);
  const query = awaited.find((text) => text.startsWith('Video.find'))!;

  it('adds lean, a stable sort, skip and limit to the handler query', () => {
    expect(query).toMatch(/\.lean\(\)/);
    const build = new Function('Video', 'req', 'page', 'limit', `return ${query};`);
    const q = build(Video, { query: { email: 'a@b.c' } }, 3, 25);
    expect(q).toBeInstanceOf(mongoose.Query);
    expect(q._mongooseOptions.lean).toBe(true);
    expect(q.getOptions()).toMatchObject({ skip: 50, limit: 25, sort: { _id: 1 } });
    expect(q.getFilter()).toEqual({ email: 'a@b.c' });
  });

  it('reads page and limit from req.query as positive integers with a default and a maximum', () => {
    const page = new Function('req', `return ${consts.get('page')};`);
    const limit = new Function('req', `return ${consts.get('limit')};`);
    const cases: [Record<string, unknown>, number, number][] = [
      [{}, 1, 20],
      [{ page: '3', limit: '50' }, 3, 50],
      [{ page: '0', limit: '500' }, 1, 100],
      [{ page: '-2', limit: '-5' }, 1, 1],
      [{ page: 'abc', limit: 'x' }, 1, 20],
      [{ page: ['2', '9'], limit: '10' }, 2, 10],
      [{ page: '99999999999', limit: '20' }, 10000, 20], // bounded: skip stays below 10000 pages
    ];
    for (const [query, p, l] of cases) {
      const req = Object.freeze({ query: Object.freeze(query) }); // Express 5: req.query is read-only
      expect([page(req), limit(req)]).toEqual([p, l]);
    }
  });

  it('lets a client reach every row by following Link rel="next", keeping the other query parameters', () => {
    const rows = Array.from({ length: 45 }, (_, i) => i);
    const statement = linkStatement(output);
    const page = new Function('req', `return ${consts.get('page')};`);
    const limit = new Function('req', `return ${consts.get('limit')};`);
    const links = new Function('req', 'res', 'videos', 'page', 'limit', statement);
    let url: string | undefined = '/api/videos?email=a%40b.c&limit=20';
    const seen: number[] = [];
    const urls: string[] = [];
    for (let guard = 0; url && guard < 10; guard++) {
      const parsed = new URL(url, 'http://x');
      const req = { originalUrl: url, query: Object.fromEntries(parsed.searchParams) };
      const p = page(req);
      const l = limit(req);
      const pageRows = rows.slice((p - 1) * l, (p - 1) * l + l);
      seen.push(...pageRows);
      const headers: string[] = [];
      links(req, { append: (name: string, value: string) => headers.push(`${name}: ${value}`) }, pageRows, p, l);
      urls.push(...headers);
      url = headers.length ? /<([^>]+)>; rel="next"/.exec(headers[0]!)![1] : undefined;
    }
    expect(seen).toEqual(rows);
    expect(urls).toEqual([
      'Link: </api/videos?email=a%40b.c&limit=20&page=2>; rel="next"',
      'Link: </api/videos?email=a%40b.c&limit=20&page=3>; rel="next"',
    ]);
  });

  it('leaves a service function whole when its callers pass no page, and still puts lean before exec', () => {
    const service = `const mongoose = require('mongoose');
const Video = mongoose.model('Video', new mongoose.Schema({ email: String }));
async function getUserVideos(email) {
  return await Video.find({ email }).sort({ createdAt: -1 }).exec();
}
async function list(req, res) { res.json(await getUserVideos(req.query.email)); }
module.exports = { list };
`;
    const out = runPreset(service);
    const text = pieces(out).awaited.find((t) => t.startsWith('Video.find'))!;
    expect(text).toMatch(/\.lean\(\)\.exec\(\)$/);
    const q = new Function('Video', 'email', `return ${text.replace(/\.exec\(\)$/, '')};`)(Video, 'x');
    expect(q._mongooseOptions.lean).toBe(true);
    expect(q.getOptions()).toEqual({ sort: { createdAt: -1 } });
    expect(out).toContain('async function getUserVideos(email) {');
  });

  it('callback-style queries get { lean: true } in the options argument Mongoose reads', () => {
    const legacy = `var mongoose = require('mongoose');
var Log = mongoose.model('Log', new mongoose.Schema({ status: Number }));
exports.errors = function (req, res) {
  Log.findById(req.params.id, function (err, log) { res.json(log); });
};
`;
    const out = runPreset(legacy);
    const call = /Log\.findById\(([\s\S]*?), function/.exec(out)![1]!;
    const q = new Function('Video', 'req', `return Video.findById(${call});`)(Video, { params: { id: '507f1f77bcf86cd799439011' } });
    expect(q._mongooseOptions.lean).toBe(true);
  });
});

describe('generated pool options', () => {
  it('are accepted by the real MongoDB driver and read the environment with defaults', () => {
    const out = runPreset(`const mongoose = require('mongoose');\nmongoose.connect(process.env.MONGO_URI);\n`);
    const options = /mongoose\.connect\(process\.env\.MONGO_URI, (\{[\s\S]*\})\);/.exec(out)![1]!;
    const build = new Function('process', `return ${options};`);
    const defaults = build({ env: {} });
    expect(defaults).toEqual({ maxPoolSize: 10, minPoolSize: 2, maxIdleTimeMS: 30000, serverSelectionTimeoutMS: 30000, socketTimeoutMS: 45000, connectTimeoutMS: 10000 });
    expect(build({ env: { MONGO_MAX_POOL_SIZE: '50' } }).maxPoolSize).toBe(50);
    const client = new mongoose.mongo.MongoClient('mongodb://127.0.0.1:1/x', defaults); // validates options, does not connect
    expect(client.options.maxPoolSize).toBe(10);
    expect(client.options.minPoolSize).toBe(2);
    expect(client.options.maxIdleTimeMS).toBe(30000);
  });
});
