/**
 * recast's search for the nodes to reprint, without its per-node overhead.
 *
 * To print an edited tree, recast compares the whole copied tree with the original it was copied
 * from (`findReprints` in recast/lib/patcher.js): every node of the file, however small the edit.
 * That comparison was 85% of recast's printing on real backends (344 of 409 ms on the corpus),
 * mostly bookkeeping: an object of the union of both nodes' keys made and then deleted from per
 * node pair (a dictionary-mode object), each field's value looked up through its type definition
 * twice, type checks walking ast-types' definitions.
 *
 * `getReprinter` below is recast 0.23's own (patcher.js), with the same comparison in the same
 * order giving the same answers: the same FastPath stacks (so `needsParens`, `hasParens` and
 * `valueIsDuplicate` see what they saw), the same keys in the same order, the same field values
 * (a missing field's default included), the same reprints. Only how each step is computed
 * changed: the type checks are answered once per node type, a field's value is read directly
 * unless it is missing, and the key union is a list. It is installed on recast's patcher module,
 * which the printer calls through.
 *
 * `HARDEN_CHECK_REPRINTS=1` prints every file a second time with recast's own search and throws
 * when the two texts differ (print.ts; run the fixtures and the corpus gate with it after changing
 * this file).
 */
import recast from 'recast';
import { finalizedDef, isPlainObject as isObject } from './node-index.js';
import { installPort, recastModule } from './recast-port.js';

const patcher = recastModule<{ getReprinter(path: any): ((print: any) => any) | undefined; Patcher: any }>('patcher.js');
const FastPath = recastModule<{ default: any }>('fast-path.js').default;
const linesModule = recastModule<{ concat(parts: unknown[]): any }>('lines.js');

const types = recast.types as any;
const { Printable, Expression, ReturnStatement, SourceLocation } = types.namedTypes;
const riskyAdjoiningCharExp = /[0-9a-z_$]/i;

/** What ast-types' checks answer for a node of one `type` (they depend on the type alone). */
interface TypeFacts {
  /** ast-types' finalized definition for the type (`defFromValue`), if any. */
  def: any;
  printable: boolean;
  expression: boolean;
  returnStatement: boolean;
}
const factsByType = new Map<string, TypeFacts>();

function factsOf(type: string): TypeFacts {
  let facts = factsByType.get(type);
  if (!facts) {
    const example = { type };
    // `Def.check(value)` without `deep` looks at `value.type` only (see ast-types' DefImpl.check)
    facts = {
      def: finalizedDef(type),
      printable: Printable.check(example),
      expression: Expression.check(example),
      returnStatement: ReturnStatement.check(example),
    };
    factsByType.set(type, facts);
  }
  return facts;
}

/** A node-like object's facts: ast-types finds a definition only by a string `type`. */
function factsOfValue(value: any): TypeFacts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const type = value.type;
  return typeof type === 'string' ? factsOf(type) : undefined;
}

const isPrintable = (value: any): boolean => factsOfValue(value)?.printable ?? false;

/** ast-types' `getFieldValue`: the value, or the field's default when the object lacks it. */
function fieldValue(object: any, name: string): unknown {
  const value = object[name];
  if (value !== undefined) return value;
  const field = factsOfValue(object)?.def?.allFields[name];
  return field ? field.getValue(object) : undefined;
}

/**
 * The union of both nodes' own enumerable keys in the order recast's `util.getUnionOfKeys` object
 * gives them to `for...in`: old's keys, then new's others (in practice the same list: a copy has
 * its original's keys, plus defaults the node index filled in). A key starting with a digit may be
 * an array index, which `for...in` visits first: then the union object itself is made, as recast does.
 */
function unionKeys(oldNode: any, newNode: any): string[] {
  const oldKeys = Object.keys(oldNode);
  const newKeys = Object.keys(newNode);
  let keys = oldKeys;
  let same = oldKeys.length === newKeys.length;
  for (let i = 0; same && i < newKeys.length; i += 1) same = oldKeys[i] === newKeys[i];
  if (!same) {
    keys = oldKeys.slice();
    for (const key of newKeys) if (!oldKeys.includes(key)) keys.push(key);
  }
  for (const key of keys) {
    const first = key.charCodeAt(0);
    if (first >= 48 && first <= 57) {
      const union: Record<string, true> = {};
      for (const k of keys) union[k] = true;
      const ordered: string[] = [];
      for (const k in union) ordered.push(k);
      return ordered;
    }
  }
  return keys;
}

