/**
 * The human summary (stderr): per transform, files and sites changed and sites skipped with
 * their reasons; then errors, skipped files, new files and dependency edits.
 */
import type { Changeset } from '../changeset/changeset.js';
import type { Colors } from './color.js';
import { describeRuntimeNeeds, runtimeNeeds } from './runtime-needs.js';
import type { Site } from '../engine/sites.js';

export interface SummaryOptions {
  verbose: boolean;
  colors: Colors;
  /** What happened to the changes: 'would change' (dry-run/check) or 'changed' (written). */
  verb: string;
}

export function location(site: { file?: string; path?: string; line?: number; column?: number }): string {
  const path = site.file ?? site.path ?? '';
  return site.line ? `${path}:${site.line}:${site.column ?? 1}` : path;
}

export function formatSummary(changeset: Changeset, { verbose, colors: c, verb }: SummaryOptions): string {
  const lines: string[] = [];
  const sites = changeset.outcomes.flatMap((outcome) => outcome.sites);
  const sources = changeset.changes.filter((change) => change.kind === 'source');
  const processed = changeset.outcomes.filter((o) => o.status !== 'skipped').length;

  for (const id of changeset.transforms) {
    const mine = sites.filter((site) => site.transform === id);
    const changed = mine.filter((site) => site.kind === 'changed');
    const skipped = mine.filter((site) => site.kind === 'skipped');
    const files = new Set(sources.filter((s) => s.sites.some((site) => site.transform === id && site.kind === 'changed')).map((s) => s.path));
    lines.push(
      `${c.bold(id)}: ${files.size} file${plural(files.size)} ${verb}, ` +
        `${c.green(`${changed.length} site${plural(changed.length)} changed`)}, ` +
        `${skipped.length ? c.yellow(`${skipped.length} skipped`) : '0 skipped'}`,
    );
    for (const [reason, group] of groupBy(skipped, (site) => site.reason ?? '')) {
      lines.push(`  skipped ${group.length}× ${reason}: ${group[0]!.reasonText}`);
      if (verbose) for (const site of group) lines.push(`    ${location(site)} ${reason}${site.detail ? ` (${site.detail})` : ''}`);
    }
    if (verbose) for (const site of changed) lines.push(`  ${c.green('changed')} ${location(site)} ${site.message}`);
  }

  const support = changeset.changes.filter((change) => change.kind !== 'source');
  for (const change of support) {
    lines.push(`${change.before === undefined ? 'new file' : 'edited'}: ${change.path}`);
  }
  const needs = describeRuntimeNeeds(runtimeNeeds(changeset));
  if (needs.length > 0) {
    lines.push('needs at runtime:');
    for (const line of needs) lines.push(`  ${line}`);
  }
  const skippedFiles = changeset.outcomes.filter((o) => o.status === 'skipped');
  if (skippedFiles.length > 0) {
    lines.push(`${skippedFiles.length} file${plural(skippedFiles.length)} not processed:`);
    const shown = verbose ? skippedFiles : skippedFiles.slice(0, 10);
    for (const outcome of shown) lines.push(`  ${outcome.path}: ${outcome.message}`);
    if (shown.length < skippedFiles.length) lines.push(`  … ${skippedFiles.length - shown.length} more (--verbose lists them)`);
  }
  for (const error of changeset.errors) lines.push(`${c.red('error')} ${location(error)}: ${error.message}`);
  lines.push(
    `${processed} file${plural(processed)} processed, ${sources.length} ${verb}` +
      (support.length ? `, ${support.length} support file${plural(support.length)}` : '') +
      (changeset.errors.length ? `, ${c.red(`${changeset.errors.length} error${plural(changeset.errors.length)}`)}` : ''),
  );
  return lines.join('\n') + '\n';
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

export type { Site };
