/**
 * What a module opens that keeps a process alive and that harden knows how to close: the Mongoose
 * default connection (`mongoose.connect`), Mongoose connections (`mongoose.createConnection`),
 * ioredis clients, Prisma clients, BullMQ workers, queues, queue-event listeners and flow
 * producers. Each with the module-level name it can be closed by, or why there is none.
 */
import { resolveBinding, unwrapExpression } from './scope.js';

export type Stage = 'drain' | 'close';

/** The kind of client, for transforms that treat them apart. */
export type Client = 'ioredis' | 'prisma' | 'mongoose-connection' | 'bullmq';

export interface Resource {
  /** The node the site is reported on (the `new …` or the connect call). */
  node: any;
  client: Client;
  /** What it is, for messages: 'ioredis client', 'BullMQ worker', … */
  what: string;
  /** The module-level statement the registration goes after. */
  after?: any;
  /** The registration: `closeOnShutdown(name, () => close)`. */
  name?: string;
  stage: Stage;
  /** The closing expression's source (`redisConnection.quit()`), from the binding name. */
  close?: string;
  /** Why it cannot be registered, when it cannot. */
  refusal?: 'resource-in-function' | 'resource-not-named';
}

interface Kind {
  client: Client;
  what: string;
  stage: Stage;
  close: (name: string) => string;
}

const IOREDIS: Kind = { client: 'ioredis', what: 'ioredis client', stage: 'close', close: (name) => `${name}.quit()` };
const PRISMA: Kind = { client: 'prisma', what: 'Prisma client', stage: 'close', close: (name) => `${name}.$disconnect()` };
const MONGOOSE_CONNECTION: Kind = { client: 'mongoose-connection', what: 'Mongoose connection', stage: 'close', close: (name) => `${name}.close()` };
const BULLMQ: Record<string, Kind> = {
  Worker: { client: 'bullmq', what: 'BullMQ worker', stage: 'drain', close: (name) => `${name}.close()` },
  Queue: { client: 'bullmq', what: 'BullMQ queue', stage: 'close', close: (name) => `${name}.close()` },
  QueueEvents: { client: 'bullmq', what: 'BullMQ queue events', stage: 'close', close: (name) => `${name}.close()` },
  FlowProducer: { client: 'bullmq', what: 'BullMQ flow producer', stage: 'close', close: (name) => `${name}.close()` },
};

/** The kind of client `node` creates, if harden knows how to close it. */
function kindOf(path: any, node: any): Kind | undefined {
  const value = unwrapExpression(node);
  if (value?.type === 'NewExpression') {
    const callee = unwrapExpression(value.callee);
    const imported = importOf(path, callee);
    if (!imported) return undefined;
    if (imported.source === 'ioredis' && ['default', '*', 'Redis', 'Cluster', 'Redis.Cluster', 'default.Cluster'].includes(imported.name)) return IOREDIS;
    if ((imported.source === '@prisma/client' || /\/prisma(\/client)?$|generated\/prisma/.test(imported.source)) && imported.name === 'PrismaClient') return PRISMA;
    if (imported.source === 'bullmq') return BULLMQ[imported.name];
    return undefined;
  }
  if (value?.type === 'CallExpression') {
    const callee = unwrapExpression(value.callee);
    const imported = importOf(path, callee);
    if (imported?.source === 'mongoose' && ['createConnection', 'default.createConnection', '*.createConnection'].includes(imported.name)) return MONGOOSE_CONNECTION;
  }
  return undefined;
}

