import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dominantQuote, usesSemicolons } from '../../src/ast/imports.js';
import { findResources, mongooseConnects, type Resource } from '../../src/ast/resources.js';
import { flavourOf, importSupportNames, insertAfter, registeredNames, supportModuleTarget, supportTemplates } from '../../src/ast/support-module.js';
import { harden } from '../../src/package-root.js';
import { defineTransform, type FileInfo, type Sites } from '../../src/transform.js';
import { expressApps } from '../../src/ast/express-app.js';
import { healthPlanFor, isAt, MODULE_STEM, type HealthPlan } from './plan.js';

const { templates: TEMPLATES, isGenerated } = supportTemplates((name) => readFileSync(harden('transforms', 'health-endpoints', 'templates', name), 'utf8'), MODULE_STEM);

const SKIP_REASONS = {
  'health-library':
    'the package depends on a health-check library (terminus, lightship, express-healthcheck, …) that serves its own endpoints; register the database and Redis pings with it',
  serverless: 'the package is deployed as a serverless function (serverless-http, @vendia/serverless-express, …): the platform checks the function, no probe reaches a /readyz',
  'several-servers': 'the package starts more than one server (each place listed); harden cannot tell which app the probes should reach; add the endpoints by hand',
  'app-not-found':
    'the server is not started on an `express()` app of the modules it loads (an app made by a framework or a factory of another package, a bare http handler): there is no app harden can mount the endpoints on',
  'several-apps': 'the server\'s modules create more than one `express()` app (each place listed); harden cannot tell which one the server listens on; add the endpoints by hand',
  'app-not-named': 'the app is not created as `const app = express()` in a list of statements (`module.exports = express()`, inside an expression); name it and run harden again',
  'path-exists': 'the package already serves a readiness route (`/readyz`, `/ready`, `/readiness`; place listed); make it ping the connections rather than adding a second one',
  'health-route-exists':
    'the package already serves a health route (`/health`, `/healthz`, `/status`, …; place listed) whose handler checks something or cannot be read; make it the readiness check, or remove it and run harden again',
  'no-clients':
    'the server\'s modules hold no Mongoose connection, ioredis or Prisma client in a module-level name: a /readyz that pings nothing would say ready while the database is down; add the endpoints with your own checks',
  'module-path-taken': 'a file that is not harden\'s health module already exists where it would be generated; move that file, or add the endpoints by hand',
  'resource-in-function': 'the client is created inside a function, so there is no module-level name to ping it by; register it with checkReadiness where it is created',
  'resource-not-named': 'the client is not held in a module-level variable (`module.exports = new Redis()`, `export default new PrismaClient()`); give it a name and run harden again',
  'mixed-module-kinds': 'this module and the app would import different health modules (CommonJS and ES module, or JavaScript and TypeScript); register the check by hand',
} as const;

type Reason = keyof typeof SKIP_REASONS;

/** The ping of each kind of client /readyz checks, from its module-level name (Prisma on MongoDB has no SQL). */
function pingOf(client: Resource['client'], name: string, plan: HealthPlan): string | undefined {
  if (client === 'ioredis') return `${name}.ping()`;
  if (client === 'prisma') return plan.prismaOnMongo ? `${name}.$runCommandRaw({ ping: 1 })` : `${name}.$queryRaw\`SELECT 1\``;
  if (client === 'mongoose-connection') return `pingMongoose(${name})`;
  return undefined;
}

