/**
 * One walk per file: jscodeshift's `find` answered from a node index.
 *
 * `collection.find(type, filter)` is how transforms ask questions of a file, and jscodeshift answers
 * each one with a whole ast-types traversal (a NodePath and a visitor context for every node, the
 * visitor's method table computed again). A preset asks hundreds of questions per file, so that was
 * most of harden's time on real backends.
 *
 * Two answers replace it, both giving exactly what ast-types' `find` gives (the same NodePath
 * objects, in the same order, with the same missing fields filled in with their defaults):
 *
 * - **The index.** For a root the engine has marked (`indexRoot`), the first `find` walks the tree
 *   once and buckets every node by type, in document order (a preset asks every file many
 *   questions); every later `find` on that root or below any of its paths is a lookup. The index describes the tree as it was, so it is only used
 *   while nobody edits the tree: the engine marks a file's root before each transform runs (an index
 *   nothing has changed since is kept for the next transform) and stops at a transform's first accepted change (`stopIndexing`), before it is made; other files' parses (read-only context) stay
 *   indexed for the run; a NodePath edit (`replace`, `insertBefore`, `prune`, ...) stops it as well.
 * - **The exact walk.** Everywhere else, one walk over plain nodes that makes a NodePath only for the
 *   nodes it returns (through ast-types' child cache, so they are the paths ast-types would give).
 *
 * `HARDEN_CHECK_INDEX=1` checks every answer against ast-types' own `find` and throws on any
 * difference (run the fixtures and the corpus gate with it after changing a transform's edits).
 * `HARDEN_CHECK_DISCARD=1` makes a node of a tree the engine is done with throw when read (see
 * `discardTree`).
 */
import { createRequire } from 'node:module';
import jscodeshift from 'jscodeshift';
import recast from 'recast';

const types = recast.types;
const hasOwn = Object.prototype.hasOwnProperty;
const CHECK = process.env.HARDEN_CHECK_INDEX === '1';

/** Which node types a `find(type)` returns: the type and every type it is a supertype of. */
const typeTables = new Map<string, Map<string, boolean>>();
function matches(typeName: string, nodeType: string): boolean {
  let table = typeTables.get(typeName);
  if (!table) typeTables.set(typeName, (table = new Map()));
  let verdict = table.get(nodeType);
  if (verdict === undefined) {
    try {
      verdict = nodeType === typeName || types.getSupertypeNames(nodeType).includes(typeName);
    } catch {
      verdict = false; // not an ast-types definition: ast-types' visitor has no method for it either
    }
    table.set(nodeType, verdict);
  }
  return verdict;
}

/** ast-types' `builtInTypes.object` check: a plain object (a node, `extra`, ...), not a RegExp or a Date. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> => Object.prototype.toString.call(value) === '[object Object]';

/** ast-types' finalized definition of a node type (what `defFromValue` finds), if there is one. */
export function finalizedDef(type: string): any {
  // ast-types' namedTypes holds exactly the finalized definitions (Type.def would create one)
  const def = hasOwn.call(types.namedTypes, type) ? (types as any).Type.def(type) : undefined;
  return def?.finalized ? def : undefined;
}

/**
 * A node type's fields, in ast-types' order (they depend on the type only: ast-types looks the
 * definition up by `type`): the names, and the definitions' fields that give a missing field its
 * default. `undefined` for a value with no definition (its own keys are its fields).
 */
interface TypeFields {
  names: string[];
  fields: Array<{ getValue(value: unknown): unknown }>;
}
const fieldsByType = new Map<string, TypeFields | null>();
function typeFields(type: string, value: any): TypeFields | null {
  let entry = fieldsByType.get(type);
  if (entry === undefined) {
    const def = finalizedDef(type);
    if (!def) entry = null;
    else {
      const names: string[] = types.getFieldNames(value);
      entry = { names, fields: names.map((name) => (def.allFields as Record<string, TypeFields['fields'][number]>)[name]!) };
    }
    fieldsByType.set(type, entry);
  }
  return entry;
}

/**
 * Calls `visit(child, name, arg)` for the children ast-types' traversal visits, in its order,
 * filling missing fields with their defaults as it does. A node's `loc` (positions only) and
 * array holes are skipped: no node is below them.
 */