const top = (path: any): any => path.stack[path.stack.length - 1];

function findReprints(newPath: any, reprints: any[]): boolean {
  const newNode = top(newPath);
  Printable.assert(newNode);
  const oldNode = newNode.original;
  Printable.assert(oldNode);
  if (reprints.length !== 0) throw new Error('Invariant failed');
  if (newNode.type !== oldNode.type) return false;
  const oldPath = new FastPath(oldNode);
  const canReprint = findChildReprints(newPath, oldPath, reprints);
  if (!canReprint) reprints.length = 0;
  return canReprint;
}

function findAnyReprints(newPath: any, oldPath: any, reprints: any[]): boolean {
  const newNode = top(newPath);
  const oldNode = top(oldPath);
  if (newNode === oldNode) return true;
  if (newNode === null || typeof newNode !== 'object') return false;
  if (Array.isArray(newNode)) return findArrayReprints(newPath, oldPath, reprints);
  if (isObject(newNode)) return findObjectReprints(newPath, oldPath, reprints);
  return false;
}

function findArrayReprints(newPath: any, oldPath: any, reprints: any[]): boolean {
  const newNode = top(newPath);
  const oldNode = top(oldPath);
  if (newNode === oldNode || newPath.valueIsDuplicate() || oldPath.valueIsDuplicate()) return true;
  const length = newNode.length;
  if (!(Array.isArray(oldNode) && oldNode.length === length)) return false;
  for (let i = 0; i < length; i += 1) {
    newPath.stack.push(i, newNode[i]);
    oldPath.stack.push(i, oldNode[i]);
    const canReprint = findAnyReprints(newPath, oldPath, reprints);
    newPath.stack.pop();
    newPath.stack.pop();
    oldPath.stack.pop();
    oldPath.stack.pop();
    if (!canReprint) return false;
  }
  return true;
}

function findObjectReprints(newPath: any, oldPath: any, reprints: any[]): boolean {
  const newNode = top(newPath);
  if (newNode.original === null) return false; // set to null: reprint the node
  const oldNode = top(oldPath);
  if (!isObject(oldNode)) return false;
  if (newNode === oldNode || newPath.valueIsDuplicate() || oldPath.valueIsDuplicate()) return true;
  const newFacts = factsOfValue(newNode);
  if (newFacts?.printable) {
    const oldFacts = factsOfValue(oldNode);
    if (!oldFacts?.printable) return false;
    const newParentNode = newPath.getParentNode();
    const oldParentNode = oldPath.getParentNode();
    if (
      oldParentNode !== null &&
      oldParentNode.type === 'FunctionTypeAnnotation' &&
      newParentNode !== null &&
      newParentNode.type === 'FunctionTypeAnnotation'
    ) {
      const oldNeedsParens = oldParentNode.params.length !== 1 || !!oldParentNode.params[0].name;
      const newNeedParens = newParentNode.params.length !== 1 || !!newParentNode.params[0].name;
      if (!oldNeedsParens && newNeedParens) return false;
    }
    if (newNode.type === oldNode.type) {
      const childReprints: any[] = [];
      if (findChildReprints(newPath, oldPath, childReprints)) reprints.push(...childReprints);
      else if (oldNode.loc) reprints.push({ oldPath: oldPath.copy(), newPath: newPath.copy() });
      else return false;
      return true;
    }
    if (newFacts.expression && oldFacts.expression && oldNode.loc) {
      reprints.push({ oldPath: oldPath.copy(), newPath: newPath.copy() });
      return true;
    }
    return false;
  }
  return findChildReprints(newPath, oldPath, reprints);
}

