/**
 * A whole run: every discovered file through the chain, then support requests resolved, giving
 * the Changeset. Nothing here writes.
 */
import { readFileSync } from 'node:fs';
import { resolveRequests, type Changeset, type FileChange, type FileOutcome } from '../changeset/changeset.js';
import type { Discovery } from './discover.js';
import { toAbsolute } from './paths.js';
import { Project } from './project.js';
import { readSourceFile } from './read.js';
import { runFile, type ResolvedTransform, type SupportRequest } from './run-file.js';
import { runProjectTransforms } from './run-project.js';
import type { SiteFilter } from './sites.js';

export interface RunOptions {
  root: string;
  discovery: Discovery;
  chain: readonly ResolvedTransform[];
  /** Interactive review: which changed sites to keep. */
  filter?: SiteFilter;
  /** Called after each file (progress display). */
  onFile?: (path: string, index: number, total: number) => void;
}

export function run({ root, discovery, chain, filter, onFile }: RunOptions): Changeset {
  const project = new Project(root, discovery.files);
  const outcomes: FileOutcome[] = discovery.skipped.map(({ path, reason }) => ({
    path,
    status: 'skipped',
    message: reason,
    sites: [],
  }));
  const changes: FileChange[] = [];
  const errors: Changeset['errors'] = [];
  const requests: SupportRequest[] = [];
  const hasProjectTransforms = chain.some((t) => t.definition.scope === 'project');
  /** Current texts of every processed file; kept only when a project transform needs them. */
  const texts = new Map<string, string>();

  discovery.files.forEach((path, index) => {
    const read = readSourceFile(toAbsolute(root, path));
    if (read.kind === 'skipped') outcomes.push({ path, status: 'skipped', message: read.reason, sites: [] });
    else if (read.kind === 'error') {
      outcomes.push({ path, status: 'error', message: read.message, sites: [] });
      errors.push({ path, message: read.message });
    } else {
      const result = runFile({ path, text: read.text, chain, project, ...(filter ? { filter } : {}) });
      if (hasProjectTransforms && result.status !== 'parse-error' && result.status !== 'error') {
        texts.set(path, result.status === 'changed' ? result.output : read.text);
      }
      switch (result.status) {
        case 'unchanged':
          outcomes.push({ path, status: 'unchanged', sites: result.sites });
          break;
        case 'changed':
          outcomes.push({ path, status: 'changed', sites: result.sites });
          changes.push({ path, before: read.text, after: result.output, sites: result.sites, requestedBy: [], kind: 'source' });
          requests.push(...result.requests);
          break;
        case 'parse-error': {
          const { message, line, column } = result;
          outcomes.push({ path, status: 'parse-error', message, line, column, sites: [] });
          errors.push({ path, message: `syntax error: ${message}`, line, column });
          break;
        }
        case 'error':
          outcomes.push({ path, status: 'error', message: result.message, sites: result.sites });
          errors.push({ path, message: result.message });
          break;
      }
    }
    onFile?.(path, index, discovery.files.length);
  });

  if (hasProjectTransforms) {
    const projectRun = runProjectTransforms({ project, chain, texts, ...(filter ? { filter } : {}) });
    errors.push(...projectRun.errors);
    requests.push(...projectRun.requests);
    for (const path of projectRun.written) {
      const sites = projectRun.sites.filter((site) => site.file === path);
      const after = texts.get(path)!;
      const change = changes.find((c) => c.path === path);
      if (change) {
        change.after = after;
        change.sites = [...change.sites, ...sites];
      } else {
        const before = project.exists(path) ? readFileSync(toAbsolute(root, path), 'utf8') : undefined;
        changes.push({ path, before, after, sites, requestedBy: [], kind: 'source' });
      }
      const outcome = outcomes.find((o) => o.path === path);
      if (outcome) {
        outcome.status = 'changed';
        outcome.sites = [...outcome.sites, ...sites];
      }
    }
    for (const site of projectRun.sites) {
      if (projectRun.written.has(site.file)) continue;
      const outcome = outcomes.find((o) => o.path === site.file);
      if (outcome) outcome.sites = [...outcome.sites, site];
      else outcomes.push({ path: site.file, status: 'unchanged', sites: [site] });
    }
  }

  const existing = {
    read(path: string) {
      const pending = changes.find((change) => change.path === path);
      if (pending) return pending.after;
      try {
        return readFileSync(toAbsolute(root, path), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
  const resolved = resolveRequests(requests, existing);
  for (const change of resolved.changes) {
    const index = changes.findIndex((c) => c.path === change.path);
    if (index === -1) changes.push(change);
    else changes[index] = { ...change, before: changes[index]!.before, sites: changes[index]!.sites };
  }
  errors.push(...resolved.errors);

  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    root,
    transforms: chain.map((t) => t.definition.id),
    outcomes: outcomes.sort(byPath),
    changes: changes.sort(byPath),
    errors: errors.sort(byPath),
  };
}
