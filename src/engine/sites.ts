/**
 * Sites: every place a transform considered, `changed` (with a message) or `skipped` (with a
 * declared reason). Reports, SARIF, review and tests are all built from these records.
 */
import type { Locatable, SiteLink, Sites } from '../transform.js';
import { BASELINE_FILE, BASELINED_REASON, type BaselineMatcher } from './baseline.js';
import { lineNumbers } from './token-align.js';

export interface Site {
  /** Stable within a run of the same inputs: `transform:file:line:column:ordinal`. */
  id: string;
  transform: string;
  file: string;
  kind: 'changed' | 'skipped';
  /** 1-based line and column of the node in the original file (0 when the node has none). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** For changed sites: what was done. */
  message?: string;
  /** For skipped sites: the reason key and its sentence from the transform's catalogue. */
  reason?: string;
  reasonText?: string;
  detail?: string;
  /** For changed sites linked to others (SiteLink): the key this edit provides, the key it needs. */
  provides?: string;
  needs?: string;
}

/** The reason of a change whose `needs` no change of the run provides (see SiteLink). */
export const NEEDS_REASON = 'needs-left-out';

/** The reason of a change a `harden-ignore-…` comment in the file refused. */
export const IGNORED_REASON = 'ignored';

/**
 * What the file's ignore comments ask: `// harden-ignore-next-line <id>[, <id>…] [-- why]` leaves
 * the sites that start on the next line alone, `// harden-ignore-file <id>… [-- why]` every site of
 * the file; without ids, for every transform. Block comments (`/* … *\/`) work the same.
 */
export interface IgnoreComments {
  /** For a transform and a site's start line: the comment that ignores it, if any. */
  find(transform: string, line: number): { line: number; why?: string } | undefined;
}

const IGNORE_COMMENT = /(?:\/\/|\/\*)[ \t*]*harden-ignore-(next-line|file)\b([^\n\r]*)/g;

export function ignoreComments(source: string): IgnoreComments | undefined {
  if (!source.includes('harden-ignore-')) return undefined;
  const lineIndex = lineNumbers(source);
  const rules: Array<{ kind: string; line: number; ids: Set<string> | undefined; why?: string }> = [];
  for (const match of source.matchAll(IGNORE_COMMENT)) {
    const rest = match[2]!.replace(/\*\/.*$/, '');
    const [idsText, ...whyParts] = rest.split(/\s--\s?/);
    const ids = idsText!.split(/[\s,]+/).filter(Boolean);
    const why = whyParts.join(' -- ').trim() || undefined;
    rules.push({ kind: match[1]!, line: lineIndex(match.index!) + 1, ids: ids.length > 0 ? new Set(ids) : undefined, why });
  }
  return {
    find(transform, line) {
      const rule = rules.find((r) => (!r.ids || r.ids.has(transform)) && (r.kind === 'file' || r.line + 1 === line));
      return rule && { line: rule.line, why: rule.why };
    },
  };
}

/** Why a re-run refuses a change it was given a filter for (e.g. `--verify`: it adds type errors). */
export interface SiteRefusal {
  reason: string;
  reasonText: string;
  detail?: string;
}

/**
 * Decides whether a changed site is wanted (interactive review and `--verify` re-run with it):
 * false leaves it out silently (not selected), a refusal records it as a skipped site with that
 * reason, so reports show it.
 */
export type SiteFilter = (site: Site) => boolean | SiteRefusal;

/** Records sites for one transform on one file. */
export class SiteRecorder implements Sites<string> {
  readonly records: Site[] = [];
  private readonly seen = new Map<string, number>();
  /** Called when a change is accepted, before the transform makes it (the engine stops its node index). */
  onChange: (() => void) | undefined;

  constructor(
    private readonly transform: string,
    private readonly file: string,
    private readonly skipReasons: Record<string, string>,
    private readonly filter: SiteFilter | undefined,
    /** Locates a node by its character offsets when it has no `loc` (recast nulls it on `export`ed declarations). */
    private readonly locate?: (node: Locatable) => Locatable['loc'],
    /**
     * Set when the transform may not change this file at all (its role): every change it would
     * make is recorded as skipped for this engine reason instead, and refused.
     */
    private readonly refuseAll?: { reason: string; reasonText: string; detail: string },
    /**
     * The team's decisions: the file's `harden-ignore-…` comments and the run's baseline. A change
     * either names is recorded as skipped and refused.
     */
    private readonly decisions: { ignores?: IgnoreComments | undefined; baseline?: BaselineMatcher | undefined } = {},
  ) {}

