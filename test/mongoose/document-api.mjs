#!/usr/bin/env node
/**
 * Generates transforms/mongoose-lean/document-api.json: the names a hydrated Mongoose document
 * answers and a lean result lacks, read from Mongoose itself (the own property names of
 * `Document.prototype`, `Model.prototype` and a compiled model's prototype, `$`-prefixed internals and `constructor` left out;
 * mongoose-lean refuses every `$` name anyway). harden never requires mongoose at run time, so
 * the list is generated here and committed; test/mongoose/document-api.test.ts fails when the
 * installed mongoose (a devDependency) answers differently from the committed entry for its version.
 *
 *   node test/mongoose/document-api.mjs                   # print the installed version's entry
 *   node test/mongoose/document-api.mjs --write [dir...]  # rewrite the file: the installed mongoose
 *                                                         # plus the mongoose installs under each dir
 *                                                         # (older majors users still run: 5, 6)
 * Entries of versions not given are kept, so an older major read once stays in the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FILE = fileURLToPath(new URL('../../transforms/mongoose-lean/document-api.json', import.meta.url));

const own = (prototype) =>
  Object.getOwnPropertyNames(prototype).filter((name) => name !== 'constructor' && !name.startsWith('$')).sort();

/** The entry of one mongoose module. */
export function entryOf(mongoose) {
  // a compiled model's prototype adds db, collection, schema, discriminators (its schema paths and `id` left out)
  const instance = new mongoose.Mongoose();
  const probe = instance.model('HardenProbe', new instance.Schema({}));
  const paths = new Set(['_id', '__v', 'id']);
  return {
    document: own(mongoose.Document.prototype),
    model: own(mongoose.Model.prototype),
    compiledModel: own(probe.prototype).filter((name) => !paths.has(name)),
  };
}

export function installed() {
  const require = createRequire(import.meta.url);
  const mongoose = require('mongoose');
  return { version: mongoose.version, entry: entryOf(mongoose) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [flag, ...dirs] = process.argv.slice(2);
  const current = installed();
  if (flag !== '--write') {
    console.log(JSON.stringify({ [current.version]: current.entry }, null, 2));
  } else {
    const data = JSON.parse(readFileSync(FILE, 'utf8'));
    data.versions[current.version] = current.entry;
    for (const dir of dirs) {
      const mongoose = createRequire(join(dir, 'noop.js'))('mongoose');
      data.versions[mongoose.version] = entryOf(mongoose);
    }
    data.versions = Object.fromEntries(Object.entries(data.versions).sort(([a], [b]) => b.localeCompare(a, 'en', { numeric: true })));
    writeFileSync(FILE, `${JSON.stringify(data, null, 2)}\n`);
    console.error(`wrote ${FILE}: ${Object.keys(data.versions).join(', ')}`);
  }
}
