/**
 * What `$eq` does to a filter in real Mongoose (node_modules, no server: the query is cast with
 * `Query.prototype.cast` and its filter read with `getFilter()`, then matched against documents in
 * memory with sift, the matcher Mongoose itself ships): a handler goes through mongo-filter-eq,
 * then runs on requests. A string keeps its results, `{ "$ne": null }` — which before the rewrite
 * matched every user — is rejected by Mongoose's cast, and a number-typed path still casts '5'.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mongoFilterEq from '../../transforms/mongo-filter-eq/index.js';
import type { AnyTransform } from '../../src/transform.js';
import { tempProject, type TempProject } from '../console-to-logger/project.js';

const projects: TempProject[] = [];
afterAll(() => projects.forEach((project) => project.remove()));

const handler = `const User = require('./models/User');

exports.login = (req) => User.findOne({ email: req.body.email });
exports.byAge = (req) => {
  const { age } = req.query;
  return User.find({ age });
};
`;

/** One model name per project: both projects share the one mongoose of node_modules. */
const model = (name: string) => `const mongoose = require('mongoose');

const userSchema = new mongoose.Schema({ email: String, age: Number });

module.exports = mongoose.model('${name}', userSchema);
`;

const users = [
  { email: 'ada@example.com', age: 36 },
  { email: 'alan@example.com', age: 41 },
  { email: 'grace@example.com', age: 5 },
];

function setUp(rewrite: boolean) {
  const project = tempProject({
    'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { express: '^4.21.0', mongoose: '^8.0.0' } }),
    'src/handler.js': handler,
    'src/models/User.js': model(rewrite ? 'UserAfter' : 'UserBefore'),
  });
  projects.push(project);
  if (rewrite) project.transform(mongoFilterEq as AnyTransform);
  const load = createRequire(join(project.dir, 'src', 'handler.js'));
  const sift = load('sift').default as (filter: unknown) => (doc: unknown) => boolean;
  const api = load('./handler.js') as Record<string, (req: unknown) => any>;
  const User = load('./models/User.js');
  /** The documents the query would return, or the cast error's name. */
  const run = (name: string, req: unknown): unknown[] | string => {
    const query = api[name]!(req);
    try {
      query.cast(User);
    } catch (error) {
      return (error as Error).name;
    }
    return users.filter(sift(query.getFilter()));
  };
  return { project, run };
}

describe('mongo-filter-eq against Mongoose query casting', () => {
  const before = setUp(false);
  const after = setUp(true);

  it('rewrites both filters', () => {
    const text = after.project.read('src/handler.js');
    expect(text).toContain('User.findOne({ email: { $eq: req.body.email } })');
    expect(text).toContain('User.find({ age: { $eq: age } })');
  });

  it('a string keeps its results', () => {
    const req = { body: { email: 'alan@example.com' } };
    expect(before.run('login', req)).toEqual([users[1]]);
    expect(after.run('login', req)).toEqual([users[1]]);
  });

  it('{ "$ne": null } matched every user before; now Mongoose rejects it', () => {
    const req = { body: { email: { $ne: null } } };
    expect(before.run('login', req)).toEqual(users);
    expect(after.run('login', req)).toBe('CastError');
  });

  it('a query-string number is still cast to the path type', () => {
    expect(after.run('byAge', { query: { age: '5' } })).toEqual([users[2]]);
    expect(after.run('byAge', { query: { age: { $gt: '1' } } })).toBe('CastError');
    expect(before.run('byAge', { query: { age: { $gt: '1' } } })).toEqual(users);
  });

  it('an array is rejected (it was $in: the documented change); a missing field stays `undefined` either way (the driver sends null)', () => {
    const list = { query: { age: ['5', '36'] } };
    expect(before.run('byAge', list)).toEqual([users[0], users[2]]);
    expect(after.run('byAge', list)).toBe('CastError');
    expect(before.run('login', { body: {} })).toEqual([]);
    expect(after.run('login', { body: {} })).toEqual([]);
  });
});