function forEachChild<S, A>(value: any, visit: (this: S, child: any, name: string | number, arg: A) => void, self: S, arg: A): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const child = value[i];
      if (child !== null && typeof child === 'object' && hasOwn.call(value, i)) visit.call(self, child, i, arg);
    }
    return;
  }
  const type = value.type;
  let names: string[];
  if (typeof type === 'string') {
    const known = typeFields(type, value);
    if (known) {
      names = known.names;
      const fields = known.fields;
      for (let i = 0; i < names.length; i += 1) {
        const name = names[i]!;
        if (!hasOwn.call(value, name)) value[name] = fields[i]!.getValue(value);
      }
    } else names = types.getFieldNames(value); // throws for an unknown type, as ast-types does
  } else if (isPlainObject(value)) names = Object.keys(value);
  else return; // a RegExp, Date, ...: ast-types' traversal does not enter it either
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i]!;
    const child = value[name];
    if (child === null || typeof child !== 'object') continue;
    if (name === 'loc' && !hasOwn.call(child, 'type')) continue;
    visit.call(self, child, name, arg);
  }
}

/** Whether an object (not a node) has an object among its own enumerable properties. */
function hasObjectChild(value: any): boolean {
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const child = value[key];
    if (child !== null && typeof child === 'object') return true;
  }
  return false;
}

/** ast-types' `find` from one path, without a NodePath per node: paths are made for results only. */
function exactFind(start: any, typeName: string, filter: unknown): any[] {
  const walk: ExactWalk = { typeName, filter, found: [], names: [], paths: [start] };
  forEachChild(start.value, exactVisit, walk, 0);
  return walk.found;
}

interface ExactWalk {
  typeName: string;
  filter: unknown;
  found: any[];
  /** The names from the start down to the current child, and the NodePaths made so far along them. */
  names: Array<string | number>;
  paths: any[];
}

function exactVisit(this: ExactWalk, child: any, name: string | number, depth: number): void {
  this.names[depth] = name;
  if (this.paths.length > depth + 1) this.paths.length = depth + 1;
  if (typeof child.type === 'string' && matches(this.typeName, child.type) && (!this.filter || matchNode(child, this.filter))) {
    for (let d = this.paths.length; d <= depth + 1; d += 1) this.paths[d] = this.paths[d - 1].get(this.names[d - 1]);
    this.found.push(this.paths[depth + 1]);
  }
  forEachChild(child, exactVisit, this, depth + 1);
}

/**
 * Entries an index makes room for at once, per character of the file's text: Babel's trees of the
 * corpus have one object or array per 4.2 characters at the densest (6 at the median), so room for
 * one per 4 seldom grows (growing copies the lists, and the copies are garbage the collector meets).
 */
const CHARACTERS_PER_ENTRY = 4;
/** At most this many at once: V8 makes a larger `new Array(n)` a dictionary, not a list. */
const MAX_ROOM = 100_000;

/**
 * Every object and array of a tree in document order, as parallel arrays (no object per entry):
 * the value, its parent entry, its name there, and one past its last descendant.
 */
class NodeIndex {
  readonly values: any[];
  private readonly names: Array<string | number>;
  // entry numbers in typed arrays (grown by doubling): no boxed number per entry for the collector to copy
  private parents: Int32Array;
  private ends: Int32Array;
  private count = 0;
  private readonly byType = new Map<string, number[]>();
  private readonly paths: any[] = [];
  /** The entry of each NodePath made or found so far (where a `find` can start from). */
  private readonly entries = new Map<unknown, number>();
  private readonly merged = new Map<string, number[]>();

  constructor(readonly root: any) {
    const length = root.value?.end ?? root.value?.program?.end ?? 0;
    const room = Math.min(MAX_ROOM, Math.max(1024, Math.ceil(length / CHARACTERS_PER_ENTRY)));
    this.values = new Array(room);
    this.names = new Array(room);
    this.parents = new Int32Array(room);
    this.ends = new Int32Array(room);
    this.add(root.value, '', -1);
    this.values.length = this.count;
    this.names.length = this.count;
    this.paths[0] = root;
    this.entries.set(root, 0);
  }

  private add(this: NodeIndex, value: any, name: string | number, parent: number): void {
    const type = value.type;
    // no entry for what holds no node: an empty list, a Babel `extra` or a template's `value`
    // (a find starting there walks it, and finds nothing)
    if (typeof type !== 'string' && (Array.isArray(value) ? value.length === 0 : !hasObjectChild(value))) return;
    const at = this.count++;
    if (at === this.parents.length) this.grow();
    this.values[at] = value;
    this.parents[at] = parent;
    this.names[at] = name;
    if (typeof type === 'string') {
      let bucket = this.byType.get(type);
      if (!bucket) this.byType.set(type, (bucket = []));
      bucket.push(at);
    }
    forEachChild(value, this.add, this, at);
    this.ends[at] = this.count;
  }

