/**
 * The read-modify-write rule. A synchronous function body runs to its end without anything else
 * running in between: `const videos = readData(); videos.splice(i, 1); unlinkSync(f); writeData(videos)`
 * cannot lose a concurrent `createVideo`. Every `await` harden inserts is a point where other
 * requests run. When one falls between a read of a resource and a later write of the same
 * resource, what was read can be stale by the time it is written back: a lost update.
 *
 * A resource is, by its text (the same text in one function names the same thing):
 *  - a path given to an fs call (`readFileSync(p)`/`readdirSync(p)` read `p`, `writeFileSync(p)`
 *    writes it; an idempotent `mkdir(..., { recursive: true })` / `rm(..., { force: true })`
 *    writes nothing; a presence check such as `existsSync(p)` reads no content);
 *  - a path reached through a method of the same class or a top-level function of the file that
 *    makes such an fs call with a parameter in the path: `this.readData('videos')` reads
 *    `this.files['videos']` when `readData(type)` reads `this.files[type]`;
 *  - `this.x` (read: any use; write: an assignment, `++`, or a mutating call `this.x.push(...)`);
 *  - a module-level variable (same reads and writes).
 * Positions are source offsets inside one function (nested callbacks included: conservative).
 * Loops are not followed: a write before the read in source order is not counted.
 */
import { fsCallMethod } from './bindings.js';

/**
 * Content reads. A presence check (`existsSync`, `access`, `stat`) followed by a create is a
 * check-then-act, not a lost update of data read: not counted (see the README).
 */
const FS_READS = new Set(['readFileSync', 'readdirSync', 'readFile', 'readdir']);
const FS_WRITES = new Set(['writeFileSync', 'appendFileSync', 'unlinkSync', 'rmSync', 'mkdirSync', 'writeFile', 'appendFile', 'unlink', 'rm', 'mkdir']);
const FS_TWO_PATHS = new Set(['renameSync', 'copyFileSync', 'rename', 'copyFile']);
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'set', 'delete', 'add', 'clear']);
const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);

export interface Access {
  key: string;
  kind: 'read' | 'write';
  at: number;
  line: number;
  /** How the code reaches it, for the detail (`this.readData()`), when not directly. */
  via?: string;
}

export interface Hazard {
  key: string;
  read: Access;
  write: Access;
  awaitLine: number;
}

/**
 * The text of a path or state expression, the same for the same code wherever it is (names,
 * members, literals, templates, calls, `+`), with parameter names replaced by argument texts;
 * undefined for anything else.
 */
export function keyText(node: any, params: ReadonlyMap<string, string> = new Map()): string | undefined {
  const sub = (n: any) => keyText(n, params);
  switch (node?.type) {
    case 'Identifier':
      return params.get(node.name) ?? node.name;
    case 'ThisExpression':
      return 'this';
    case 'StringLiteral':
      return `'${node.value}'`;
    case 'NumericLiteral':
      return String(node.value);
    case 'Literal':
      return typeof node.value === 'string' ? `'${node.value}'` : typeof node.value === 'number' ? String(node.value) : undefined;
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const object = sub(node.object);
      const property = node.computed ? sub(node.property) : node.property?.name;
      if (object === undefined || property === undefined) return undefined;
      return node.computed ? `${object}[${property}]` : `${object}.${property}`;
    }
    case 'TemplateLiteral': {
      let out = '`';
      for (let i = 0; i < node.quasis.length; i++) {
        out += node.quasis[i].value.raw;
        if (i < node.expressions.length) {
          const inner = sub(node.expressions[i]);
          if (inner === undefined) return undefined;
          out += `\${${inner}}`;
        }
      }
      return `${out}\``;
    }
    case 'CallExpression': {
      const parts = [node.callee, ...node.arguments].map(sub);
      return parts.every((p) => p !== undefined) ? `${parts[0]}(${parts.slice(1).join(',')})` : undefined;
    }
    case 'BinaryExpression': {
      const left = sub(node.left);
      const right = sub(node.right);
      return left !== undefined && right !== undefined ? `${left}${node.operator}${right}` : undefined;
    }
    default:
      return undefined;
  }
}

export function optionFlag(options: any, name: string): boolean {
  return (
    options?.type === 'ObjectExpression' &&
    options.properties.some((p: any) => (p.key?.name ?? p.key?.value) === name && (p.value?.value === true || p.value?.type === 'BooleanLiteral' && p.value.value))
  );
}

