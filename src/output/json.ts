/**
 * `--format json`: a stable report for other tools, documented in docs/json-report.md. The zod
 * schema below is the contract: the report is built to it and the tests validate against it.
 * Additions are backward compatible; a breaking change bumps `schemaVersion`.
 */
import { z } from 'zod';
import type { Changeset, FileChange } from '../changeset/changeset.js';
import { patchFor } from './patch.js';
import { dependencyEdits, runtimeNeeds } from './runtime-needs.js';

const site = z.strictObject({
  id: z.string(),
  transform: z.string(),
  file: z.string(),
  kind: z.enum(['changed', 'skipped']),
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int(),
  endColumn: z.number().int(),
  message: z.string().optional(),
  reason: z.string().optional(),
  reasonText: z.string().optional(),
  detail: z.string().optional(),
  /** Changed sites that only work together (the transform contract's SiteLink): what this one provides, what it needs. */
  provides: z.string().optional(),
  needs: z.string().optional(),
});

export const jsonReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  tool: z.strictObject({ name: z.literal('harden'), version: z.string() }),
  mode: z.enum(['check', 'dry-run', 'write']),
  transforms: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      filesChanged: z.number().int(),
      sitesChanged: z.number().int(),
      sitesSkipped: z.number().int(),
      /** Each changed site is one edit a reviewer may accept alone (see the transform contract). */
      standAloneSites: z.boolean(),
    }),
  ),
  summary: z.strictObject({
    filesProcessed: z.number().int(),
    filesChanged: z.number().int(),
    filesNotProcessed: z.number().int(),
    sitesChanged: z.number().int(),
    sitesSkipped: z.number().int(),
    newFiles: z.number().int(),
    errors: z.number().int(),
  }),
  files: z.array(
    z.strictObject({
      path: z.string(),
      status: z.enum(['changed', 'unchanged', 'skipped', 'parse-error', 'error']),
      message: z.string().optional(),
      line: z.number().int().optional(),
      column: z.number().int().optional(),
    }),
  ),
  sites: z.array(site),
  changes: z.array(
    z.strictObject({
      path: z.string(),
      kind: z.enum(['source', 'support-file', 'manifest']),
      created: z.boolean(),
      sites: z.array(z.string()),
      requestedBy: z.array(z.string()),
      diff: z.string(),
    }),
  ),
  newFiles: z.array(z.strictObject({ path: z.string(), requestedBy: z.array(z.string()) })),
  dependencies: z.array(
    z.strictObject({
      manifest: z.string(),
      name: z.string(),
      range: z.string(),
      field: z.enum(['dependencies', 'devDependencies']),
      requestedBy: z.array(z.string()),
    }),
  ),
  errors: z.array(
    z.strictObject({ path: z.string(), message: z.string(), line: z.number().int().optional(), column: z.number().int().optional() }),
  ),
  /** What the changes need to run: environment variables the new code reads, services the added dependencies talk to. */
  runtime: z.strictObject({
    env: z.array(z.strictObject({ name: z.string(), files: z.array(z.string()), default: z.string().optional() })),
    services: z.array(z.strictObject({ service: z.string(), because: z.string() })),
  }),
});

export type JsonReport = z.infer<typeof jsonReportSchema>;

export interface ReportContext {
  mode: JsonReport['mode'];
  version: string;
  /** Transform titles by id. */
  titles: ReadonlyMap<string, string>;
  /** The transforms whose changed sites stand alone (`standAloneSites` in their definition). */
  standAlone?: ReadonlySet<string>;
}

export function buildJsonReport(changeset: Changeset, context: ReportContext): JsonReport {
  const sites = changeset.outcomes.flatMap((outcome) => outcome.sites);
  const sources = changeset.changes.filter((change) => change.kind === 'source');
  return {
    schemaVersion: 1,
    tool: { name: 'harden', version: context.version },
    mode: context.mode,
    transforms: changeset.transforms.map((id) => {
      const mine = sites.filter((s) => s.transform === id);
      return {
        id,
        title: context.titles.get(id) ?? id,
        standAloneSites: context.standAlone?.has(id) ?? false,
        filesChanged: sources.filter((c) => c.sites.some((s) => s.transform === id && s.kind === 'changed')).length,
        sitesChanged: mine.filter((s) => s.kind === 'changed').length,
        sitesSkipped: mine.filter((s) => s.kind === 'skipped').length,
      };
    }),
    summary: {
      filesProcessed: changeset.outcomes.filter((o) => o.status !== 'skipped').length,
      filesChanged: sources.length,
      filesNotProcessed: changeset.outcomes.filter((o) => o.status === 'skipped').length,
      sitesChanged: sites.filter((s) => s.kind === 'changed').length,
      sitesSkipped: sites.filter((s) => s.kind === 'skipped').length,
      newFiles: changeset.changes.filter((c) => c.before === undefined).length,
      errors: changeset.errors.length,
    },
    files: changeset.outcomes.map(({ path, status, message, line, column }) => ({
      path,
      status,
      ...(message !== undefined ? { message } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
    })),
    sites: sites.map((s) => ({ ...s })),
    changes: changeset.changes.map((change) => ({
      path: change.path,
      kind: change.kind,
      created: change.before === undefined,
      sites: change.sites.map((s) => s.id),
      requestedBy: change.requestedBy,
      diff: patchFor(change),
    })),
    newFiles: changeset.changes
      .filter((change) => change.before === undefined)
      .map((change) => ({ path: change.path, requestedBy: change.requestedBy })),
    dependencies: changeset.changes.filter((change) => change.kind === 'manifest').flatMap(dependencyEdits),
    errors: changeset.errors.map((error) => ({ ...error })),
    runtime: (({ env, services }) => ({ env, services }))(runtimeNeeds(changeset)),
  };
}

export function formatJson(changeset: Changeset, context: ReportContext): string {
  return `${JSON.stringify(buildJsonReport(changeset, context), null, 2)}\n`;
}
