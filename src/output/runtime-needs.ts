/**
 * What the changes need to run, read from the changes themselves (so it is exactly what is
 * written, or what the reviewed selection keeps): environment variables the new code reads that the
 * file did not read before (with the default written next to them, when there is one), services
 * the added dependencies talk to, and the dependencies added.
 */
import type { Changeset, FileChange } from '../changeset/changeset.js';
import { declaredDependencies } from '../changeset/package-json.js';

/** A dependency a package.json change adds, and the sites that need it. */
export interface DependencyEdit {
  manifest: string;
  name: string;
  range: string;
  field: 'dependencies' | 'devDependencies';
  requestedBy: string[];
}

export interface RuntimeNeeds {
  /** `production: 'required'`: the code stops in production when it is unset (`default` applies elsewhere). */
  env: Array<{ name: string; files: string[]; default?: string; production?: 'required' }>;
  services: Array<{ service: string; because: string }>;
  dependencies: DependencyEdit[];
}

/** Dependencies that mean a service must be reachable at runtime. */
const SERVICES: Record<string, string> = {
  ioredis: 'a Redis server',
  redis: 'a Redis server',
  'rate-limit-redis': 'a Redis server',
  mongoose: 'a MongoDB server',
  mongodb: 'a MongoDB server',
  pg: 'a PostgreSQL server',
  mysql2: 'a MySQL server',
};

const ENV_READ = /process\.env(?:\.([A-Za-z_$][\w$]*)|\[\s*(['"])([^'"]+)\2\s*\])(?:\s*(?:\|\||\?\?)\s*('[^'\n]*'|"[^"\n]*"|-?[\d_.]+))?/g;

/**
 * `requireSecret('NAME', 'dev default')`, the helper secret-fallbacks generates (a second local
 * name gets a number): the variable is read inside the helper and required in production.
 */
const SECRET_READ = /\brequireSecret\d*\(\s*(['"])([^'"\n]+)\1\s*,\s*('[^'\n]*'|"[^"\n]*"|`[^`$\n]*`)/g;

function envReads(text: string): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  for (const match of text.matchAll(ENV_READ)) {
    const name = match[1] ?? match[3]!;
    const fallback = match[4];
    if (!found.has(name) || (found.get(name) === undefined && fallback !== undefined)) found.set(name, fallback);
  }
  return found;
}

function secretReads(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(SECRET_READ)) if (!found.has(match[2]!)) found.set(match[2]!, match[3]!);
  return found;
}

/** The dependencies a package.json change adds (names absent before, present after). */
export function dependencyEdits(change: FileChange): DependencyEdit[] {
  const parse = (text: string | undefined) => (text ? (JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>) : {});
  const before = declaredDependencies(parse(change.before));
  const after = parse(change.after);
  const edits: DependencyEdit[] = [];
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const section = after[field];
    if (!section || typeof section !== 'object') continue;
    for (const [name, range] of Object.entries(section as Record<string, unknown>)) {
      if (typeof range === 'string' && !before.has(name)) {
        edits.push({ manifest: change.path, name, range, field, requestedBy: change.requestedBy });
      }
    }
  }
  return edits;
}


export function runtimeNeeds(changeset: Changeset): RuntimeNeeds {
  const env = new Map<string, { files: Set<string>; default?: string; production?: 'required' }>();
  const dependencies: RuntimeNeeds['dependencies'] = [];
  const script = (change: FileChange) => change.kind !== 'manifest' && /\.(c|m)?[jt]sx?$/.test(change.path);
  for (const change of changeset.changes) {
    if (script(change)) {
      const before = envReads(change.before ?? '');
      for (const [name, fallback] of envReads(change.after)) {
        if (before.has(name)) continue;
        const entry = env.get(name) ?? { files: new Set<string>() };
        entry.files.add(change.path);
        if (fallback !== undefined && entry.default === undefined) entry.default = fallback;
        env.set(name, entry);
      }
      const required = secretReads(change.before ?? '');
      for (const [name, fallback] of secretReads(change.after)) {
        if (required.has(name)) continue;
        const entry = env.get(name) ?? { files: new Set<string>() };
        entry.files.add(change.path);
        entry.production = 'required';
        entry.default = fallback;
        env.set(name, entry);
      }
    } else if (change.kind === 'manifest') {
      dependencies.push(...dependencyEdits(change));
    }
  }
  const services = new Map<string, string>();
  for (const { name } of dependencies) {
    const service = SERVICES[name];
    if (service && !services.has(service)) services.set(service, name);
  }
  return {
    env: [...env]
      .map(([name, entry]) => ({
        name,
        files: [...entry.files].sort(),
        ...(entry.default !== undefined ? { default: entry.default } : {}),
        ...(entry.production ? { production: entry.production } : {}),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    services: [...services].map(([service, because]) => ({ service, because })),
    dependencies,
  };
}

/** The lines of the text summary and of the Markdown report (empty when the changes need nothing). */
export function describeRuntimeNeeds(needs: RuntimeNeeds, code: (text: string) => string = (text) => text): string[] {
  const lines: string[] = [];
  for (const { service, because } of needs.services) lines.push(`${service} (${code(because)})`);
  for (const variable of needs.env) {
    const fallback =
      variable.production === 'required'
        ? `required in production: the server stops at start-up without it; elsewhere unset: ${variable.default}`
        : variable.default !== undefined
          ? `unset: ${variable.default}`
          : 'no default in the code';
    lines.push(`${code(variable.name)} (${fallback}; read in ${variable.files.map(code).join(', ')})`);
  }
  if (needs.dependencies.length > 0) lines.push(`new dependencies: ${needs.dependencies.map((d) => code(`${d.name}@${d.range}`)).join(', ')}`);
  return lines;
}
