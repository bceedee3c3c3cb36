/**
 * The shutdown plan of one package, decided once per run from the original texts: whether harden
 * may add a shutdown path at all (no signal handler of its own, no shutdown library, not
 * serverless, one server it can tell apart), which file starts the server, which modules that file
 * loads (their clients are closed), and which one registers the Mongoose default connection.
 */
import jscodeshift from 'jscodeshift';
import { importClosure, ownedByInnerPackage } from '../../src/ast/module-resolve.js';
import type { PackageInfo, ProjectView } from '../../src/transform.js';
import { serverStarts } from './servers.js';
import { mongooseConnects } from './resources.js';

const J = jscodeshift.withParser('tsx');

export type PackageRefusal = 'signal-handled' | 'shutdown-library' | 'serverless' | 'several-servers' | 'websocket-server' | 'framework-lifecycle';

export interface Plan {
  refusal?: { reason: PackageRefusal; detail: string };
  /** The file that starts the one server. */
  entry?: string;
  /** The entry and every project module it loads. */
  loaded: ReadonlySet<string>;
  /** The loaded module that registers `mongoose.disconnect()` (the first, by path, that calls `mongoose.connect`). */
  mongooseOwner?: string;
}

const SHUTDOWN_LIBRARIES = [
  '@godaddy/terminus',
  'http-graceful-shutdown',
  'lightship',
  'http-terminator',
  'stoppable',
  'close-with-grace',
  'async-exit-hook',
  'exit-hook',
  'death',
  'node-cleanup',
  'express-graceful-exit',
  '@moebius/http-graceful-shutdown',
];
const SERVERLESS = ['serverless-http', '@vendia/serverless-express', '@codegenie/serverless-express', 'aws-serverless-express', '@netlify/functions', '@vercel/node', '@google-cloud/functions-framework', '@azure/functions'];
const WEBSOCKETS = ['socket.io', 'express-ws', 'sockjs', 'primus'];
const FRAMEWORKS = ['fastify', '@nestjs/core', '@hapi/hapi', 'hapi'];

const SIGNAL = /(['"`])SIG(TERM|INT)\1/;
const LISTENER = /\bprocess\s*\.\s*(on|once|addListener|prependListener)\s*\(/;

const plans = new WeakMap<ProjectView, Map<string, Plan>>();

/**
 * The plan of the package rooted at `packageDir`. `isGenerated(path, text)` tells harden's own
 * shutdown module (it handles the signals, and is not the project's handler).
 */
export function planFor(project: ProjectView, pkg: PackageInfo | undefined, isGenerated: (text: string) => boolean, current: Current): Plan {
  const packageDir = pkg?.dir ?? '';
  let perProject = plans.get(project);
  if (!perProject) plans.set(project, (perProject = new Map()));
  let plan = perProject.get(packageDir);
  if (!plan) perProject.set(packageDir, (plan = decide(project, pkg, isGenerated, current)));
  return plan;
}

/** The file being transformed: its text and tree stand in where the project cannot read it (a fixture's input). */
export interface Current {
  path: string;
  text: string;
  root: any;
}

function decide(project: ProjectView, pkg: PackageInfo | undefined, isGenerated: (text: string) => boolean, current: Current): Plan {
  const read = (path: string) => project.readFile(path) ?? (path === current.path ? current.text : undefined);
  const parse = (path: string) => project.parse(path) ?? (path === current.path ? current.root : undefined);
  const packageDir = pkg?.dir ?? '';
  const prefix = packageDir === '' ? '' : `${packageDir}/`;
  const files = project.files.filter((path) => path.startsWith(prefix) && project.roleOf(path) === 'source' && !ownedByInnerPackage(project, packageDir, path));
  const none: Plan = { loaded: new Set() };
  const declared = (names: string[]) => names.find((name) => pkg?.dependencyRange(name) !== undefined);

  const library = declared(SHUTDOWN_LIBRARIES);
  if (library) return { ...none, refusal: { reason: 'shutdown-library', detail: library } };
  const serverless = declared(SERVERLESS);
  if (serverless) return { ...none, refusal: { reason: 'serverless', detail: serverless } };
  const framework = declared(FRAMEWORKS);
  if (framework) return { ...none, refusal: { reason: 'framework-lifecycle', detail: framework } };
  for (const path of files) {
    const text = read(path) ?? '';
    if (SIGNAL.test(text) && LISTENER.test(text) && !isGenerated(text)) {
      const line = text.slice(0, text.search(SIGNAL)).split('\n').length;
      return { ...none, refusal: { reason: 'signal-handled', detail: `${path}:${line}` } };
    }
  }
  const websocket = declared(WEBSOCKETS) ?? (pkg?.dependencyRange('ws') !== undefined && files.some((path) => /WebSocketServer|WebSocket\.Server|new\s+(ws\.)?Server\s*\(\s*\{[^}]*\bserver\b/.test(read(path) ?? '')) ? 'ws' : undefined);

  const starts: Array<{ path: string; line: number }> = [];
  for (const path of files) {
    const text = read(path);
    if (!text || !text.includes('.listen(')) continue;
    const root = parse(path);
    if (!root) continue;
    for (const start of serverStarts(J, root)) starts.push({ path, line: start.call.node.loc?.start.line ?? 0 });
  }
  if (starts.length === 0) return none;
  if (starts.length > 1) {
    return { ...none, refusal: { reason: 'several-servers', detail: starts.map((s) => `${s.path}:${s.line}`).join(', ') } };
  }
  if (websocket) return { ...none, refusal: { reason: 'websocket-server', detail: websocket } };
  const entry = starts[0]!.path;
  const loaded = new Set([entry, ...[...importClosure(project, entry)].filter((path) => files.includes(path))]);
  const mongooseOwner = [...loaded].sort().find((path) => {
    const text = read(path) ?? '';
    if (!text.includes('mongoose') || !text.includes('.connect(')) return false;
    const root = parse(path);
    return root !== undefined && mongooseConnects(J, root).length > 0;
  });
  return { entry, loaded, ...(mongooseOwner ? { mongooseOwner } : {}) };
}
