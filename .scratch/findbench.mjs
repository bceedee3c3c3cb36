import { readFileSync } from 'node:fs';
import jscodeshift from 'jscodeshift';
import recast from 'recast';
const { parseForAnalysis } = await import('/work/main/dist/src/engine/parse.js');
const path = process.argv[2];
const text = readFileSync(path, 'utf8');
const j = jscodeshift.withParser('babel');
const root = j(parseForAnalysis(text, path, { flow: false }).ast);
const types = recast.types;
let t = performance.now();
let n = 0;
for (let i = 0; i < 20; i++) n += root.find(j.CallExpression).size() + root.find(j.Identifier, { name: 'x' }).size();
console.log('ast-types find x40', (performance.now() - t).toFixed(0), 'ms', n);
// raw walk
const lookupCache = new Map();
function matching(typeName) { let s = lookupCache.get(typeName); if (!s) { const m = new Map(); s = new Proxy({}, { get(_, t) { let v = m.get(t); if (v === undefined) { try { v = t === typeName || types.getSupertypeNames(t).includes(typeName); } catch { v = false; } m.set(t, v); } return v; } }); lookupCache.set(typeName, s); } return s; }
function rawFind(rootPath, typeName) {
  const table = matching(typeName); const out = [];
  const walk = (path) => {
    const value = path.value;
    if (Array.isArray(value)) { for (let i = 0; i < value.length; i++) walk(path.get(i)); return; }
    if (!value || typeof value !== 'object') return;
    if (path !== rootPath && typeof value.type === 'string' && table[value.type]) out.push(path);
    const names = types.getFieldNames(value);
    for (const name of names) { if (!Object.prototype.hasOwnProperty.call(value, name)) value[name] = types.getFieldValue(value, name); const child = value[name]; if (child && typeof child === 'object') walk(path.get(name)); }
  };
  walk(rootPath); return out;
}
t = performance.now(); n = 0;
for (let i = 0; i < 20; i++) n += rawFind(root.paths()[0], 'CallExpression').length + rawFind(root.paths()[0], 'Identifier').filter(p => p.value.name === 'x').length;
console.log('raw path walk x40', (performance.now() - t).toFixed(0), 'ms', n);
// raw node walk (no paths)
function nodeWalk(node, table, out) {
  if (Array.isArray(node)) { for (const c of node) nodeWalk(c, table, out); return; }
  if (!node || typeof node !== 'object') return;
  if (typeof node.type === 'string' && table[node.type]) out.push(node);
  for (const name of types.getFieldNames(node)) { const c = node[name]; if (c && typeof c === 'object') nodeWalk(c, table, out); }
}
t = performance.now(); n = 0;
for (let i = 0; i < 20; i++) { const a = []; nodeWalk(root.paths()[0].value, matching('CallExpression'), a); const b = []; nodeWalk(root.paths()[0].value, matching('Identifier'), b); n += a.length + b.filter(x => x.name === 'x').length; }
console.log('raw node walk x40', (performance.now() - t).toFixed(0), 'ms', n);