  private base(node: Locatable, kind: Site['kind']): Site {
    const loc = node?.loc ?? this.locate?.(node);
    const line = loc?.start.line ?? 0;
    const column = loc ? loc.start.column + 1 : 0;
    const key = `${this.transform}:${this.file}:${line}:${column}`;
    const ordinal = this.seen.get(key) ?? 0;
    this.seen.set(key, ordinal + 1);
    return {
      id: `${key}:${ordinal}`,
      transform: this.transform,
      file: this.file,
      kind,
      line,
      column,
      endLine: loc?.end.line ?? line,
      endColumn: loc ? loc.end.column + 1 : column,
    };
  }

  changed(node: Locatable, message: string, link?: SiteLink): boolean {
    if (this.refuseAll) {
      const { reason, reasonText, detail } = this.refuseAll;
      this.records.push({ ...this.base(node, 'skipped'), reason, reasonText, detail });
      return false;
    }
    const site: Site & { message: string } = { ...this.base(node, 'changed'), message };
    if (link?.provides !== undefined) site.provides = link.provides;
    if (link?.needs !== undefined) site.needs = link.needs;
    // the team's decisions first (baseline, ignore comments), then the re-run's filter
    const refusal = this.decisionOn(site) ?? (this.filter ? this.filter(site) : true);
    if (refusal === false) return false;
    if (refusal !== true) {
      const { message: _, provides: _p, needs: _n, ...rest } = site;
      this.records.push({ ...rest, kind: 'skipped', reason: refusal.reason, reasonText: refusal.reasonText, ...(refusal.detail !== undefined ? { detail: refusal.detail } : {}) });
      return false;
    }
    this.onChange?.();
    this.records.push(site);
    return true;
  }

  /** A baseline entry or an ignore comment that refuses this change, if one does. */
  private decisionOn(site: Site & { message: string }): SiteRefusal | undefined {
    if (this.decisions.baseline?.(this.transform, site.line, site.endLine)) {
      return {
        reason: BASELINED_REASON,
        reasonText: `listed in ${BASELINE_FILE} (harden baseline); it comes back when the code there changes, or when you remove its entry`,
        detail: `would have: ${site.message}`,
      };
    }
    const ignored = this.decisions.ignores?.find(this.transform, site.line);
    if (!ignored) return undefined;
    return { reason: IGNORED_REASON, reasonText: `a harden-ignore comment (line ${ignored.line}) asks to leave it`, detail: ignored.why ?? `would have: ${site.message}` };
  }

  skipped(node: Locatable, reason: string, detail?: string): void {
    if (this.refuseAll) {
      // in a file of a role the transform does not rewrite, the role is the reason for every site
      const { reason: roleReason, reasonText, detail: roleDetail } = this.refuseAll;
      this.records.push({ ...this.base(node, 'skipped'), reason: roleReason, reasonText, detail: roleDetail });
      return;
    }
    const reasonText = this.skipReasons[reason];
    if (reasonText === undefined) {
      throw new Error(`transform ${this.transform} skipped a site with undeclared reason "${reason}"`);
    }
    const site: Site = { ...this.base(node, 'skipped'), reason, reasonText };
    if (detail !== undefined) site.detail = detail;
    this.records.push(site);
  }
}

/** A `loc` from a node's `start`/`end` offsets in `source`, for nodes whose `loc` was dropped. */
export function offsetLocator(source: string): (node: Locatable) => Locatable['loc'] {
  let starts: number[] | undefined;
  const position = (offset: number) => {
    starts ??= [0, ...[...source.matchAll(/\n/g)].map((match) => match.index! + 1)];
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! };
  };
  return (node) => {
    const { start, end } = node as { start?: number; end?: number };
    if (typeof start !== 'number' || typeof end !== 'number') return undefined;
    return { start: position(start), end: position(end) };
  };
}