/** The path arguments an fs call reads and writes (as nodes). */
function fsPaths(method: string, args: any[]): Array<{ node: any; kind: 'read' | 'write' }> {
  const base = method.replace(/Sync$/, '');
  if (FS_READS.has(method) && args[0]) return [{ node: args[0], kind: 'read' }];
  if (FS_WRITES.has(method) && args[0]) {
    if (base === 'mkdir' && optionFlag(args[1], 'recursive')) return [];
    if (base === 'rm' && optionFlag(args[1], 'force')) return [];
    return [{ node: args[0], kind: 'write' }];
  }
  if (FS_TWO_PATHS.has(method)) {
    const out: Array<{ node: any; kind: 'read' | 'write' }> = [];
    if (args[0]) out.push({ node: args[0], kind: base === 'rename' ? 'write' : 'read' });
    if (args[1]) out.push({ node: args[1], kind: 'write' });
    return out;
  }
  return [];
}


/** The fs path accesses one accessor function makes, keyed with its parameters, for reuse at each call. */
interface Accessor {
  params: string[];
  paths: Array<{ node: any; kind: 'read' | 'write' }>;
}

function accessorOf(j: any, fnPath: any): Accessor | undefined {
  const fn = fnPath?.node;
  if (!fn || !fn.params.every((p: any) => p.type === 'Identifier')) return undefined;
  const paths: Accessor['paths'] = [];
  j(fnPath.get('body'))
    .find(j.CallExpression)
    .forEach((p: any) => {
      const method = fsCallMethod(p);
      if (method) paths.push(...fsPaths(method, p.node.arguments));
    });
  return paths.length ? { params: fn.params.map((p: any) => p.name), paths } : undefined;
}

/** Methods of the class around `fnPath` and top-level functions of the file, by the way a call names them. */
export function accessorsFor(j: any, root: any, fnPath: any): Map<string, Accessor> {
  const out = new Map<string, Accessor>();
  for (let current = fnPath.parent; current; current = current.parent) {
    if (current.node.type === 'ClassBody') {
      current.node.body.forEach((member: any, index: number) => {
        if (member.type !== 'ClassMethod' || member.kind !== 'method' || member.key?.type !== 'Identifier' || member.static) return;
        const accessor = accessorOf(j, current.get('body', index));
        if (accessor) out.set(`this.${member.key.name}`, accessor);
      });
      break;
    }
  }
  const program = root.get('program');
  program.node.body.forEach((statement: any, index: number) => {
    let path = program.get('body', index);
    if (statement.type === 'ExportNamedDeclaration') path = path.get('declaration');
    const declaration = path.node;
    if (declaration?.type === 'FunctionDeclaration' && declaration.id) {
      const accessor = accessorOf(j, path);
      if (accessor) out.set(declaration.id.name, accessor);
    }
    if (declaration?.type === 'VariableDeclaration') {
      declaration.declarations.forEach((d: any, i: number) => {
        if (d.id.type !== 'Identifier' || !FUNCTION_TYPES.has(d.init?.type)) return;
        const accessor = accessorOf(j, path.get('declarations', i, 'init'));
        if (accessor) out.set(d.id.name, accessor);
      });
    }
  });
  return out;
}

function calleeText(callee: any): string | undefined {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'ThisExpression' && callee.property.type === 'Identifier') return `this.${callee.property.name}`;
  return undefined;
}

/** Is `path` (an expression) written: assigned, updated, or the object of a mutating call? */
function writeOf(path: any): boolean {
  const parent = path.parent?.node;
  if (!parent) return false;
  if (parent.type === 'AssignmentExpression' && parent.left === path.node) return true;
  if (parent.type === 'UpdateExpression') return true;
  if (parent.type === 'UnaryExpression' && parent.operator === 'delete') return true;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === path.node) {
    const grand = path.parent.parent?.node;
    if (grand?.type === 'CallExpression' && grand.callee === parent) return MUTATORS.has(parent.property?.name);
    return writeOf(path.parent);
  }
  return false;
}

