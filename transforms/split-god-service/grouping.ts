/**
 * Grouping methods into cohesive parts. Seeds come from shared name stems (`getPlexLibraries`,
 * `syncPlexUsers` -> Plex); a seed whose methods are called from several other seeds is a
 * helper, not a part. Unnamed methods join the one part they are tied to by calls or by fields
 * only that part uses. What several parts need (fields, helpers) becomes one shared object;
 * what no part needs stays on the facade.
 */
import type { ClassModel } from './model.js';

/** Words that say what a method does, not what it is about. */
const VERBS = new Set(
  ('get set fetch load sync check create update delete remove add list find search query post put patch send is has can ' +
    'should ensure handle process build make init initialize start stop reset clear refresh validate parse format map to ' +
    'from with by for of on in at all each and or the a an do run execute compute calculate count approve decline reject ' +
    'cancel upsert save store read write register unregister subscribe notify emit toggle enable disable test verify ' +
    'measure last new current my service services api call request requests retry try')
    .split(' '),
);

export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_$]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** The words after the leading verbs, up to the next verb: `getUptimeKumaMonitors` -> uptime kuma monitors. */
export function subjectRun(name: string): string[] {
  const all = words(name);
  const start = all.findIndex((w) => !VERBS.has(w));
  if (start === -1) return [];
  const run: string[] = [];
  for (const w of all.slice(start)) {
    if (VERBS.has(w)) break;
    run.push(w);
  }
  return run;
}

export interface Part {
  /** Stem words, e.g. ['uptime', 'kuma']. */
  stem: string[];
  methods: string[];
  fields: string[];
  /** Dependencies (constructor parameter properties never reassigned) the part uses. */
  dependencies: string[];
  /** Methods that joined without the stem, and why. */
  joined: string[];
}

export interface Grouping {
  parts: Part[];
  shared: { methods: string[]; fields: string[]; dependencies: string[] };
  facade: { methods: string[]; fields: string[] };
  dependencies: Set<string>;
}

export type GroupingResult =
  | { ok: true; grouping: Grouping }
  | { ok: false; reason: 'too-few-groups' | 'tangled-helpers'; detail: string };

export interface GroupingOptions {
  minParts: number;
  minPartMethods: number;
}

