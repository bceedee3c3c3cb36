/**
 * The prefilter of the model-query transforms (mongoose-lean, mongoose-paginate): a file is parsed
 * for them only when it, or a project module it loads, names Mongoose, or it names a model. Each
 * case is one the text scan must get right so that no file lean could change is left out.
 */
import { describe, expect, it } from 'vitest';
import { Project } from '../../src/engine/project.js';
import { mayQueryModels } from '../../src/ast/mongoose/models.js';
import { tree } from '../support/tmp.js';

function admits(files: Record<string, string>, path: string): boolean {
  const root = tree(files);
  const project = new Project(root, Object.keys(files).filter((file) => /\.[cm]?[jt]sx?$/.test(file)));
  return mayQueryModels(files[path]!, { path, project });
}

const USER = "const mongoose = require('mongoose');\nmodule.exports = mongoose.model('User', new mongoose.Schema({}));\n";
const READ = "const { User } = require('../db');\nUser.find();\n";

describe('mayQueryModels', () => {
  it('follows re-exports, import cycles and tsconfig path aliases to the module that loads Mongoose', () => {
    expect(admits({ 'db/index.js': "exports.User = require('./user');\n", 'db/user.js': USER, 'src/read.js': READ }, 'src/read.js')).toBe(true);
    expect(admits({ 'db/index.js': "require('../src/read');\nexports.User = require('./user');\n", 'db/user.js': USER, 'src/read.js': READ }, 'src/read.js')).toBe(true);
    expect(
      admits(
        {
          'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@db/*": ["db/*"] } } }',
          'db/user.ts': "import mongoose from 'mongoose';\nexport const User = mongoose.model('User', new mongoose.Schema({}));\n",
          'src/read.ts': "import { User } from '@db/user';\nexport const all = () => User.find();\n",
        },
        'src/read.ts',
      ),
    ).toBe(true);
  });

  it('finds the specifier after a string that ends in a keyword', () => {
    const read = "const kind = process.env.KIND || 'import'; const db = require('../db');\nexports.list = () => db.User.find({});\n";
    expect(admits({ 'db/index.js': "module.exports = { User: require('./user') };\n", 'db/user.js': USER, 'src/read.js': read }, 'src/read.js')).toBe(true);
  });

  it('takes a Mongoose instance handed around as a property (`keystone.mongoose`) and schema statics', () => {
    expect(admits({ 'lib/list.js': "const mongoose = keystone.mongoose;\nList.find();\n" }, 'lib/list.js')).toBe(true);
    expect(admits({ 'lib/statics.js': 'schema.statics.active = function () { return this.find(); };\n' }, 'lib/statics.js')).toBe(true);
  });

  it('leaves out a file whose project never loads Mongoose, also through a cycle (a word in a comment is not a load)', () => {
    const files = {
      'src/a.js': "// see https://github.com/Automattic/mongoose/issues/6713\nconst b = require('./b');\nStore.find();\n",
      'src/b.js': "module.exports = require('./a');\n",
    };
    expect(admits(files, 'src/a.js')).toBe(false);
    expect(admits(files, 'src/b.js')).toBe(false);
  });
});
