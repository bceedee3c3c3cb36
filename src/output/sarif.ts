/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. One rule per transform
 * of the run, one result per changed site (level warning, "harden can fix this"), located by a
 * root-relative URI and a region, with `fixes` holding the exact text replacements of its own
 * change set (GitHub ignores `fixes`; other viewers apply them). Skipped sites are results (level
 * note, with the reason a person must act on) only on request (`--sarif-skipped` or the config's
 * `sarifSkipped`): a real backend has hundreds of them, and each would be a code-scanning alert
 * nobody asked for. The run's `properties` count them either way. Never coloured.
 */
import { diffLines } from 'diff';
import type { ChangeSet } from '../changeset/change-sets.js';
import type { Changeset, FileChange } from '../changeset/changeset.js';
import type { Site } from '../engine/sites.js';
import type { AnyTransform } from '../transform.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifContext {
  version: string;
  /** The transforms of the run by id (rules are built from their metadata). */
  transforms: ReadonlyMap<string, AnyTransform>;
  changeSets: readonly ChangeSet[];
  /** List skipped sites as results too (level note). Default: changed sites only. */
  includeSkipped?: boolean;
}

interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  charOffset?: number;
  charLength?: number;
}

export function buildSarif(changeset: Changeset, context: SarifContext) {
  const ruleIds = changeset.transforms;
  const rules = ruleIds.map((id) => {
    const t = context.transforms.get(id);
    const reasons = Object.entries(t?.skipReasons ?? {}).map(([key, text]) => `- ${key}: ${text}`);
    const help = [t?.description ?? id, reasons.length ? `\nharden leaves a site alone when:\n${reasons.join('\n')}` : '']
      .join('\n')
      .trim();
    return {
      id,
      name: pascal(id),
      shortDescription: { text: t?.title ?? id },
      fullDescription: { text: t?.description ?? id },
      help: { text: help, markdown: help },
      defaultConfiguration: { level: 'warning' as const },
      properties: { tags: ['harden', 'maintainability'] },
    };
  });
  const byId = new Map(context.changeSets.map((set) => [set.id, set]));
  const all = changeset.outcomes.flatMap((outcome) => outcome.sites);
  const skipped = all.filter((site) => site.kind === 'skipped').length;
  const sites = context.includeSkipped ? all : all.filter((site) => site.kind === 'changed');
  const results = sites.map((site) => {
    const set = byId.get(site.id);
    const fixes = site.kind === 'changed' && set ? [fixFor(site, set)] : undefined;
    return {
      ruleId: site.transform,
      ruleIndex: ruleIds.indexOf(site.transform),
      level: site.kind === 'changed' ? ('warning' as const) : ('note' as const),
      message: {
        text:
          site.kind === 'changed'
            ? `${site.message} (harden can fix this: harden apply --transform ${site.transform})`
            : `harden left this alone: ${site.reasonText}${site.detail ? ` (${site.detail})` : ''}`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeUri(site.file), uriBaseId: '%SRCROOT%' },
            region: siteRegion(site),
          },
        },
      ],
      properties: { hardenSiteId: site.id, kind: site.kind, ...(site.reason ? { reason: site.reason } : {}) },
      ...(fixes ? { fixes } : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'harden',
            version: context.version,
            semanticVersion: context.version,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the run (the repository root).' } } },
        columnKind: 'utf16CodeUnits' as const,
        results,
        invocations: [{ executionSuccessful: changeset.errors.length === 0, toolExecutionNotifications: notifications(changeset) }],
        properties: {
          changedSites: all.length - skipped,
          skippedSites: skipped,
          skippedSitesListed: Boolean(context.includeSkipped),
        },
      },
    ],
  };
}

export function formatSarif(changeset: Changeset, context: SarifContext): string {
  return `${JSON.stringify(buildSarif(changeset, context), null, 2)}\n`;
}

function notifications(changeset: Changeset) {
  return changeset.errors.map((error) => ({
    level: 'error' as const,
    message: { text: error.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeUri(error.path), uriBaseId: '%SRCROOT%' },
          ...(error.line ? { region: { startLine: error.line, ...(error.column ? { startColumn: error.column } : {}) } } : {}),
        },
      },
    ],
  }));
}

function siteRegion(site: Site): Pick<Region, 'startLine' | 'startColumn' | 'endLine' | 'endColumn'> {
  const startLine = Math.max(1, site.line);
  const startColumn = Math.max(1, site.column);
  const endLine = Math.max(startLine, site.endLine);
  const endColumn = endLine === startLine ? Math.max(startColumn + 1, site.endColumn) : Math.max(1, site.endColumn);
  return { startLine, startColumn, endLine, endColumn };
}

function fixFor(site: Site, set: ChangeSet) {
  return {
    description: { text: `${site.transform}: ${site.message}` },
    artifactChanges: set.changes.map((change) => ({
      artifactLocation: { uri: encodeUri(change.path), uriBaseId: '%SRCROOT%' },
      replacements: replacements(change),
    })),
  };
}

/** The text replacements turning `before` into `after`, as regions of the original text. */
export function replacements(change: FileChange): { deletedRegion: Region; insertedContent: { text: string } }[] {
  const before = change.before ?? '';
  const parts = before === '' ? [{ value: change.after, added: true, removed: false }] : diffLines(before, change.after);
  const result: { deletedRegion: Region; insertedContent: { text: string } }[] = [];
  let offset = 0;
  let pending: { offset: number; length: number; text: string } | undefined;
  const flush = () => {
    if (!pending) return;
    result.push({
      deletedRegion: regionOf(before, pending.offset, pending.length),
      insertedContent: { text: pending.text },
    });
    pending = undefined;
  };
  for (const part of parts) {
    if (!part.added && !part.removed) {
      flush();
      offset += part.value.length;
      continue;
    }
    pending ??= { offset, length: 0, text: '' };
    if (part.removed) {
      pending.length += part.value.length;
      offset += part.value.length;
    } else pending.text += part.value;
  }
  flush();
  return result;
}

/** A region (1-based lines and columns, end exclusive) with its character offset and length. */
function regionOf(text: string, offset: number, length: number): Region {
  const position = (at: number) => {
    const upTo = text.slice(0, at);
    const line = upTo.split('\n').length;
    const column = at - (upTo.lastIndexOf('\n') + 1) + 1;
    return { line, column };
  };
  const start = position(offset);
  const end = position(offset + length);
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, charOffset: offset, charLength: length };
}

function encodeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