export default defineTransform({
  id: 'health-endpoints',
  title: 'Serve /healthz and /readyz, which pings the database and Redis, before auth and rate limiting',
  description:
    'The Express app the server listens on gets `GET /healthz` (liveness: 200 while the process serves) and `GET /readyz` (readiness: pings the Mongoose, ioredis and Prisma clients the ' +
    'server loads, each registered where it is created, with a short timeout; 200 when all answer, 503 naming the ones that failed), mounted right after `express()`, before any ' +
    'middleware, so auth, rate limiting and body parsing never answer a probe. An existing liveness route is kept (only /readyz is added); an existing readiness route is a refusal.',
  seed: [
    { review: '000', finding: 'No Health Checks for Dependencies' },
    { review: '001', finding: 'Health Checks & Monitoring' },
    { review: '002', finding: 'No health check endpoint' },
  ],
  skipReasons: SKIP_REASONS,
  needs: ['express', '.listen(', 'ioredis', 'PrismaClient', 'createConnection', '.connect('],
  scope: 'file',
  options: z.object({}),
  apply({ j, root, file, sites, request, project }) {
    if (file.role !== 'source') return;
    const plan = healthPlanFor(project, file.package, isGenerated, { path: file.path, text: file.source, root });
    const quote = dominantQuote(file.source) === 'double' ? '"' : "'";
    const end = usesSemicolons(file.source) ? ';' : '';
    const statement = (code: string) => j(`\n${code}${end}\n`).get().node.program.body[0];

    if (plan.refusal) {
      const { reason, detail, at } = plan.refusal;
      for (const node of candidates(j, root)) if (isAt(at, file.path, node)) sites.skipped(node, reason, detail);
      return;
    }
    if (!plan.target) return;
    const flavour = flavourOf(file);
    const own = supportModuleTarget(project, file, flavour, MODULE_STEM);

    // /readyz must ping something: the routes need a check registered in this run (a client refused
    // or left out in review leaves none), each registration provides one
    const checked = `a readiness check registered for the app at ${plan.app ? `${plan.app.path}:${plan.app.line}` : 'the package'}`;

    // the app: the routes right after `const app = express()`, before any middleware
    let mount: { after: any; app: string } | undefined;
    if (!plan.installed) {
      for (const app of expressApps(j, root)) {
        if (!isAt(plan.app ? [plan.app] : [], file.path, app.call.node)) continue;
        const routes = plan.liveness ? `GET /readyz (liveness stays at ${plan.liveness})` : 'GET /healthz and GET /readyz';
        if (sites.changed(app.call.node, `${routes} mounted before the app's middleware; /readyz pings the connections the server opens, 503 when one fails`, { needs: checked })) {
          mount = { after: app.statement, app: app.name! };
        }
      }
    }

    // the clients the server's process opens, registered where they are created
    const registrations = plan.loaded.has(file.path) ? registrationsOf(j, root, file, plan, own.target, sites, checked) : [];
    if (!mount && registrations.length === 0) return;

    const names = [...(mount ? (plan.liveness ? ['readyz'] : ['healthz', 'readyz']) : []), ...(registrations.length > 0 ? ['checkReadiness'] : []), ...(registrations.some((r) => r.mongoose) ? ['pingMongoose'] : [])];
    const locals = importSupportNames(j, root, file, own.target, names);
    request.file(own.relative, TEMPLATES[flavour]);
    for (const item of registrations.sort((a, b) => b.node.start - a.node.start)) {
      const ping = item.ping.replace(/^pingMongoose\(/, `${locals['pingMongoose']}(`);
      insertAfter(item.after, statement(`${locals['checkReadiness']}(${quote}${item.name}${quote}, () => ${ping})`));
    }
    if (mount) {
      const routes = [...(plan.liveness ? [] : [['/healthz', locals['healthz']]]), ['/readyz', locals['readyz']]];
      for (const [path, handler] of routes.reverse()) insertAfter(mount.after, statement(`${mount.app}.get(${quote}${path}${quote}, ${handler})`));
    }
  },
});

/** The nodes a package-level refusal can be reported at: the `express()` calls and the server starts. */
function candidates(j: any, root: any): any[] {
  const nodes: any[] = expressApps(j, root).map((app) => app.call.node);
  root.find(j.CallExpression).forEach((path: any) => {
    const callee = path.node.callee;
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'listen') nodes.push(path.node);
  });
  return nodes;
}

interface Registration {
  node: any;
  after: any;
  name: string;
  ping: string;
  what: string;
  mongoose?: boolean;
}

/** The clients of this module /readyz pings, each reported as a changed site (or skipped, with why). */
function registrationsOf(j: any, root: any, file: FileInfo, plan: HealthPlan, target: string, sites: Sites<Reason>, checked: string): Registration[] {
  const registered = registeredNames(j, root, /^checkReadiness\d*$/);
  const found: Registration[] = [];
  for (const resource of findResources(j, root)) {
    const ping = pingOf(resource.client, resource.name ?? '', plan);
    if (!ping) continue;
    if (resource.refusal) {
      sites.skipped(resource.node, resource.refusal, resource.what);
      continue;
    }
    if (registered.has(resource.name!)) continue;
    found.push({ node: resource.node, after: resource.after, name: resource.name!, ping, what: resource.what, mongoose: resource.client === 'mongoose-connection' });
  }
  if (file.path === plan.mongooseOwner && !registered.has('mongoose')) {
    const [connect] = mongooseConnects(j, root);
    if (connect) found.push({ node: connect.node, after: connect.statement, name: 'mongoose', ping: `pingMongoose(${connect.mongoose}.connection)`, what: 'Mongoose default connection', mongoose: true });
  }
  return found.filter((item) => {
    if (target !== plan.target) return void sites.skipped(item.node, 'mixed-module-kinds', `${target} here, ${plan.target} for the app`);
    return sites.changed(item.node, `${item.what} \`${item.name}\` pinged by GET /readyz (${item.ping})`, { provides: checked });
  });
}
