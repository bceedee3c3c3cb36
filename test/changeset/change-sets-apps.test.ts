/**
 * Every change a user is asked about shows its own hunks (issue 19): on the sample apps, with the
 * whole mongo-express preset (lean and paginate prove sites from other files), each change set
 * holds a non-empty diff of the site's own file, with a hunk at the site's lines, and applies alone.
 * The re-run of a site keeps the whole project as context (it used to see only the site's file, so a
 * console call whose logger lives in another file had an empty change set).
 */
import { describe, expect, it } from 'vitest';
import { computeChangeSets } from '../../src/changeset/change-sets.js';
import { resolveChain } from '../../src/cli/chain.js';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import { patchFor } from '../../src/output/patch.js';
import { registry } from '../../transforms/index.js';
import { appRepo } from '../apps/support.js';

describe('change sets on the sample apps', () => {
  for (const app of ['edgeai', 'vfxb', 'monitor', 'unified']) {
    it(`${app}: every change shows a hunk of its own file at its line`, () => {
      const { root } = appRepo(app);
      const chain = resolveChain({ preset: 'mongo-express' }, registry);
      const input = { root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain };
      const changeset = run(input);
      const sets = computeChangeSets(changeset, input);
      expect(sets.length).toBe(changeset.changes.flatMap((c) => c.sites).filter((s) => s.kind === 'changed').length);
      for (const set of sets) {
        const own = set.changes.find((change) => change.path === set.site.file);
        expect(own, `${set.id}: its file is in its change set`).toBeDefined();
        const diff = patchFor(own!);
        const hunks = [...diff.matchAll(/^@@ -(\d+)(?:,(\d+))? /gm)].map((m) => [Number(m[1]), Number(m[1]) + Number(m[2] ?? 1)]);
        expect(diff).toMatch(/^@@ /m);
        // a hunk over the site's own lines (an options object edited a few lines below its call);
        // a line repeated verbatim in the file (the seed's 14 identical imports) may be shown as another copy
        const lines = (own!.before ?? '').split('\n');
        const repeated = lines.filter((line) => line === lines[set.site.line - 1]).length > 1;
        if (!repeated) expect(hunks.some(([from, to]) => set.site.line <= to! && set.site.endLine >= from!), `${set.id}: a hunk at lines ${set.site.line}-${set.site.endLine}\n${diff}`).toBe(true);
        expect(set.combined, `${set.id} applies alone`).toBe(false);
      }
    });
  }
});
