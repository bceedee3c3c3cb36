/**
 * `harden suggestions <report.json> <pull-request-files.json>`: the pull-request review that carries
 * harden's stand-alone edits as GitHub suggested changes (see src/output/suggestions.ts), as the
 * JSON body of `POST /repos/{owner}/{repo}/pulls/{n}/reviews`. Prints nothing when no edit can be
 * suggested. The Action uses it; so can any CI.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { jsonReportSchema } from '../../output/json.js';
import { suggestionReview, type PullRequestFile } from '../../output/suggestions.js';
import type { Io } from '../io.js';

export function suggestionsCommand(reportPath: string, filesPath: string, existingPath: string | undefined, io: Io): number {
  const read = (path: string, what: string): unknown => {
    try {
      return JSON.parse(readFileSync(resolve(io.cwd, path), 'utf8'));
    } catch (error) {
      throw new UsageError(`${path}: cannot read ${what} (${(error as Error).message})`);
    }
  };
  const parsed = jsonReportSchema.safeParse(read(reportPath, 'the JSON report'));
  if (!parsed.success) throw new UsageError(`${reportPath} is not a harden JSON report (harden check --format json)`);
  // `gh api --paginate --slurp` gives one array per page
  const list = (value: unknown, path: string): unknown[] => {
    if (!Array.isArray(value)) throw new UsageError(`${path}: expected the array GitHub returns`);
    return value.every(Array.isArray) && value.length > 0 ? value.flat() : value;
  };
  const files = list(read(filesPath, "the pull request's files"), filesPath) as PullRequestFile[];
  const existing = existingPath ? (list(read(existingPath, "the pull request's review comments"), existingPath) as Array<{ body?: string }>) : [];
  const { review, suggested, outside, posted } = suggestionReview(parsed.data, files, existing);
  if (review) io.stdout.write(`${JSON.stringify(review)}\n`);
  io.stderr.write(
    `${suggested} suggested change${suggested === 1 ? '' : 's'}; ${outside} left to the report` + (posted ? `; ${posted} already suggested by an earlier run` : '') + '\n',
  );
  return 0;
}