  private grow(): void {
    const parents = new Int32Array(this.parents.length * 2);
    parents.set(this.parents);
    this.parents = parents;
    const ends = new Int32Array(this.ends.length * 2);
    ends.set(this.ends);
    this.ends = ends;
  }

  /** The NodePath of entry `at`, made through ast-types' child cache as its own traversal would. */
  pathOf(at: number): any {
    let path = this.paths[at];
    if (!path) {
      path = this.paths[at] = this.pathOf(this.parents[at]!).get(this.names[at]);
      this.entries.set(path, at);
    }
    return path;
  }

  /**
   * The entry of `path`, when it is this tree's own path: one the index made, or found from its
   * parent's entry among that entry's children (a path a transform reached by `get`/`parentPath`).
   */
  entryOf(path: any): number | undefined {
    const known = this.entries.get(path);
    if (known !== undefined) return known;
    const parentPath = path.parentPath;
    if (!parentPath) return undefined;
    const parent = this.entryOf(parentPath);
    if (parent === undefined) return undefined;
    const end = this.ends[parent]!;
    for (let at = parent + 1; at < end; at = this.ends[at]!) {
      if (this.names[at] !== path.name || this.values[at] !== path.value) continue;
      return this.pathOf(at) === path ? at : undefined;
    }
    return undefined;
  }

  /** Entries of every type `find(typeName)` returns, in document order. */
  private ofType(typeName: string): number[] {
    let list = this.merged.get(typeName);
    if (!list) {
      list = [];
      let buckets = 0;
      for (const [nodeType, bucket] of this.byType) {
        if (!matches(typeName, nodeType)) continue;
        for (const entry of bucket) list.push(entry);
        buckets += 1;
      }
      if (buckets > 1) list.sort((a, b) => a - b);
      this.merged.set(typeName, list);
    }
    return list;
  }

  find(at: number, typeName: string, filter: unknown): any[] {
    const list = this.ofType(typeName);
    const end = this.ends[at]!;
    const found: any[] = [];
    for (let i = lowerBound(list, at + 1); i < list.length && list[i]! < end; i += 1) {
      const entry = list[i]!;
      if (!filter || matchNode(this.values[entry], filter)) found.push(this.pathOf(entry));
    }
    return found;
  }
}

