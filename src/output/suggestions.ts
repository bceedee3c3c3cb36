/**
 * GitHub suggested changes: harden's edits of the files a pull request changes, as one pull-request
 * review whose comments carry ```suggestion blocks, so a reviewer accepts one with a click.
 *
 * Built from the JSON report (`changes[].diff`) and the pull request's files as GitHub's API lists
 * them (`GET /repos/{owner}/{repo}/pulls/{n}/files`: `filename` and `patch`). A suggestion may only
 * sit on lines of the pull request's diff (GitHub refuses the whole review otherwise), so each run
 * of changed lines becomes a comment only when all the lines it replaces lie in one hunk of the pull
 * request on the new side; the others stay in the report comment. A pure insertion is anchored on
 * the line before it (that line, then the new ones).
 *
 * A suggestion is accepted alone, so only edits that stand alone are suggested: a file whose whole
 * change is one run of lines, or whose every run is one site of a transform whose sites stand alone
 * (`standAloneSites` in its definition, carried by the report: `.lean()`, pool options). A change that needs a new file or a dependency (an import of a
 * generated logger) or several runs that belong together (a merged import and the removed
 * duplicate; an `await` and the `async` it needs) is left to the report and the patch.
 */
import { createHash } from 'node:crypto';
import type { JsonReport } from './json.js';
import { longestRun } from './markdown.js';


export interface PullRequestFile {
  filename: string;
  /** The unified diff GitHub shows for the file; absent for binary or very large files. */
  patch?: string;
}

export interface ReviewComment {
  path: string;
  side: 'RIGHT';
  line: number;
  start_line?: number;
  start_side?: 'RIGHT';
  body: string;
}

export interface SuggestionReview {
  event: 'COMMENT';
  body: string;
  comments: ReviewComment[];
}

/** One run of changed lines in harden's diff of a file: the old lines it replaces (with their text) and the new ones. */
interface Edit {
  /** First old line replaced (1-based); for an insertion, the line before it. */
  from: number;
  to: number;
  lines: string[];
  /** The site message(s) of the change, for the comment body. */
}

/** The new-side line ranges of a pull request file's hunks. */
export function pullRequestRanges(patch: string | undefined): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const match of (patch ?? '').matchAll(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    if (count > 0) ranges.push([start, start + count - 1]);
  }
  return ranges;
}

/** The runs of changed lines of one file's unified diff, in old-file lines. */
export function editsOf(diff: string): Edit[] {
  const edits: Edit[] = [];
  let oldLine = 0;
  let previous: string | undefined; // text of the old line before the current position
  let run: { from: number; removed: number; added: string[]; before: string | undefined; beforeLine: number } | undefined;
  const close = () => {
    if (!run) return;
    if (run.removed > 0) edits.push({ from: run.from, to: run.from + run.removed - 1, lines: run.added });
    else if (run.before !== undefined) edits.push({ from: run.beforeLine, to: run.beforeLine, lines: [run.before, ...run.added] });
    run = undefined;
  };
  for (const line of diff.split('\n')) {
    const header = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (header) {
      close();
      oldLine = Number(header[1]);
      previous = undefined;
      continue;
    }
    if (line.startsWith('---') || line.startsWith('+++') || line.startsWith('diff ') || line.startsWith('new file') || line.startsWith('\\')) continue;
    if (line.startsWith('-')) {
      run ??= { from: oldLine, removed: 0, added: [], before: previous, beforeLine: oldLine - 1 };
      run.removed += 1;
      oldLine += 1;
    } else if (line.startsWith('+')) {
      run ??= { from: oldLine, removed: 0, added: [], before: previous, beforeLine: oldLine - 1 };
      run.added.push(line.slice(1));
    } else if (line.startsWith(' ')) {
      if (run && run.removed === 0 && run.before === undefined) {
        // an insertion at the top of a hunk with no line before it: anchored on the line after
        edits.push({ from: oldLine, to: oldLine, lines: [...run.added, line.slice(1)] });
        run = undefined;
      }
      close();
      previous = line.slice(1);
      oldLine += 1;
    }
  }
  close();
  return edits;
}

/** The review to post: the suggestions that fit the pull request's diff, and how many did not. */
/**
 * `existing`: the pull request's review comments (`GET /pulls/{n}/comments`); a suggestion whose
 * marker one of them carries was posted by an earlier run and is not posted again.
 */
export function suggestionReview(
  report: JsonReport,
  files: readonly PullRequestFile[],
  existing: ReadonlyArray<{ body?: string }> = [],
): { review: SuggestionReview | undefined; suggested: number; outside: number; posted: number } {
  const postedBefore = new Set(existing.flatMap((comment) => [...(comment.body ?? '').matchAll(/<!-- harden-suggestion:([0-9a-f]+) -->/g)].map((m) => m[1]!)));
  let posted = 0;
  const byName = new Map(files.map((file) => [file.filename, pullRequestRanges(file.patch)]));
  const standAloneTransforms = new Set(report.transforms.filter((t) => t.standAloneSites).map((t) => t.id));
  const needsMore = new Set(report.changes.filter((change) => change.kind !== 'source').flatMap((change) => change.requestedBy));
  const comments: ReviewComment[] = [];
  let outside = 0;
  for (const change of report.changes) {
    if (change.kind !== 'source' || change.created) continue;
    const ranges = byName.get(change.path);
    const messages = report.sites.filter((site) => site.file === change.path && site.kind === 'changed');
    const edits = editsOf(change.diff);
    const standAlone =
      !change.sites.some((id) => needsMore.has(id)) &&
      (edits.length === 1 || (messages.length === edits.length && messages.every((site) => standAloneTransforms.has(site.transform))));
    if (!standAlone) {
      outside += edits.length;
      continue;
    }
    for (const edit of edits) {
      if (!ranges || !ranges.some(([start, end]) => edit.from >= start && edit.to <= end)) {
        outside += 1;
        continue;
      }
      const near = messages.filter((site) => site.line >= edit.from - 2 && site.line <= edit.to + 2);
      const why = [...new Set(near.map((site) => `\`${site.transform}\`: ${site.message}`))].join('; ') || 'harden';
      const marker = createHash('sha256').update(`${change.path}\0${edit.from}\0${edit.lines.join('\n')}`).digest('hex').slice(0, 16);
      if (postedBefore.has(marker)) {
        posted += 1;
        continue;
      }
      comments.push({
        path: change.path,
        side: 'RIGHT',
        line: edit.to,
        ...(edit.to > edit.from ? { start_line: edit.from, start_side: 'RIGHT' as const } : {}),
        body: `${why}\n\n${fence(edit.lines)}\n<!-- harden-suggestion:${marker} -->`,
      });
    }
  }
  if (comments.length === 0) return { review: undefined, suggested: 0, outside, posted };
  const body =
    `harden suggests ${comments.length} change${comments.length === 1 ? '' : 's'} on lines this pull request touches; "Commit suggestion" applies one.` +
    (outside > 0 ? ` ${outside} other change${outside === 1 ? '' : 's'} (outside this pull request's diff, or needing new files) are in the report comment.` : '');
  return { review: { event: 'COMMENT', body, comments }, suggested: comments.length, outside, posted };
}

function fence(lines: readonly string[]): string {
  const text = lines.join('\n');
  const marks = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${marks}suggestion\n${text}${lines.length > 0 ? '\n' : ''}${marks}`;
}