function findChildReprints(newPath: any, oldPath: any, reprints: any[]): boolean {
  const newNode = top(newPath);
  const oldNode = top(oldPath);
  if (!isObject(newNode) || !isObject(oldNode)) throw new Error('findChildReprints: not an object');
  if (newNode.original === null) return false;
  // a node that needs parentheses it would not get when reprinted is printed generically
  if (newPath.needsParens() && !oldPath.hasParens()) return false;
  const originalReprintCount = reprints.length;
  const keys = unionKeys(oldNode, newNode);
  const file = oldNode.type === 'File' || newNode.type === 'File';
  const newStack = newPath.stack;
  const oldStack = oldPath.stack;
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    // not .loc, nor a File's (large) token list, nor "private" properties (`_` first)
    if (key === 'loc' || key.charCodeAt(0) === 95 || (file && key === 'tokens')) continue;
    newStack.push(key, fieldValue(newNode, key));
    oldStack.push(key, fieldValue(oldNode, key));
    const canReprint = findAnyReprints(newPath, oldPath, reprints);
    newStack.pop();
    newStack.pop();
    oldStack.pop();
    oldStack.pop();
    if (!canReprint) return false;
  }
  // a return statement with anything reprinted inside is reprinted whole (ASI)
  if (factsOfValue(newPath.getNode())?.returnStatement && reprints.length > originalReprintCount) return false;
  return true;
}

/** recast's `getReprinter`, with the search above. */
function getReprinter(path: any): ((print: any) => any) | undefined {
  if (!(path instanceof FastPath)) throw new Error('Invariant failed');
  const node = top(path);
  if (!isPrintable(node)) return undefined;
  const orig = node.original;
  const origLoc = orig && orig.loc;
  const lines = origLoc && origLoc.lines;
  const reprints: any[] = [];
  if (!lines || !findReprints(path, reprints)) return undefined;
  return function (print: any) {
    const patch = new patcher.Patcher(lines);
    for (const reprint of reprints) {
      const newNode = top(reprint.newPath);
      const oldNode = top(reprint.oldPath);
      SourceLocation.assert(oldNode.loc, true);
      const needToPrintNewPathWithComments = !patch.tryToReprintComments(newNode, oldNode, print);
      if (needToPrintNewPathWithComments) patch.deleteComments(oldNode);
      let newLines = print(reprint.newPath, {
        includeComments: needToPrintNewPathWithComments,
        avoidRootParens: oldNode.type === newNode.type && reprint.oldPath.hasParens(),
      }).indentTail(oldNode.loc.indent);
      const nls = needsLeadingSpace(lines, oldNode.loc, newLines);
      const nts = needsTrailingSpace(lines, oldNode.loc, newLines);
      if (nls || nts) {
        const newParts: unknown[] = [];
        if (nls) newParts.push(' ');
        newParts.push(newLines);
        if (nts) newParts.push(' ');
        newLines = linesModule.concat(newParts);
      }
      patch.replace(oldNode.loc, newLines);
    }
    const patchedLines = patch.get(origLoc).indentTail(-orig.loc.indent);
    if (path.needsParens()) return linesModule.concat(['(', patchedLines, ')']);
    return patchedLines;
  };
}

function needsLeadingSpace(oldLines: any, oldLoc: any, newLines: any): boolean {
  const posBeforeOldLoc = { line: oldLoc.start.line, column: oldLoc.start.column };
  const charBeforeOldLoc = oldLines.prevPos(posBeforeOldLoc) && oldLines.charAt(posBeforeOldLoc);
  const newFirstChar = newLines.charAt(newLines.firstPos());
  return Boolean(charBeforeOldLoc && riskyAdjoiningCharExp.test(charBeforeOldLoc) && newFirstChar && riskyAdjoiningCharExp.test(newFirstChar));
}

function needsTrailingSpace(oldLines: any, oldLoc: any, newLines: any): boolean {
  const charAfterOldLoc = oldLines.charAt(oldLoc.end);
  const newLastPos = newLines.lastPos();
  const newLastChar = newLines.prevPos(newLastPos) && newLines.charAt(newLastPos);
  return Boolean(newLastChar && riskyAdjoiningCharExp.test(newLastChar) && charAfterOldLoc && riskyAdjoiningCharExp.test(charAfterOldLoc));
}

/** Runs `print` with recast's own search installed (the check that this one prints the same). */
export const withRecastSearch = installPort(patcher, 'getReprinter', getReprinter);
