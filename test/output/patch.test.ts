import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/engine/discover.js';
import { run } from '../../src/changeset/run.js';
import { formatChangesetPatch } from '../../src/output/patch.js';
import { git, repo } from '../support/cli.js';
import { chainOf, requestsSupport } from '../support/transforms.js';

describe('the dry-run patch', () => {
  it('creates support files and edits package.json in a form git apply accepts', () => {
    const manifest = '{\n  "name": "app",\n  "dependencies": {\n    "express": "^5.0.0"\n  }\n}\n';
    const root = repo({ 'package.json': manifest, 'src/a.ts': "console.error('a');\n", 'src/deep/b.js': "console.error('b')\n" });
    const changeset = run({ root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain: chainOf(requestsSupport) });
    const patch = formatChangesetPatch(changeset);
    expect(patch).toContain('diff --git a/src/lib/log.ts b/src/lib/log.ts\nnew file mode 100644\n--- /dev/null\n+++ b/src/lib/log.ts\n');
    git(['apply', '--check'], root, patch);
    git(['apply'], root, patch);
    for (const change of changeset.changes) {
      expect(readFileSync(join(root, change.path), 'utf8'), change.path).toBe(change.after);
    }
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).toEqual({
      express: '^5.0.0',
      pino: '^10.4.0',
    });
  });
});