export function groupMethods(model: ClassModel, options: GroupingOptions): GroupingResult {
  const methods = [...model.methods.values()];
  const callers = new Map<string, Set<string>>(methods.map((m) => [m.name, new Set<string>()]));
  for (const m of methods) for (const callee of m.calls) callers.get(callee)?.add(m.name);
  const dependencies = new Set(
    [...model.fields.values()].filter((f) => f.parameter && !f.writtenByMethods).map((f) => f.name),
  );

  // 1. Seeds: a subject word shared by enough methods.
  const assigned = new Map<string, string>();
  const bySubject = new Map<string, string[]>();
  for (const m of methods) {
    if (m.delegates) continue;
    const subject = subjectRun(m.name)[0];
    if (subject) bySubject.set(subject, [...(bySubject.get(subject) ?? []), m.name]);
  }
  for (const [subject, names] of bySubject) {
    if (names.length >= Math.max(2, options.minPartMethods)) for (const name of names) assigned.set(name, subject);
  }
  // 2. A seed called from two or more other seeds, or with no public method, is a helper.
  for (const subject of new Set(assigned.values())) {
    const members = [...assigned].filter(([, s]) => s === subject).map(([name]) => name);
    const callingSeeds = new Set(
      members.flatMap((name) => [...callers.get(name)!].map((c) => assigned.get(c)).filter((s) => s && s !== subject)),
    );
    const allPrivate = members.every((name) => model.methods.get(name)!.visibility === 'private');
    if (callingSeeds.size >= 2 || allPrivate) for (const name of members) assigned.delete(name);
  }
  // 3. Seeds that call each other are one part.
  const renames = new Map<string, string>();
  const joined = new Map<string, string>();
  const find = (s: string): string => (renames.has(s) ? find(renames.get(s)!) : s);
  for (const m of methods) {
    const from = assigned.get(m.name);
    if (!from) continue;
    for (const callee of m.calls) {
      const to = assigned.get(callee);
      if (to && find(to) !== find(from)) renames.set(find(to), find(from));
    }
  }
  for (const [name, subject] of assigned) assigned.set(name, find(subject));
  // A method that only delegates to a dependency (`listMailTemplates() { return
  // this.store.listTemplates(); }`) seeds nothing but joins the part its name belongs to.
  const seeded = new Set(assigned.values());
  for (const m of methods) {
    const subject = subjectRun(m.name)[0];
    if (m.delegates && subject && seeded.has(find(subject)) && [...m.fields].every((f) => dependencies.has(f))) {
      assigned.set(m.name, find(subject));
      joined.set(m.name, `stem "${subject}"; delegates to ${[...m.fields].join(', ')}`);
    }
  }

  // 4. Unnamed methods join the one part they are tied to.
  /** Placed methods that call `name`, directly or through methods not placed yet (-> the first of those). */
  const callersThroughUnplaced = (name: string): Map<string, string | undefined> => {
    const found = new Map<string, string | undefined>();
    const seen = new Set([name]);
    const queue: [string, string | undefined][] = [[name, undefined]];
    while (queue.length) {
      const [current, via] = queue.shift()!;
      for (const caller of callers.get(current)!) {
        if (seen.has(caller)) continue;
        seen.add(caller);
        if (assigned.has(caller)) found.set(caller, via);
        else if (!model.methods.get(caller)!.delegates) queue.push([caller, via ?? (current === name ? undefined : current)]);
      }
    }
    return found;
  };
  const fieldUsers = (field: string) => methods.filter((m) => m.fields.has(field)).map((m) => m.name);
  for (let changed = true; changed; ) {
    changed = false;
    for (const m of methods) {
      if (assigned.has(m.name) || m.delegates) continue;
      const ties = new Map<string, string>();
      for (const callee of m.calls) if (assigned.has(callee)) ties.set(assigned.get(callee)!, `calls ${callee}`);
      // Callers count through methods not yet placed: a helper that one part calls directly and
      // another through its own helper (`cached`, called by billing and by mail's
      // renderMailTemplate) is tied to both, whatever the order of the methods.
      for (const [caller, via] of callersThroughUnplaced(m.name)) {
        const part = assigned.get(caller)!;
        if (!ties.has(part)) ties.set(part, via ? `called by ${caller} through ${via}` : `called by ${caller}`);
      }
      for (const field of m.fields) {
        if (dependencies.has(field)) continue;
        const parts = new Set(fieldUsers(field).map((u) => assigned.get(u)).filter((p): p is string => p !== undefined));
        if (parts.size === 1) {
          const [part] = parts;
          if (!ties.has(part!)) ties.set(part!, `uses ${field}`);
        }
      }
      if (ties.size === 1) {
        const [part, why] = [...ties][0]!;
        assigned.set(m.name, part);
        joined.set(m.name, why);
        changed = true;
      }
    }
  }
  // 5. Parts too small to stand alone dissolve.
  const partIds = [...new Set(assigned.values())];
  for (const id of partIds) {
    const members = [...assigned].filter(([, p]) => p === id);
    if (members.length < options.minPartMethods) for (const [name] of members) assigned.delete(name);
  }
  for (;;) {
    const ids = [...new Set(assigned.values())];
    const delegating = methods.filter((m) => m.delegates).length;
    if (ids.length < options.minParts) {
      return {
        ok: false,
        reason: 'too-few-groups',
        detail:
          `found ${ids.length} cohesive group${ids.length === 1 ? '' : 's'} (${ids.join(', ') || 'none'}); at least ${options.minParts} are needed` +
          (delegating ? `; ${delegating} methods already delegate to other objects` : ''),
      };
    }

    // 6. Shared helpers: what parts call and no part owns, closed over calls.
    const shared = new Set<string>();
    const queue = methods.filter((m) => assigned.has(m.name)).flatMap((m) => [...m.calls].filter((c) => !assigned.has(c)));
    while (queue.length) {
      const name = queue.pop()!;
      if (shared.has(name)) continue;
      shared.add(name);
      for (const callee of model.methods.get(name)!.calls) {
        if (assigned.has(callee)) {
          return { ok: false, reason: 'tangled-helpers', detail: `${name} is shared by several parts but calls ${callee} of one part` };
        }
        queue.push(callee);
      }
    }
    // 7. Fields: one holder keeps a field; several holders share it.
    const holderOf = (method: string) => assigned.get(method) ?? (shared.has(method) ? 'shared' : 'facade');
    const partFields = new Map<string, string[]>(ids.map((id) => [id, []]));
    const sharedFields: string[] = [];
    const facadeFields: string[] = [];
    for (const field of model.fields.values()) {
      if (dependencies.has(field.name)) continue;
      const holders = new Set(fieldUsers(field.name).map(holderOf));
      if (holders.size === 1 && !holders.has('shared') && !holders.has('facade')) partFields.get([...holders][0]!)!.push(field.name);
      else if (holders.size === 0 || (holders.size === 1 && holders.has('facade'))) facadeFields.push(field.name);
      else sharedFields.push(field.name);
    }
    const depsOf = (names: string[]) =>
      [...dependencies].filter((dep) => names.some((name) => model.methods.get(name)!.fields.has(dep)));
    const parts = ids.map((id) => {
      const names = methods.filter((m) => assigned.get(m.name) === id).map((m) => m.name);
      const runs = names.map(subjectRun).filter((run) => run[0] === id);
      return {
        stem: commonPrefix(runs.length ? runs : [[id]]),
        methods: names,
        fields: partFields.get(id)!,
        dependencies: depsOf(names),
        joined: names.filter((n) => joined.has(n)).map((n) => `${n} (${joined.get(n)})`),
      };
    });
    // 8. A part with no state or dependency of its own (`getCacheStats`, `clearCache` over the
    // shared cache) is a view of the shared object, not a part: its methods go back to the
    // facade (or to the shared object, when parts call them), and the grouping is redone.
    const stateless = parts.filter((part) => part.fields.length === 0 && part.dependencies.length === 0);
    if (stateless.length) {
      for (const part of stateless) for (const name of part.methods) assigned.delete(name);
      continue;
    }
    const sharedMethods = methods.filter((m) => shared.has(m.name)).map((m) => m.name);
    return {
      ok: true,
      grouping: {
        parts,
        shared: { methods: sharedMethods, fields: sharedFields, dependencies: depsOf(sharedMethods) },
        facade: { methods: methods.filter((m) => holderOf(m.name) === 'facade').map((m) => m.name), fields: facadeFields },
        dependencies,
      },
    };
  }
}

function commonPrefix(runs: string[][]): string[] {
  const first = runs[0]!;
  let length = first.length;
  for (const run of runs) {
    let i = 0;
    while (i < length && run[i] === first[i]) i += 1;
    length = i;
  }
  return first.slice(0, Math.max(1, length));
}

/**
 * LCOM4: the number of connected groups of methods, where two methods are connected when one
 * calls the other or both use the same field. 1 is cohesive; more means the class does
 * unrelated things.
 */
export function lcom4(methods: { name: string; fields: Iterable<string>; calls: Iterable<string> }[]): number {
  const parent = new Map(methods.map((m) => [m.name, m.name]));
  const root = (x: string): string => (parent.get(x) === x ? x : root(parent.get(x)!));
  const union = (a: string, b: string) => parent.set(root(a), root(b));
  const byField = new Map<string, string>();
  for (const m of methods) {
    for (const callee of m.calls) if (parent.has(callee)) union(m.name, callee);
    for (const field of m.fields) {
      const other = byField.get(field);
      if (other) union(m.name, other);
      else byField.set(field, m.name);
    }
  }
  return new Set(methods.map((m) => root(m.name))).size;
}