/** `Redis` / `IORedis.Cluster` / `mongoose.createConnection`: the module and export a callee comes from. */
function importOf(path: any, callee: any): { source: string; name: string } | undefined {
  if (callee?.type === 'Identifier') {
    const binding = resolveBinding(path, callee.name);
    return binding?.kind === 'import' ? { source: binding.source, name: binding.imported } : undefined;
  }
  if (callee?.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier') {
    const binding = resolveBinding(path, callee.object.name);
    if (binding?.kind !== 'import') return undefined;
    const base = binding.imported;
    // `const { Redis } = require('ioredis'); new Redis.Cluster()` and `import IORedis from 'ioredis'; new IORedis.Cluster()`
    const name = base === 'default' || base === '*' ? callee.property.name : `${base}.${callee.property.name}`;
    return { source: binding.source, name: base === 'default' && callee.property.name === 'createConnection' ? 'default.createConnection' : name };
  }
  return undefined;
}

const FUNCTION = /Function|Method/;

/** Clients the module creates, with the statement to register each after. */
export function findResources(j: any, root: any): Resource[] {
  const found: Resource[] = [];
  const visit = (path: any) => {
    const kind = kindOf(path, path.node);
    if (!kind) return;
    let holder = path;
    // `global.prisma ?? new PrismaClient()`, `(new Redis(url))`
    while (['LogicalExpression', 'TSAsExpression', 'TSNonNullExpression', 'ParenthesizedExpression', 'TSSatisfiesExpression'].includes(holder.parent?.node.type)) holder = holder.parent;
    let inFunction = false;
    for (let up = path.parent; up; up = up.parent) if (FUNCTION.test(up.node.type)) inFunction = true;
    const declarator = holder.parent?.node.type === 'VariableDeclarator' && holder.parent.node.init === holder.node ? holder.parent : undefined;
    if (inFunction) return void found.push({ node: path.node, client: kind.client, what: kind.what, stage: kind.stage, refusal: 'resource-in-function' });
    const declaration = declarator?.parent;
    const statement = declaration?.parent?.node.type === 'ExportNamedDeclaration' ? declaration.parent : declaration;
    if (!declarator || declarator.node.id.type !== 'Identifier' || statement?.parent?.node.type !== 'Program') {
      return void found.push({ node: path.node, client: kind.client, what: kind.what, stage: kind.stage, refusal: 'resource-not-named' });
    }
    const name = declarator.node.id.name;
    found.push({ node: path.node, client: kind.client, what: kind.what, stage: kind.stage, after: statement, name, close: kind.close(name) });
  };
  root.find(j.NewExpression).forEach(visit);
  root.find(j.CallExpression).forEach(visit);
  return found.sort((a, b) => a.node.start - b.node.start);
}

/** `mongoose.connect(…)` calls on the `mongoose` package: the default connection, closed by `mongoose.disconnect()`. */
export function mongooseConnects(j: any, root: any): Array<{ node: any; mongoose: string; statement: any }> {
  const found: Array<{ node: any; mongoose: string; statement: any }> = [];
  root.find(j.CallExpression).forEach((path: any) => {
    const callee = unwrapExpression(path.node.callee);
    if (callee?.type !== 'MemberExpression' || callee.computed || callee.property.name !== 'connect' || callee.object.type !== 'Identifier') return;
    const binding = resolveBinding(path, callee.object.name);
    if (binding?.kind !== 'import' || binding.source !== 'mongoose' || (binding.imported !== 'default' && binding.imported !== '*')) return;
    // the module-level `mongoose` binding closes it: registered after the top-level statement holding the call
    if (binding.scope.path?.node.type !== 'Program') return;
    let statement = path;
    while (statement.parent && statement.parent.node.type !== 'Program') statement = statement.parent;
    found.push({ node: path.node, mongoose: callee.object.name, statement });
  });
  return found;
}

/** The first module of `loaded` (by path) that calls `mongoose.connect`: where the default connection is registered. */
export function mongooseOwnerOf(j: any, loaded: ReadonlySet<string>, read: (path: string) => string | undefined, parse: (path: string) => any): string | undefined {
  return [...loaded].sort().find((path) => {
    const text = read(path) ?? '';
    if (!text.includes('mongoose') || !text.includes('.connect(')) return false;
    const root = parse(path);
    return root !== undefined && mongooseConnects(j, root).length > 0;
  });
}