/** Every access to a resource inside `fnPath`, in source order. */
export function accessesIn(j: any, root: any, fnPath: any, accessors = accessorsFor(j, root, fnPath)): Access[] {
  const out: Access[] = [];
  const line = (node: any) => node.loc?.start.line ?? 0;
  j(fnPath.get('body'))
    .find(j.CallExpression)
    .forEach((p: any) => {
      const method = fsCallMethod(p);
      if (method) {
        for (const { node, kind } of fsPaths(method, p.node.arguments)) {
          const text = keyText(node);
          if (text !== undefined) out.push({ key: `file:${text}`, kind, at: p.node.start, line: line(p.node) });
        }
        return;
      }
      const name = calleeText(p.node.callee);
      const accessor = name ? accessors.get(name) : undefined;
      if (!accessor) return;
      const params = new Map<string, string>();
      accessor.params.forEach((param, i) => {
        const arg = p.node.arguments[i];
        const text = arg ? keyText(arg) : 'undefined';
        if (text !== undefined) params.set(param, text);
      });
      for (const { node, kind } of accessor.paths) {
        const text = keyText(node, params);
        if (text !== undefined) out.push({ key: `file:${text}`, kind, at: p.node.start, line: line(p.node), via: `${name}()` });
      }
    });
  // this.x
  j(fnPath.get('body'))
    .find(j.MemberExpression, { object: { type: 'ThisExpression' } })
    .forEach((p: any) => {
      if (p.node.computed || p.node.property.type !== 'Identifier') return;
      const parent = p.parent.node;
      if (parent.type === 'CallExpression' && parent.callee === p.node) return; // a method call, not state
      out.push({ key: `this.${p.node.property.name}`, kind: writeOf(p) ? 'write' : 'read', at: p.node.start, line: line(p.node) });
    });
  // module-level variables
  j(fnPath.get('body'))
    .find(j.Identifier)
    .forEach((p: any) => {
      const name = p.node.name;
      const parent = p.parent.node;
      if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === p.node && !parent.computed) return;
      if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === p.node && !parent.computed && !parent.shorthand) return;
      if (parent.type === 'CallExpression' && parent.callee === p.node) return;
      const scope = p.scope?.lookup(name);
      if (scope?.path.node.type !== 'Program') return;
      const declared = scope.getBindings()[name]?.[0];
      const declarator = declared?.parent?.node;
      if (declarator?.type !== 'VariableDeclarator' || declarator.id !== declared.node) return;
      if (declarator.init?.type === 'CallExpression' && declarator.init.callee.name === 'require') return;
      if (FUNCTION_TYPES.has(declarator.init?.type)) return;
      out.push({ key: name, kind: writeOf(p) ? 'write' : 'read', at: p.node.start, line: line(p.node) });
    });
  return out.sort((a, b) => a.at - b.at);
}

/** The first read ... await ... write of one resource, if an await at one of `awaits` (offsets; an awaited write counts: others can read the old file until it completes) would split one. */
export function findHazard(accesses: readonly Access[], awaits: ReadonlyArray<{ at: number; line: number }>): Hazard | undefined {
  for (const read of accesses) {
    if (read.kind !== 'read') continue;
    for (const write of accesses) {
      if (write.kind !== 'write' || write.key !== read.key || write.at <= read.at) continue;
      const split = awaits.find((a) => a.at >= read.at && a.at <= write.at);
      if (split) return { key: read.key, read, write, awaitLine: split.line };
    }
  }
  return undefined;
}

export function describeHazard(hazard: Hazard): string {
  const how = (access: Access) => (access.via ? ` (${access.via})` : '');
  const what = hazard.key.startsWith('file:') ? `the file at \`${hazard.key.slice(5)}\`` : `\`${hazard.key}\``;
  return (
    `${what} is read on line ${hazard.read.line}${how(hazard.read)} and written on line ${hazard.write.line}${how(hazard.write)}; ` +
    `an await on line ${hazard.awaitLine} would let another call change it in between (a lost update)`
  );
}

/**
 * For an accessor method or function (`writeData`), the callers in its class or file that read
 * and then write the same resource through accessors, one of them this one: making it async puts
 * an await at that call, between the read and the write.
 */
export function accessorCallerHazard(j: any, root: any, fnPath: any, name: string): string | undefined {
  const accessors = accessorsFor(j, root, fnPath);
  const key = [...accessors.keys()].find((k) => k === name || k === `this.${name}`);
  if (!key) return undefined;
  const found: string[] = [];
  const scope = fnPath.parent?.node.type === 'ClassBody' ? j(fnPath.parent) : root;
  scope
    .find(j.CallExpression)
    .forEach((call: any) => {
      if (calleeText(call.node.callee) !== key) return;
      let caller = call.parent;
      while (caller && !FUNCTION_TYPES.has(caller.node.type)) caller = caller.parent;
      if (!caller || caller.node === fnPath.node) return;
      const hazard = findHazard(accessesIn(j, root, caller, accessors), [{ at: call.node.start, line: call.node.loc?.start.line ?? 0 }]);
      const callerName = caller.node.key?.name ?? caller.node.id?.name ?? 'a function';
      const label = hazard ? `${callerName} (lines ${hazard.read.line}-${hazard.write.line})` : undefined;
      if (label && !found.includes(label)) found.push(label);
    });
  if (found.length === 0) return undefined;
  const first = found.slice(0, 4).join(', ') + (found.length > 4 ? `, and ${found.length - 4} more` : '');
  return `${first} read and then write the same file through ${key}(): async I/O here would let concurrent calls interleave and lose updates; the store needs one queue per file first`;
}