function lowerBound(list: number[], value: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** jscodeshift's own matcher (filters are partial node shapes or predicates). */
function matchNode(haystack: any, needle: any): boolean {
  if (typeof needle === 'function') return needle(haystack);
  if (needle && typeof needle === 'object' && haystack && typeof haystack === 'object') {
    // Object.keys(needle).every(...), without a key array per node tested
    for (const property in needle) {
      if (!hasOwn.call(needle, property)) continue;
      if (!(hasOwn.call(haystack, property) && matchNode(haystack[property], needle[property]))) return false;
    }
    return true;
  }
  return haystack === needle;
}

interface RootState {
  active: boolean;
  index?: NodeIndex;
  /** The tree's lists as its first index found them (for `discardTree`; later indexes see the same or edited ones). */
  lists?: readonly unknown[];
}
const roots = new WeakMap<object, RootState>();

function topOf(path: any): any {
  let top = path;
  while (top.parentPath) top = top.parentPath;
  return top;
}

function rootPath(root: { paths(): any[] } | any): any {
  return typeof root?.paths === 'function' ? root.paths()[0] : root;
}

/**
 * Lets `find` on this root (a collection or its NodePath) and below it use the index until it is
 * stopped. A root still indexed (nothing changed it since) keeps the index it has.
 */
export function indexRoot(root: { paths(): any[] }): void {
  const path = rootPath(root);
  if (path && !path.parentPath && !roots.get(path)?.active) roots.set(path, { active: true });
}

/** The tree is about to change: answer from the tree again. */
export function stopIndexing(root: { paths(): any[] }): void {
  const state = roots.get(rootPath(root));
  if (state) {
    state.active = false;
    delete state.index;
  }
}

/**
 * The engine is done with this tree (its pass is over: the analysis pass's tree once the chain has
 * run, the edit pass's once its output is printed or nothing changed): every list its first index
 * found is emptied, and the program's statements, recast's original tree and its tokens are let
 * go, so that the collector frees the tree at once. The parts
 * of a tree promoted to the old generation while the file was worked on (its first statements,
 * on a file that spans two young-generation collections) otherwise hold the rest of it through
 * every young collection until the next full one, as if it were alive: most trees were copied
 * twice and promoted. Measured on the corpus (mongo-express): see docs/performance.md.
 */
export function discardTree(root: { paths(): any[] }): void {
  const path = rootPath(root);
  const state = roots.get(path);
  const check = process.env.HARDEN_CHECK_DISCARD === '1';
  if (state) {
    state.active = false;
    delete state.index;
    for (const value of state.lists ?? []) {
      if (check) poison(value); // every node the index found
      if (Array.isArray(value)) value.length = 0;
    }
    delete state.lists;
  }
  for (const file of [path?.value, path?.value?.original]) {
    if (check) for (const statement of file?.program?.body ?? []) poison(statement);
    if (Array.isArray(file?.program?.body)) file.program.body.length = 0;
    if (Array.isArray(file?.tokens)) file.tokens.length = 0;
    if (Array.isArray(file?.loc?.tokens)) file.loc.tokens.length = 0;
  }
}

/**
 * `HARDEN_CHECK_DISCARD=1`: a node of a discarded tree throws when its type is read, so a
 * transform that keeps nodes beyond `apply` (and reads them for another file) fails loudly.
 */
function poison(node: any): void {
  if (node === null || typeof node !== 'object' || typeof node.type !== 'string') return;
  Object.defineProperty(node, 'type', {
    configurable: true,
    get() {
      throw new Error('a node of a file harden is done with was read (HARDEN_CHECK_DISCARD): keep facts, not nodes, beyond apply');
    },
  });
}

function indexedFind(start: any, typeName: string, filter: unknown): any[] | undefined {
  const top = topOf(start);
  const state = roots.get(top);
  if (!state?.active) return undefined;
  if (!state.index) {
    state.index = new NodeIndex(top);
    state.lists ??= state.index.values;
  }
  const at = state.index.entryOf(start);
  return at === undefined ? undefined : state.index.find(at, typeName, filter);
}

// --- installation ------------------------------------------------------------------------------

const collectionProto = (() => {
  let proto = Object.getPrototypeOf(jscodeshift({ type: 'File', program: { type: 'Program', body: [], directives: [] } } as any));
  while (proto && !hasOwn.call(proto, 'find')) proto = Object.getPrototypeOf(proto);
  return proto as { find(this: any, type: unknown, filter?: unknown): any };
})();
const astTypesFind = collectionProto.find;
const { fromPaths } = createRequire(import.meta.url)('jscodeshift/src/Collection.js') as { fromPaths(paths: any[], parent: unknown, type: unknown): any };

/**
 * ast-types also walks the hidden `comments` of nodes when the type asked for is a comment's
 * (`Comment`, `Printable`, `Block`, `Line`): such questions are answered by its own traversal.
 */
const visitsComments = (typeName: string) => matches(typeName, 'Block') || matches(typeName, 'Line');

collectionProto.find = function find(this: any, type: unknown, filter?: unknown) {
  const typeName = String(type);
  if (visitsComments(typeName)) return astTypesFind.call(this, type, filter);
  const paths: any[] = [];
  for (const start of this.__paths as any[]) {
    for (const path of indexedFind(start, typeName, filter) ?? exactFind(start, typeName, filter)) paths.push(path);
  }
  if (CHECK) {
    const expected = astTypesFind.call(this, type, filter).paths() as any[];
    if (expected.length !== paths.length || expected.some((path, i) => path !== paths[i])) {
      const message = `node index: find(${typeName}) gave ${paths.length} paths where ast-types gives ${expected.length} (or other paths)`;
      process.stderr.write(`${message}\n`); // also when the analysis pass swallows the error
      throw new Error(message);
    }
  }
  return fromPaths(paths, this, type);
};

// An edit through a NodePath ends the index of its tree (edits of plain nodes are caught by the engine).
for (const proto of [types.Path.prototype, types.NodePath.prototype] as any[]) {
  for (const method of ['replace', 'insertAt', 'insertBefore', 'insertAfter', 'push', 'unshift', 'pop', 'shift', 'prune']) {
    if (!hasOwn.call(proto, method)) continue;
    const original = proto[method];
    proto[method] = function (this: any, ...args: unknown[]) {
      const state = roots.get(topOf(this));
      if (state) {
        state.active = false;
        delete state.index;
      }
      return original.apply(this, args);
    };
  }
}
