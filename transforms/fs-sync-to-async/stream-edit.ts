/**
 * The edits of the logger rewrite (see log-stream.ts): creating the append-mode stream once, in
 * the constructor (through a module-level helper that shares one stream per resolved log file
 * between instances, so two `new Logger()` on the same file still write in call order) or after
 * the module's top-level set-up.
 */
import { buildStatements } from '../../src/ast/build.js';
import { addImport, findImportedLocal, isEsmFile, isNameTaken, requiredModule } from '../../src/ast/imports.js';
import { createWriteStreamCallee, type StreamTarget } from './log-stream.js';

const helpers = new WeakMap<object, Map<boolean, string>>();

/**
 * A failed write used to throw from the sync call; on a stream it is an 'error' event, which
 * would crash the process unhandled. It is reported on stderr instead: a log line lost, the app up.
 */
const REPORT_WRITE_ERROR = "(error) => process.stderr.write(`log write failed: ${error.message}\\n`)";

/** Creates the stream for `target` and returns the code that reaches it (`this.logStream`, `logStream`). */
export function createStream(j: any, root: any, typescript: boolean, target: StreamTarget, pathNode: any): string {
  const callee = createWriteStreamCallee(j, root);
  callee.add?.();
  if (target.kind === 'per-write') return sharedStreamHelper(j, root, typescript, callee, true);
  if (target.kind === 'instance') {
    const helper = sharedStreamHelper(j, root, typescript, callee, false);
    target.ctor.node.body.body.push(statement(j, root, `this.${target.field} = ${helper}(this.${pathNode.property.name});`));
    if (typescript) {
      const [decl] = buildStatements(`class X { private readonly ${target.field}: ${callee.typeCode}; }`, true)[0].body.body;
      target.classBody.body.splice(target.classBody.body.indexOf(target.ctor.node), 0, decl);
    }
    return `this.${target.field}`;
  }
  const body = root.get().node.program.body;
  const at = body.indexOf(target.insertAfter) + 1;
  body.splice(at, 0, statement(j, root, `const ${target.name} = ${callee.code}(${pathNode.name}, { flags: 'a' });`));
  body.splice(at + 1, 0, statement(j, root, `${target.name}.on('error', ${REPORT_WRITE_ERROR});`));
  return target.name;
}

/**
 * `openLogStream(file)`: one append stream per resolved path, shared by every instance. With
 * `perWrite` (a path computed on each call), `logStreamFor(file)`, looked up at every write: when
 * a new file is opened, the streams of other files that have nothing left to write are closed, so
 * a daily log keeps one file open, and a file written again later gets a new stream that starts
 * after everything the old one wrote.
 */
function sharedStreamHelper(j: any, root: any, typescript: boolean, callee: { code: string; typeCode: string }, perWrite: boolean): string {
  const program = root.get().node;
  const byKind = helpers.get(program) ?? new Map<boolean, string>();
  helpers.set(program, byKind);
  const known = byKind.get(perWrite);
  if (known) return known;
  const free = (base: string) => {
    for (let i = 1; ; i++) if (!isNameTaken(j, root, i === 1 ? base : `${base}${i}`)) return i === 1 ? base : `${base}${i}`;
  };
  const isPath = (source: string) => source === 'path' || source === 'node:path';
  const pathObject = findImportedLocal(j, root, isPath, '*') ?? findImportedLocal(j, root, isPath, 'default');
  let resolve = pathObject ? `${pathObject}.resolve` : findImportedLocal(j, root, isPath, 'resolve');
  if (!resolve) {
    resolve = free('resolve');
    addImport(j, root, { source: 'node:path', imported: 'resolve', local: resolve }, isEsmFile(j, root));
  }
  const name = free(perWrite ? 'logStreamFor' : 'openLogStream');
  const map = free(perWrite ? 'logStreamsByFile' : 'logStreams');
  const type = typescript ? `<string, ${callee.typeCode}>` : '';
  const code = perWrite
    ? `
const ${map} = new Map${type}();

/** The append-mode stream of a log file, opened on its first line; idle streams of other files are closed then. */
function ${name}(file${typescript ? ': string' : ''})${typescript ? `: ${callee.typeCode}` : ''} {
  const key = ${resolve}(file);
  let stream = ${map}.get(key);
  if (!stream) {
    for (const [other, open] of ${map}) {
      if (open.writableLength === 0) {
        open.end();
        ${map}.delete(other);
      }
    }
    stream = ${callee.code}(file, { flags: 'a' });
    stream.on('error', ${REPORT_WRITE_ERROR});
    ${map}.set(key, stream);
  }
  return stream;
}
`
    : `
const ${map} = new Map${type}();

/** One append-mode stream per log file, shared by every instance: lines keep their call order. */
function ${name}(file${typescript ? ': string' : ''})${typescript ? `: ${callee.typeCode}` : ''} {
  const key = ${resolve}(file);
  let stream = ${map}.get(key);
  if (!stream) {
    stream = ${callee.code}(file, { flags: 'a' });
    stream.on('error', ${REPORT_WRITE_ERROR});
    ${map}.set(key, stream);
  }
  return stream;
}
`;
  const body = program.program.body as any[];
  let index = -1;
  body.forEach((node, i) => {
    if (node.type === 'ImportDeclaration' || (node.type === 'VariableDeclaration' && node.declarations.some((d: any) => requiredModule(d.init) !== undefined))) index = i;
  });
  body.splice(index + 1, 0, ...snippet(j, root, code));
  byKind.set(perWrite, name);
  return name;
}

/** A new one-line statement parsed as text (recast keeps `{ flags: 'a' }` on one line), in the file's quote style. */
function statement(j: any, root: any, code: string): any {
  return snippet(j, root, code)[0];
}

/** Statements parsed as text, keeping the snippet's layout and comments. */
function snippet(j: any, root: any, code: string): any[] {
  const literal = root.find(j.StringLiteral).nodes()[0] ?? root.find(j.Literal).filter((p: any) => typeof p.node.value === 'string').nodes()[0];
  const raw = literal?.extra?.raw ?? literal?.raw;
  const quoted = typeof raw === 'string' && raw[0] === '"' ? code.replace(/'/g, '"') : code;
  return j(`\n${quoted}\n`).get().node.program.body;
}
